// What the fault tests start and break: the services and the workers as real child processes (the same entry
// points and the same spawn code as `npm start`), a Redis and a PostgreSQL of their own that can be stopped and
// started again (never the shared ones at :6379 / :5432), and small helpers to drive the HTTP API.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { spawnTs, startMailSink, type ManagedProcess, type MailSink } from '@exam/dev-tools';
import type { ExamSite, ExamYear, PrismaClient } from '@exam/db';
import { QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import { createPrismaClient } from '@exam/db';
import {
  TEST_ID_ENC_KEY,
  TEST_ID_HASH_KEY,
  createTestDatabase,
  loginAs,
  seedCandidate,
  seedSite,
  seedYear,
  testRedisPrefix,
  testRedisUrl,
  type AuthHeaders,
  type TestDatabase,
} from '@exam/testing';

const run = promisify(execFile);
export const root = resolve(import.meta.dirname, '../../..');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(port));
    });
  });
}

/** Polls `check` every `everyMs` until it returns a truthy value; throws `what` after `ms`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | null | undefined | false>, ms: number, everyMs = 100): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${seconds(ms)} s waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}

/** GET `url` → HTTP status (0 when the connection fails), within `timeoutMs`. */
export async function statusOf(url: string, timeoutMs = 3_000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- Redis of our own

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL (no save): with persistence 'none' it comes back empty. */
  kill(): Promise<void>;
  /** SHUTDOWN-like stop (SIGTERM: the AOF is flushed). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** stops it and deletes its directory */
  destroy(): Promise<void>;
}

/**
 * A `redis-server` on a free port with its data in a temporary directory. `persistence: 'aof'` is what production
 * runs (appendonly, appendfsync everysec); 'none' (`--save '' --appendonly no`) restarts empty, like a failover to an
 * empty replica.
 */
