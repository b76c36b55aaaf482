// Fault 6: `npm start` restarts a crashed child with backoff, says which and when, and Ctrl-C still stops
// everything with no restart during the shutdown (tools/dev/src/processes.ts `supervise`, used by system.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrash, superviseTs, type SupervisedProcess } from '@exam/dev-tools';
import { figure, root, sleep, waitUntil } from './harness.js';

const crasher = join(import.meta.dirname, 'fixtures/crasher.ts');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start supervision', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faults-supervisor-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('tells crashes from stops', () => {
    expect(isCrash(1, null)).toBe(true);
    expect(isCrash(null, 'SIGKILL')).toBe(true);
    expect(isCrash(null, 'SIGSEGV')).toBe(true);
    expect(isCrash(0, null)).toBe(false);
    expect(isCrash(null, 'SIGTERM')).toBe(false);
    expect(isCrash(null, 'SIGINT')).toBe(false);
  });

  it('restarts a crashing child with doubling delays, back to the first after a long run, and not after stop()', { timeout: 60_000 }, async () => {
    const plan = join(dir, 'plan-backoff');
    await writeFile(plan, '100'); // crash 100 ms after each start
    const lines: string[] = [];
    const starts: number[] = [];
    const crashes: number[] = [];
    const crashLines: { t: number; line: string }[] = [];
    const restartsAt: number[] = [];
    let sup: SupervisedProcess | undefined;
    try {
      sup = superviseTs('crashy-worker', crasher, { CRASH_PLAN: plan }, {
        cwd: root,
        quiet: true,
        onLine: (line) => {
          if (line.startsWith('up ')) starts.push(Date.now());
        },
        log: (line) => {
          lines.push(line);
          if (line.includes('restarting now')) restartsAt.push(Date.now());
          if (line.includes('crashed')) {
            crashes.push(Date.now());
            crashLines.push({ t: Date.now(), line });
          }
        },
        policy: { initialDelayMs: 300, maxDelayMs: 1_200, resetAfterMs: 2_500 },
      });
      // 1 start + 4 restarts: delays 300, 600, 1200, 1200 (capped)
      await waitUntil('five starts', async () => starts.length >= 5, 30_000, 20);
      // crash → restart, as scheduled (the child's own start-up comes after)
      const delays = [0, 1, 2, 3].map((i) => restartsAt[i]! - crashes[i]!);
      expect(lines.filter((l) => l.includes('crashed')).slice(0, 4)).toEqual([
        expect.stringMatching(/^! crashy-worker 异常退出 \/ crashed \(exit code 1\) at \d\d:\d\d:\d\d; 将在 0\.3 s 后重启 \/ restarting in 0\.3 s \(restart 1\)$/),
        expect.stringMatching(/restarting in 0\.6 s \(restart 2\)$/),
        expect.stringMatching(/restarting in 1\.2 s \(restart 3\)$/),
        expect.stringMatching(/restarting in 1\.2 s \(restart 4\)$/),
      ]);
      [300, 600, 1_200, 1_200].forEach((d, i) => {
        expect(delays[i]).toBeGreaterThanOrEqual(d - 20);
        expect(delays[i]).toBeLessThan(d + 1_000);
      });

      // a child that ran longer than resetAfterMs before crashing starts the sequence again at 300 ms
      await writeFile(plan, '3000');
      const longRun = () =>
        crashLines.find(({ t }) => {
          const started = starts.filter((s) => s < t).at(-1) ?? 0;
          return t - started >= 2_500;
        });
      const afterLongRun = await waitUntil('a crash after a long run', async () => longRun(), 20_000, 20);
      expect(afterLongRun.line).toMatch(/restarting in 0\.3 s/);

      // stop() while a restart is pending: nothing starts any more
      await writeFile(plan, '50');
      const n = lines.length;
      await waitUntil('the next crash', async () => lines.slice(n).some((l) => l.includes('crashed')), 20_000, 10);
      const startsAtStop = starts.length;
      await sup.stop();
      await sleep(1_800);
      expect(starts.length).toBe(startsAtStop);
      expect(sup.current()).toBeUndefined();
      figure(
        `npm start supervision — crashed child restarted after ${delays.map((d) => (d / 1000).toFixed(1)).join(' / ')} s (test policy 0.3 s doubling, cap 1.2 s; npm start: 1 s doubling to 30 s, reset after 1 min up), ` +
          `back to 0.3 s after a long run, no restart after stop`,
      );
    } finally {
      await sup?.stop();
    }
  });

  it('Ctrl-C (SIGINT to the process group) stops every child, restarts none, and exits 0', { timeout: 60_000 }, async () => {
    const stay = join(dir, 'plan-stay');
    await writeFile(stay, 'stay');
    const flaky = join(dir, 'plan-flaky');
    await writeFile(flaky, '400');
    const script = join(import.meta.dirname, 'fixtures/supervised-system.ts');
    // api stays up and shuts down cleanly; worker crashes every 400 ms; shaky fails its own shutdown (exit 1)
    const sys = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      detached: true, // its own process group, like a terminal's foreground job
      env: { ...process.env, CHILDREN: `api:${stay}:0,worker:${flaky}:0,shaky:${stay}:1` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    sys.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    sys.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((res) => sys.once('exit', (code) => res(code)));
    try {
      await waitUntil('the worker restarted twice', async () => (out.match(/\[worker\] up /g) ?? []).length >= 3, 30_000, 20);
      const pids = [...out.matchAll(/\[(\w+)\] up (\d+)/g)].map((m) => Number(m[2]));
      // Ctrl-C in a terminal: SIGINT to every process of the foreground group at once
      const t0 = Date.now();
      process.kill(-sys.pid!, 'SIGINT');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
      const ms = Date.now() - t0;
      expect(code).toBe(0);
      const after = out.slice(out.indexOf('SIGINT: stopping'));
      expect(after).toContain('stopped');
      expect(after).not.toMatch(/restarting|重启/);
      await sleep(300);
      expect(pids.filter(alive)).toEqual([]);
      figure(`npm start Ctrl-C — ${pids.length} child processes started (incl. restarts) all gone ${(ms / 1000).toFixed(1)} s after SIGINT, 0 restarts during shutdown, exit 0`);
    } finally {
      if (sys.exitCode === null) process.kill(-sys.pid!, 'SIGKILL');
    }
  });
});
