// The repeating jobs (deadline tick, sweeper, retention) live in Redis only. A Redis restarted without persistence,
// or a failover to an empty replica, loses them — and every job that was waiting. So a process running the deadline
// queue registers them at start AND whenever its Redis connection becomes ready again, checks every 30 s that they
// are still there, and reports them in its readiness; each time it also catches up what Redis may have lost.
import type { Redis } from 'ioredis';
import { DELIVERY_JOB, type JobProducer } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { registerDeadlineSchedules } from './deadline.job.js';
import { deadlineTick, sweepStuck } from './deadline.service.js';
import { ensureQueued } from './requeue.service.js';

/** How often the keeper looks whether the schedules are still in Redis (a FLUSHALL drops no connection). */
export const SCHEDULE_WATCH_EVERY_MS = 30_000;
/** After a failed restore (Redis flapping), the next attempt. */
const RETRY_AFTER_MS = 5_000;
/** Rows re-queued per kind by one catch-up (like the sweeper's limit). */
const CATCH_UP_LIMIT = 1000;

type Deps = Pick<WorkerDeps, 'prisma' | 'producer' | 'clock' | 'logger'>;

/**
 * The scheduler ids `registerDeadlineSchedules` upserts, read off a dry run against a recording queue (so the
 * list has one source): `upsertJobScheduler` records its id, any other queue method does nothing.
 */
export async function deadlineScheduleIds(): Promise<string[]> {
  const ids: string[] = [];
  const recorder = new Proxy(
    {},
    {
      get: (_target, prop) => {
        if (prop === 'then') return undefined; // not a promise
        if (prop === 'upsertJobScheduler') {
          return async (id: string) => {
            ids.push(id);
          };
        }
        return async () => undefined;
      },
    },
  );
  await registerDeadlineSchedules({ queue: () => recorder } as unknown as JobProducer);
  return [...new Set(ids)];
}

/**
 * What Redis may have lost, put back: every PROCESSING image and PENDING (or SENDING) outbox row gets its job again whatever
 * its age (`ensureQueued` leaves a job that is still waiting or running alone), then the usual tick (exam years
 * whose window ended, returns past their deadline) and sweep (stuck fan-outs, publications…).
 */
export async function catchUp(deps: Deps): Promise<{ images: number; outbox: number; years: number; returns: number }> {
  const images = await deps.prisma.image.findMany({
    where: { state: 'PROCESSING', deletedAt: null },
    select: { id: true },
    orderBy: { uploadedAt: 'asc' },
    take: CATCH_UP_LIMIT,
  });
  for (const i of images) await ensureQueued(deps.producer, 'image.process', { imageId: i.id });
  const outbox = await deps.prisma.notificationOutbox.findMany({
    where: { status: { in: ['PENDING', 'SENDING'] } },
    select: { id: true, channel: true },
    orderBy: { createdAt: 'asc' },
    take: CATCH_UP_LIMIT,
  });
  for (const o of outbox) await ensureQueued(deps.producer, DELIVERY_JOB[o.channel], { outboxId: o.id });
  const tick = await deadlineTick(deps);
  await sweepStuck(deps);
  return { images: images.length, outbox: outbox.length, ...tick };
}

export interface ScheduleKeeper {
  /** Registers the schedules and catches up; once, at start (throws if Redis or Postgres fail). */
  start(): Promise<void>;
  /** Readiness: rejects naming the schedules missing from Redis. */
  check(): Promise<void>;
  /** Re-registers the schedules (idempotent upserts) and catches up; serialised, retried while it fails. */
  restore(reason: string): Promise<void>;
  stop(): void;
}

/**
 * Keeps the deadline queue's schedules in Redis. `connection` is the one `deps.producer` uses: its `ready` event
 * (after start) means Redis was away — restarted, failed over, or the network — and may have come back empty.
 */
export function keepDeadlineSchedules(deps: Deps, connection: Pick<Redis, 'on' | 'off'>, watchEveryMs = SCHEDULE_WATCH_EVERY_MS): ScheduleKeeper {
  const queue = deps.producer.queue('deadline');
  let expected: string[] | undefined;
  let started = false;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again: string | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const missing = async (): Promise<string[]> => {
    expected ??= await deadlineScheduleIds();
    const present = new Set((await queue.getJobSchedulers()).map((s) => s.key));
    return expected.filter((id) => !present.has(id));
  };

  const register = async (): Promise<string[]> => {
    const gone = await missing();
    await registerDeadlineSchedules(deps.producer);
    return gone;
  };
  const runOnce = async (reason: string, registered?: string[]): Promise<void> => {
    const gone = registered ?? (await register());
    const caught = await catchUp(deps);
    const info = { reason, missing: gone, ...caught };
    if (gone.length) deps.logger.warn(info, 'deadline schedules were missing from Redis: registered again, lost work re-queued');
    else deps.logger.info(info, 'deadline schedules registered, caught up');
  };

  const restore = (reason: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = reason; // one more run after this one: the trigger may have come after its check
      return running;
    }
    clearTimeout(retryTimer);
    running = runOnce(reason)
      .catch((err: unknown) => {
        deps.logger.error({ reason, err: (err as Error).message }, 'restoring the deadline schedules failed; retrying');
        if (!stopped) {
          retryTimer = setTimeout(() => void restore(`retry (${reason})`), RETRY_AFTER_MS);
          retryTimer.unref();
        }
      })
      .finally(() => {
        running = undefined;
        if (again !== undefined && !stopped) {
          const next = again;
          again = undefined;
          void restore(next);
        }
      });
    return running;
  };

  const onReady = () => {
    if (started) void restore('redis connection ready again');
  };
  const watch = setInterval(() => {
    if (running || !started) return;
    missing().then(
      (gone) => {
        if (gone.length) void restore(`schedules missing: ${gone.join(', ')}`);
      },
      () => undefined, // Redis down: its `ready` brings us back
    );
  }, watchEveryMs);
  watch.unref();

  return {
    async start() {
      connection.on('ready', onReady);
      const gone = await register(); // a worker that cannot register its schedules does not start
      started = true;
      // catching up may fail (Postgres down) without stopping the start: it is retried like any restore
      await runOnce('start', gone).catch((err: unknown) => {
        deps.logger.error({ err: (err as Error).message }, 'start-up catch-up failed; retrying');
        retryTimer = setTimeout(() => void restore('retry (start)'), RETRY_AFTER_MS);
        retryTimer.unref();
      });
    },
    async check() {
      const gone = await missing();
      if (gone.length) throw new Error(`schedules missing: ${gone.join(', ')}`);
    },
    restore,
    stop() {
      stopped = true;
      clearInterval(watch);
      clearTimeout(retryTimer);
      connection.off('ready', onReady);
    },
  };
}
