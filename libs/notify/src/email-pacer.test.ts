import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@exam/queue';
import { testRedisPrefix, testRedisUrl } from '@exam/testing';
import { pacedEmailSender } from './email-pacer.js';
import type { EmailSender } from './email.js';

describe('pacedEmailSender (NOTIFY_EMAIL_PER_SECOND counted in Redis)', () => {
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  afterAll(async () => {
    await redis.quit();
  });

  it('holds mails back to the rate across two senders sharing Redis (two worker processes), and loses none', async () => {
    const sentAt: number[] = [];
    const inner: EmailSender = {
      send: async (msg) => {
        sentAt.push(Date.now());
        return { messageId: msg.messageId ?? '' };
      },
      close: async () => undefined,
    };
    const prefix = `${testRedisPrefix()}:${randomUUID().slice(0, 8)}`;
    const a = pacedEmailSender(inner, { redis, prefix, perSecond: 4 });
    const b = pacedEmailSender(inner, { redis, prefix, perSecond: 4 });
    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).send({ to: `p${i}@example.com`, subject: 's', text: 't', html: '<p>t</p>', messageId: `<m${i}>` })),
    );
    expect(ids.map((r) => r.messageId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `<m${i}>`).sort());
    // 12 mails at 4 a second: three one-second windows, so the last no sooner than ~2 s after the start
    expect(Math.max(...sentAt) - started).toBeGreaterThanOrEqual(1_900);
    // and never more than two windows' worth (8) inside any one second
    const t = [...sentAt].sort((x, y) => x - y);
    for (let i = 8; i < t.length; i++) expect(t[i]! - t[i - 8]!).toBeGreaterThanOrEqual(900);
  });
});
