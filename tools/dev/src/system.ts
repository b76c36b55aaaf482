import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyMigrations, createPrismaClient } from '@exam/db';
import { startWebServer } from '@exam/web-server';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startMailSink } from './mail-sink.js';
import { superviseTs, waitForHttp, type SupervisedProcess } from './processes.js';
import { ensureRedis, redact } from './redis.js';
import { loadOrCreateDevSecrets } from './secrets.js';
import { FsBlobStorage } from '@exam/storage';
import { loadIdKeyring } from '@exam/auth';
import { seedDemoReview } from './demo-review.js';
import { seedDemo, type SeedResult } from './seed.js';
import { DEMO_DISTRICT } from './demo-data.js';
import { startRegistrationStandIn } from '../../registration-stand-in/src/stand-in.js';

export const DEFAULT_PORTS = {
  shell: 4200,
  candidate_upload: 4201,
  site_review: 4202,
  district_review: 4203,
  identity: 3101,
  material: 3102,
  review: 3103,
  notification: 3104,
  workers: 3105,
  smtp: 2525,
  pglite: 54329,
  redis: 6380,
  /** the registration system's stand-in page (【上传相关材料】, tools/registration-stand-in) */
  registration: 4210,
};
export type Ports = typeof DEFAULT_PORTS;

export const SERVICES = ['identity', 'material', 'review', 'notification'] as const;
export const REMOTES = [
  { name: 'candidate_upload', dir: 'candidate-upload' },
  { name: 'site_review', dir: 'site-review' },
  { name: 'district_review', dir: 'district-review' },
] as const;
export type RemoteName = (typeof REMOTES)[number]['name'];

export interface SystemOptions {
  /** repository root */
  root: string;
  /** where embedded data lives (default <root>/.data) */
  dataDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
  smtpUrl?: string;
  queuePrefix?: string;
  ports?: Partial<Ports>;
  /** build the front ends first (Nx cache makes a second build instant); default true */
  build?: boolean;
  /** hide child output (tests) */
  quiet?: boolean;
  /** how long the services may take to answer /readyz (default 60 s; a loaded test machine needs more) */
  readyTimeoutMs?: number;
  /** candidates of the demo year (default DEMO_CANDIDATE_COUNT) */
  demoCandidates?: number;
  log?: (line: string) => void;
}

export interface RunningSystem {
  url: string;
  ports: Ports;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  dataDir: string;
  seed: SeedResult;
  /** the registration system's stand-in page: a candidate's registration info and 【上传相关材料】 */
  registrationUrl: string;
  stop(): Promise<void>;
}

