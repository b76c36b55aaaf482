import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';

/** True when a Redis server answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const REDIS_MISSING_MESSAGE = [
  '未找到可用的 Redis。请设置 REDIS_URL 指向一个 Redis 6.2+ 服务，或安装 redis-server 后重试：',
  '  Debian/Ubuntu: sudo apt-get install -y redis-server    macOS: brew install redis',
  'No Redis found. Set REDIS_URL to a Redis 6.2+ server, or install redis-server and try again:',
  '  Debian/Ubuntu: sudo apt-get install -y redis-server    macOS: brew install redis',
].join('\n');

export interface RedisHandle {
  url: string;
  /** where it came from, for the start banner */
  source: 'REDIS_URL' | 'local default' | 'started redis-server';
  stop(): Promise<void>;
}

/**
 * REDIS_URL if set (it must answer); else redis://127.0.0.1:6379 if it answers; else a
 * `redis-server` started here with its data (append-only file) under `dataDir`.
 */
export async function ensureRedis(opts: {
  url?: string;
  dataDir: string;
  port: number;
  /** the local default tried when REDIS_URL is unset */
  defaultUrl?: string;
  /** the redis-server executable (found on PATH by default) */
  redisServerBin?: string;
}): Promise<RedisHandle> {
  const bin = opts.redisServerBin ?? 'redis-server';
  if (opts.url) {
    if (!(await redisAnswers(opts.url))) throw new Error(`REDIS_URL 无法连接 / REDIS_URL does not answer: ${redact(opts.url)}`);
    return { url: opts.url, source: 'REDIS_URL', stop: async () => undefined };
  }
  const local = opts.defaultUrl ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) return { url: local, source: 'local default', stop: async () => undefined };

  const found = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) throw new Error(REDIS_MISSING_MESSAGE);

  mkdirSync(opts.dataDir, { recursive: true });
  const url = `redis://127.0.0.1:${opts.port}`;
  if (!(await redisAnswers(url))) {
    const child: ChildProcess = spawn(
      bin,
      ['--port', String(opts.port), '--bind', '127.0.0.1', '--dir', opts.dataDir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50 && !(await redisAnswers(url, 300)); i++) await new Promise((r) => setTimeout(r, 100));
    if (!(await redisAnswers(url))) throw new Error(`redis-server 启动失败 / redis-server did not start on port ${opts.port}`);
    return {
      url,
      source: 'started redis-server',
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }
  return { url, source: 'started redis-server', stop: async () => undefined };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
