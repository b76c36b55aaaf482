import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnTsOptions {
  cwd: string;
  /** do not copy the child's output to this process's stdout/stderr */
  quiet?: boolean;
  /** every line the child prints (also when quiet) */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Runs a TypeScript entry point with tsx as a child process, its output prefixed with its name. */
export function spawnTs(name: string, entry: string, env: Record<string, string>, opts: SpawnTsOptions): ManagedProcess {
  const tsx = require.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, entry], {
    cwd: opts.cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream, which: 'stdout' | 'stderr') => {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        opts.onLine?.(line, which);
        if (!opts.quiet) out.write(prefix + line + '\n');
      }
    });
  };
  pipe(child.stdout, process.stdout, 'stdout');
  pipe(child.stderr, process.stderr, 'stderr');
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    opts.onExit?.(code, signal);
  });
  return {
    name,
    child,
    stop: (timeoutMs = 15_000) =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** When a crashed child is started again: after `initialDelayMs`, doubling up to `maxDelayMs` while it keeps crashing. */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** a child that ran this long before crashing starts the sequence again at `initialDelayMs` */
  resetAfterMs: number;
}
export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };

/** Exits the child chose or was asked for (its signal handler ran, or a stop signal killed it): not restarted. */
const STOP_SIGNALS = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP']);
export function isCrash(code: number | null, signal: NodeJS.Signals | null): boolean {
  if (signal) return !STOP_SIGNALS.has(signal);
  return code !== 0;
}

export interface SupervisedProcess {
  name: string;
  /** the running child, undefined while waiting to restart or once stopped */
  current(): ManagedProcess | undefined;
  /** how many times it was started again after a crash */
  restarts(): number;
  /** Stops for good: cancels a pending restart and stops the running child. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SuperviseOptions {
  policy?: Partial<RestartPolicy>;
  /** where the crash / restart lines go (default console.log) */
  log?: (line: string) => void;
  /** false while the whole system shuts down: a child that exits then is not restarted */
  mayRestart?: () => boolean;
  /** the clock (tests) */
  now?: () => number;
}

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const seconds = (ms: number) => `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;

/**
 * Keeps one child process running: `start` spawns it (calling `onExit` when it ends); a crash (non-zero exit code,
 * or killed by a signal other than SIGINT/SIGTERM/SIGHUP) is logged with the time and the child started again after
 * an exponential backoff (1 s doubling to 30 s, back to 1 s after a minute up). `stop()` — and `mayRestart()`
 * turning false — means no restart any more, also for a crash that happens during shutdown.
 */
export function supervise(
  name: string,
  start: (onExit: (code: number | null, signal: NodeJS.Signals | null) => void) => ManagedProcess,
  opts: SuperviseOptions = {},
): SupervisedProcess {
  const policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
  const log = opts.log ?? ((line: string) => console.log(line));
  const now = opts.now ?? Date.now;
  let proc: ManagedProcess | undefined;
  let startedAt = 0;
  let nextDelay = policy.initialDelayMs;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const mayRestart = () => !stopped && (opts.mayRestart?.() ?? true);

  const launch = () => {
    timer = undefined;
    if (!mayRestart()) return;
    startedAt = now();
    const p = start((code, signal) => {
      if (proc === p) proc = undefined;
      onExit(code, signal);
    });
    proc = p;
  };

  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (!mayRestart()) return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (!isCrash(code, signal)) {
      log(`! ${name} 已退出 / exited (${how}) at ${clock(now())}; not restarted`);
      return;
    }
    if (now() - startedAt >= policy.resetAfterMs) nextDelay = policy.initialDelayMs;
    const delay = nextDelay;
    nextDelay = Math.min(nextDelay * 2, policy.maxDelayMs);
    restarts++;
    log(`! ${name} 异常退出 / crashed (${how}) at ${clock(now())}; 将在 ${seconds(delay)} 后重启 / restarting in ${seconds(delay)} (restart ${restarts})`);
    timer = setTimeout(() => {
      if (!mayRestart()) return;
      log(`• ${name} 重启 / restarting now (restart ${restarts})`);
      launch();
    }, delay);
  };

  launch();
  return {
    name,
    current: () => proc,
    restarts: () => restarts,
    async stop(timeoutMs) {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await proc?.stop(timeoutMs);
    },
  };
}

/** `spawnTs` under `supervise`: a service or the workers, started again when it crashes. */
export function superviseTs(
  name: string,
  entry: string,
  env: Record<string, string>,
  opts: Omit<SpawnTsOptions, 'onExit'> & SuperviseOptions,
): SupervisedProcess {
  const { policy, log, mayRestart, now, ...spawnOpts } = opts;
  return supervise(name, (onExit) => spawnTs(name, entry, env, { ...spawnOpts, onExit }), { policy, log, mayRestart, now });
}

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url} (${last})`);
}
