import type { JobHandler } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { processUploadedImage } from './image.service.js';

export function imageHandlers(deps: WorkerDeps): [JobHandler<'image.process'>] {
  return [
    {
      name: 'image.process',
      async handle({ imageId }) {
        const outcome = await processUploadedImage(deps, imageId);
        deps.metrics?.imageProcessed(outcome);
        deps.logger.info({ imageId, outcome }, 'image.process');
      },
    },
  ];
}
