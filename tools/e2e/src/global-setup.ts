import type { TestProject } from 'vitest/node';
import { bootTestSystem, type SharedSystem } from './system-fixture.js';

/**
 * One system for the whole browser-test run: starting services, workers, the mail sink and the static servers
 * costs ~15 s, once instead of once per file. Files share it, so each file works with candidates of its own
 * (system-fixture.ts E2E_CANDIDATES) and never changes what another file relies on.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sys = await bootTestSystem();
  const shared = Object.fromEntries(Object.entries(sys).filter(([, v]) => typeof v !== 'function')) as SharedSystem;
  project.provide('e2eSystem', shared);
  return () => sys.cleanup();
}
