import { existsSync } from 'node:fs';

/** Debian's chromium; nothing is downloaded. CHROMIUM_PATH overrides. (No vitest import: the benchmarks use it too.) */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

/** The flags every headless run here uses (no network of its own, no first-run work). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;
