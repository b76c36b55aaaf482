import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { EmailSender } from './email.js';

/**
 * At most `perSecond` mails a second through `sender`, counted in Redis across every worker process
 * (NOTIFY_EMAIL_PER_SECOND): a send waits for its turn instead of failing. It counts mails, not delivery jobs, so a job
 * that carries a batch of mails (notify.deliver-email-batch) is paced like the same mails sent one job each.
 */
export function pacedEmailSender(sender: EmailSender, opts: { redis: Redis; prefix: string; perSecond: number }): EmailSender {
  const limiter = new RateLimiterRedis({
    storeClient: opts.redis,
    // a connection still connecting queues the command (the delivery jobs themselves need the same Redis)
    rejectIfRedisNotReady: false,
    keyPrefix: `${opts.prefix}:email-pace`,
    points: opts.perSecond,
    duration: 1,
  });
  const turn = async (): Promise<void> => {
    for (;;) {
      try {
        await limiter.consume('all');
        return;
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        await limiter.reward('all', 1); // a refused consume still counted: give it back
        await new Promise((r) => setTimeout(r, Math.max(5, e.msBeforeNext)));
      }
    }
  };
  return {
    async send(msg) {
      await turn();
      return sender.send(msg);
    },
    close: () => sender.close(),
  };
}
