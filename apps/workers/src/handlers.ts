import type { AnyJobHandler } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { deadlineHandlers } from './deadline.job.js';
import { imageHandlers } from './image.job.js';
import { notifyHandlers } from './notify.job.js';
import { retentionHandlers } from './retention.job.js';
import { rosterHandlers } from './roster.job.js';

/** Every job handler of the system (buildHandlerMap picks those of the queues a process runs). */
export function createHandlers(deps: WorkerDeps): AnyJobHandler[] {
  return [...imageHandlers(deps), ...deadlineHandlers(deps), ...retentionHandlers(deps), ...notifyHandlers(deps), ...rosterHandlers(deps)];
}