/** Brings the whole system up. Everything it started is stopped by `stop()`, in reverse order. */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const root = resolve(opts.root);
  const dataDir = resolve(opts.dataDir ?? join(root, '.data'));
  const ports: Ports = { ...DEFAULT_PORTS, ...opts.ports };
  const log = opts.log ?? ((l: string) => console.log(l));
  const stops: (() => Promise<void>)[] = [];
  // set first thing on stop: a child that exits from now on (Ctrl-C reaches it too) is not restarted
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.error(e));
    stops.length = 0;
  };
  mkdirSync(dataDir, { recursive: true });

  try {
    const secrets = loadOrCreateDevSecrets(dataDir);

    // 1. Postgres: DATABASE_URL, else embedded PGlite with its data under .data/pglite
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      log(`• 启动内置 PostgreSQL (PGlite) / starting embedded PostgreSQL on 127.0.0.1:${ports.pglite} …`);
      const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite'), port: ports.pglite });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    log('• 应用数据库迁移 / applying migrations …');
    await applyMigrations(databaseUrl);

    // 2. Redis
    const redis = await ensureRedis({ url: opts.redisUrl, dataDir: join(dataDir, 'redis'), port: ports.redis });
    stops.push(redis.stop);
    log(`• Redis: ${redact(redis.url)} (${redis.source})`);

    // 3. Mail: real SMTP when SMTP_URL is set, else an in-process sink writing .data/mail/*.eml
    let smtpUrl = opts.smtpUrl;
    if (!smtpUrl) {
      const sink = await startMailSink({ port: ports.smtp, dir: join(dataDir, 'mail') });
      stops.push(sink.close);
      smtpUrl = `smtp://127.0.0.1:${sink.port}`;
      log(`• 邮件沙箱 / mail sink: ${smtpUrl} → ${join(dataDir, 'mail')}`);
    }

    // the ID-number keyring: the dev key as key id 1, plus ID_ENC_KEYS / ID_ENC_KEY_CURRENT when set (to try a rotation)
    const idEncEnv = {
      ID_ENC_KEY: secrets.ID_ENC_KEY,
      ID_ENC_KEYS: process.env.ID_ENC_KEYS ?? '',
      ID_ENC_KEY_CURRENT: process.env.ID_ENC_KEY_CURRENT ?? '',
    };

    // 4. Demo data (idempotent)
    const prisma = createPrismaClient(databaseUrl);
    let seed: SeedResult;
    try {
      seed = await seedDemo(prisma, { idEncKey: loadIdKeyring(idEncEnv), idHashKey: secrets.ID_HASH_KEY }, new Date(), opts.demoCandidates);
      if (seed.created) await seedDemoReview(prisma, new FsBlobStorage(join(dataDir, 'blobs')), seed);
    } finally {
      await prisma.$disconnect();
    }
    log(seed.created ? '• 已写入演示数据 / demo data seeded' : '• 演示数据已存在 / demo data kept');

    // 5. Front ends (each remote its own dist)
    if (opts.build !== false) {
      log('• 构建前端 / building the shell and the three micro-frontends (cached after the first time) …');
      const r = spawnSync(
        process.execPath,
        [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', '-p', 'shell', ...REMOTES.map((x) => x.dir), '--output-style=stream'],
        { cwd: root, stdio: opts.quiet ? 'pipe' : 'inherit', env: { ...process.env, NX_DAEMON: 'false' } },
      );
      if (r.status !== 0) throw new Error(`front-end build failed:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    }

    // 6. Services and workers (child processes)
    const queuePrefix = opts.queuePrefix ?? 'exam';
    const common: Record<string, string> = {
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: opts.databaseUrl ? '10' : '4',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: queuePrefix,
      STORAGE_DIR: join(dataDir, 'blobs'),
      SMS_DIR: join(dataDir, 'sms'),
      // security alerts (blocked accounts, throttled IPs) land in the mail sink like every other mail
      SECURITY_ALERT_EMAIL: 'security@exam.local',
      SMTP_URL: smtpUrl,
      HOST: '127.0.0.1',
    };
    // Who holds which key (docs/ARCHITECTURE.md, "Personal data at rest"): identity the look-up hash key only;
    // material and review the ID-number keyring (to decrypt: masked display, the audited reveal); the roster worker
    // both (it writes imported candidates); the other workers and notification none. '' = unset, which also blanks a key inherited from this process's environment.
    // review also knows the stand-in registration system as a results-API client (docs/INTEGRATION.md §2).
    const noKeys = { ID_ENC_KEY: '', ID_ENC_KEYS: '', ID_ENC_KEY_CURRENT: '', ID_HASH_KEY: '', LAUNCH_LINK_KEYS: '', RESULTS_API_CLIENTS: '' };
    const resultsClient = { keyId: 'regsys-dev', secret: secrets.RESULTS_API_SECRET };
    const keysOf = (p: (typeof SERVICES)[number] | 'workers'): Record<string, string> =>
      p === 'identity'
        ? { ...noKeys, ID_HASH_KEY: secrets.ID_HASH_KEY, LAUNCH_LINK_KEYS: secrets.LAUNCH_LINK_KEYS }
        : p === 'review'
          ? { ...noKeys, ...idEncEnv, RESULTS_API_CLIENTS: `${resultsClient.keyId}:${resultsClient.secret}:${DEMO_DISTRICT.code}` }
          : p === 'material'
            ? { ...noKeys, ...idEncEnv }
            : noKeys;
    // each one restarted with backoff when it crashes (processes.ts supervise), logging which and when
    const procs: SupervisedProcess[] = [];
    stops.push(async () => {
      await Promise.all(procs.map((p) => p.stop()));
    });
    const supervision = { cwd: root, quiet: opts.quiet, log, mayRestart: () => !stopping };
    for (const s of SERVICES) {
      const app = `${s}-service`;
      procs.push(superviseTs(app, join(root, 'apps', app, 'src/main.ts'), { ...common, ...keysOf(s), PORT: String(ports[s]) }, supervision));
    }
    procs.push(
      superviseTs('workers', join(root, 'apps/workers/src/main.ts'), { ...common, ...keysOf('workers'), WORKER_HEALTH_PORT: String(ports.workers) }, supervision),
    );
    // roster imports write ID numbers: their own worker process (queue `roster`) holds the keyring and the hash key
    procs.push(
      superviseTs(
        'roster-worker',
        join(root, 'apps/workers/src/main.ts'),
        { ...common, ...noKeys, ...idEncEnv, ID_HASH_KEY: secrets.ID_HASH_KEY, WORKER_QUEUES: 'roster', WORKER_HEALTH_PORT: '0' },
        supervision,
      ),
    );

    // 7. Static servers: each remote on its own port like a separate deployment; the shell's
    //    server is the gateway: /api/<service> is proxied, /remotes.json points at the remotes.
    for (const r of REMOTES) {
      const srv = await startWebServer({ root: join(root, 'dist/apps', r.dir), port: ports[r.name], cors: true });
      stops.push(async () => {
        await srv.close();
      });
    }
    // {hostname} is filled in by the shell with the host the browser used (works from a phone on the LAN too);
    // the shell's server also allows these origins, and only these, in its Content-Security-Policy
    const remotes = Object.fromEntries(REMOTES.map((r) => [r.name, `http://{hostname}:${ports[r.name]}/mf-manifest.json`]));
    const shell = await startWebServer({
      root: join(root, 'dist/apps/shell'),
      port: ports.shell,
      spa: true,
      proxy: Object.fromEntries(SERVICES.map((s) => [`/api/${s}`, `http://127.0.0.1:${ports[s]}`])),
      remotes,
    });
    stops.push(shell.close);

    // 8. The registration system's stand-in: its 【上传相关材料】 signs a launch link with the development key, and
    //    its 审核结果回传 page calls the results API through the gateway with a signed request
    const standIn = await startRegistrationStandIn({
      port: ports.registration,
      databaseUrl,
      launchLinkKeys: secrets.LAUNCH_LINK_KEYS,
      shellPort: ports.shell,
      resultsApi: { baseUrl: `http://127.0.0.1:${ports.shell}`, keyId: resultsClient.keyId, secret: Buffer.from(resultsClient.secret, 'base64') },
    });
    stops.push(standIn.close);

    await Promise.all([
      ...SERVICES.map((s) => waitForHttp(`http://127.0.0.1:${ports[s]}/readyz`, opts.readyTimeoutMs)),
      waitForHttp(`http://127.0.0.1:${ports.workers}/readyz`, opts.readyTimeoutMs),
    ]);

    return {
      url: `http://localhost:${ports.shell}`,
      ports,
      databaseUrl,
      redisUrl: redis.url,
      queuePrefix,
      dataDir,
      seed,
      registrationUrl: standIn.url,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