export async function startOwnRedis(persistence: 'aof' | 'none'): Promise<OwnRedis> {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) throw new Error('redis-server is not installed (the fault tests start their own)');
  const dir = await mkdtemp(join(tmpdir(), 'faults-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', join(dir, 'redis.log')];
  args.push(...(persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']));
  let child: ChildProcess | undefined;
  const exited = () => !child || child.exitCode !== null || child.signalCode !== null;
  const answers = async () => {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    if (exited()) return;
    const c = child!;
    await new Promise<void>((res) => {
      c.once('exit', () => res());
      c.kill(signal);
    });
  };
  const handle: OwnRedis = {
    url,
    port,
    async start() {
      if (!exited()) return;
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitUntil(`redis-server on ${port}`, answers, 10_000, 50);
    },
    kill: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
    async destroy() {
      await stopWith('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

// ---------------------------------------------------------------- PostgreSQL of our own

export interface OwnPostgres {
  url: string;
  port: number;
  /** pg_ctl stop -m fast: sessions are terminated (57P01), new connections refused */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The directory of initdb/pg_ctl: on PATH, /usr/local/bin, or the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.push(resolve(which.stdout.trim(), '..'));
  candidates.push('/usr/local/bin');
  const lib = '/usr/lib/postgresql';
  if (existsSync(lib)) {
    for (const v of readdirSync(lib).sort((a, b) => Number(b) - Number(a))) candidates.push(join(lib, v, 'bin'));
  }
  return candidates.find((d) => existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
}

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, a free port, trust auth on 127.0.0.1), which
 * can be stopped and started like a real restart. Postgres refuses to run as root: then it runs as the `postgres`
 * OS user (runuser), which the Debian packages create.
 */
export async function startOwnPostgres(bin: string): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'faults-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0) throw new Error('running as root and there is no postgres OS user to run PostgreSQL as');
    const uid = Number(pw.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args));
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  mkdirSync(join(dir, 'sock'), { recursive: true });
  if (asRoot) chownSync(join(dir, 'sock'), Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
  const opts = `-p ${port} -k ${join(dir, 'sock')} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  let running = false;
  const handle: OwnPostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await as('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', 'start']);
      running = true;
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

// ---------------------------------------------------------------- the processes of the system

export type ProcessKind = 'identity-service' | 'material-service' | 'workers';

export interface SystemProcess {
  kind: ProcessKind;
  port: number;
  base: string;
  proc: ManagedProcess;
  pid: number;
  /** the last lines it printed (for failure messages) */
  tail(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface Env {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** blobs, sms */
  dataDir: string;
  smtpUrl: string;
}

/** A data directory and a mail sink for the workers (closed by `close`). */
export async function startScratch(): Promise<{ dataDir: string; mail: MailSink; smtpUrl: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'faults-data-'));
  const mail = await startMailSink({ port: 0, dir: join(dataDir, 'mail') });
  return {
    dataDir,
    mail,
    smtpUrl: `smtp://127.0.0.1:${mail.port}`,
    async close() {
      await mail.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts one service or the workers from its own `main.ts` (as `npm start` does) and waits until its /readyz
 * answers 200 (`ready: false`: only until /healthz does).
 */
export async function startProcess(kind: ProcessKind, env: Env, extra: Record<string, string> = {}, opts: { ready?: boolean } = {}): Promise<SystemProcess> {
  const port = await freePort();
  const lines: string[] = [];
  const childEnv: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: env.databaseUrl,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: env.prefix,
    STORAGE_DIR: join(env.dataDir, 'blobs'),
    SMS_DIR: join(env.dataDir, 'sms'),
    SMTP_URL: env.smtpUrl,
    ID_ENC_KEY: TEST_ID_ENC_KEY,
    ID_HASH_KEY: TEST_ID_HASH_KEY,
    UPLOAD_LIMIT_PER_HOUR: '10000',
    UPLOAD_LIMIT_PER_YEAR: '100000',
    ...(kind === 'workers' ? { WORKER_HEALTH_PORT: String(port) } : { PORT: String(port) }),
    ...extra,
  };
  const entry = join(root, 'apps', kind, 'src/main.ts');
  const proc = spawnTs(kind, entry, childEnv, {
    cwd: root,
    quiet: !process.env['FAULTS_VERBOSE'],
    onLine: (line) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const tail = () => lines.slice(-40).join('\n');
  try {
    await waitUntil(
      `${kind} ${opts.ready === false ? 'healthz' : 'readyz'}`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${kind} exited with ${proc.child.exitCode}:\n${tail()}`);
        return (await statusOf(`${base}/${opts.ready === false ? 'healthz' : 'readyz'}`)) === 200;
      },
      60_000,
      200,
    );
  } catch (e) {
    await proc.stop(2_000);
    throw new Error(`${(e as Error).message}\n--- ${kind} output ---\n${tail()}`);
  }
  return {
    kind,
    port,
    base,
    proc,
    pid: proc.child.pid ?? 0,
    tail,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      await new Promise<void>((res) => {
        proc.child.once('exit', () => res());
        proc.child.kill(signal);
      });
    },
    stop: () => proc.stop(10_000),
  };
}

// ---------------------------------------------------------------- HTTP calls of a candidate

export interface Answer {
  status: number;
  ms: number;
  /** the parsed JSON body, if any */
  body: unknown;
  at: number;
}

/** One request, never throwing: status 0 when the connection failed or `timeoutMs` passed. */
export async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  const t0 = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, ms: Date.now() - t0, body, at: t0 };
  } catch {
    return { status: 0, ms: Date.now() - t0, body: undefined, at: t0 };
  }
}

/** POST /api/material/images (multipart, as the browser sends it). */
export function upload(base: string, auth: Record<string, string>, categoryCode: string, bytes: Buffer, timeoutMs?: number): Promise<Answer> {
  const form = new FormData();
  form.set('categoryCode', categoryCode);
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  return call(`${base}/api/material/images`, { method: 'POST', headers: auth, body: form, timeoutMs });
}

/** The one error shape, 503 SERVICE_UNAVAILABLE with a Chinese message. */
export function isUnavailableAnswer(a: Answer): boolean {
  const e = (a.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return a.status === 503 && e?.code === 'SERVICE_UNAVAILABLE' && typeof e.message === 'string' && /[\u4e00-\u9fff]/.test(e.message);
}

/** Prints a fault figure so the closing note can quote it. */
export function figure(line: string): void {
  console.log(`fault: ${line}`);
}

// ---------------------------------------------------------------- test data

/** An exam year whose upload window is open now (real clock) unless told otherwise, and a site. */
export async function seedOpenYear(prisma: PrismaClient, opts: { uploadEnd?: Date } = {}) {
  const year = await seedYear(prisma, {
    uploadStart: new Date(Date.now() - 24 * 3600_000),
    uploadEnd: opts.uploadEnd ?? new Date(Date.now() + 24 * 3600_000),
  });
  const site = await seedSite(prisma);
  return { year, site };
}

/** `n` candidates of the year, each with a session (cookie + CSRF header). */
export async function seedCandidates(prisma: PrismaClient, year: ExamYear, site: ExamSite, n: number) {
  const out: { candidateId: string; auth: AuthHeaders }[] = [];
  for (let i = 0; i < n; i++) {
    const c = await seedCandidate(prisma, year, site);
    out.push({ candidateId: c.id, auth: await loginAs(prisma, { role: 'CANDIDATE', candidateId: c.id }) });
  }
  return out;
}

/** Upload slots of a GRADUATE candidate that never hit a category maximum: 19 in all. */
export const GRADUATE_SLOTS = [
  ...Array<string>(5).fill('PROBATION'),
  ...Array<string>(3).fill('INST_LICENSE'),
  ...Array<string>(2).fill('GRAD_CERT'),
  ...Array<string>(2).fill('ID_CARD'),
  ...Array<string>(2).fill('DEGREE_CERT'),
  ...Array<string>(5).fill('OTHER'),
];

/** Runs `task` over `items` with `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}

/** A producer on `redisUrl` under `prefix` (to look at the queues the way the workers see them). */
export function queueProbe(redisUrl: string, prefix: string) {
  const connection = createRedisConnection(redisUrl, 'producer');
  connection.on('error', () => undefined);
  const producer = createJobProducer(connection, prefix);
  return {
    producer,
    async schedulers(): Promise<string[]> {
      return (await producer.queue('deadline').getJobSchedulers()).map((s) => s.key).sort();
    },
    async close() {
      await producer.close().catch(() => undefined);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** What every fault test starts with: its own database, a scratch data dir and mail sink, and a Redis (its own when asked). */
export interface FaultContext {
  db: TestDatabase;
  prisma: PrismaClient;
  /** set when the test asked for a Redis of its own (to stop and start); otherwise the shared one with a fresh prefix */
  redis: OwnRedis | undefined;
  env: Env;
  /** stops the processes, clears the queues of a shared Redis, drops the database */
  close(procs: readonly SystemProcess[]): Promise<void>;
}

export async function openFaultContext(opts: { redis?: 'aof' | 'none' } = {}): Promise<FaultContext> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url, { max: 4 });
  const redis = opts.redis ? await startOwnRedis(opts.redis) : undefined;
  const scratch = await startScratch();
  const env: Env = {
    databaseUrl: db.url,
    redisUrl: redis?.url ?? testRedisUrl(),
    prefix: testRedisPrefix(),
    dataDir: scratch.dataDir,
    smtpUrl: scratch.smtpUrl,
  };
  return {
    db,
    prisma,
    redis,
    env,
    async close(procs) {
      await Promise.all(procs.map((p) => p.stop()));
      if (redis) await redis.destroy();
      else {
        const probe = queueProbe(env.redisUrl, env.prefix);
        for (const q of QUEUE_NAMES) await probe.producer.queue(q).obliterate({ force: true }).catch(() => undefined);
        await probe.close();
      }
      await prisma.$disconnect();
      await db.drop();
      await scratch.close();
    },
  };
}
