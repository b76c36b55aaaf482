import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of already sorted samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) throw new Error('no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface Summary {
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export function summarise(samplesMs: readonly number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { runs: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/** Fixed decimals scaled to the magnitude, so 0.412 and 1234 both read well. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const ratio = (x: number, baseline: number): string => `${(x / baseline).toFixed(2)}×`;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface Case {
  label: string;
  /** one run; `i` counts from 0 (warm-up included), to cycle through prepared inputs */
  run: (i: number) => Promise<unknown>;
}

/** Runs every case once per round (round-robin, so drift hits all cases alike); warm-up rounds are not recorded. */
export async function measureRoundRobin(cases: readonly Case[], runs: number, warmup: number): Promise<{ label: string; summary: Summary }[]> {
  const samples = cases.map(() => [] as number[]);
  for (let round = -warmup; round < runs; round++) {
    for (const [k, c] of cases.entries()) {
      const s = performance.now();
      await c.run(round + warmup);
      const ms = performance.now() - s;
      if (round >= 0) samples[k]!.push(ms);
    }
  }
  return cases.map((c, k) => ({ label: c.label, summary: summarise(samples[k]!) }));
}
