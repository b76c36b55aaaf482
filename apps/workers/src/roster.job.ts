import { UnrecoverableError } from 'bullmq';
import { writeAudit } from '@exam/auth';
import { DomainError } from '@exam/domain';
import type { JobHandler } from '@exam/queue';
import { runRosterImport } from '@exam/roster';
import type { WorkerDeps } from './deps.js';

/**
 * `roster.import`: the import of one uploaded roster (libs/roster), with its progress for the admin's bar. Runs only
 * in a worker process of the `roster` queue, which holds the ID-number keys (`deps.rosterIds`). A file that cannot be
 * read, or an import that is gone, fails at once (no retries); anything else is retried — the import is idempotent.
 */
export function rosterHandlers(deps: WorkerDeps): [JobHandler<'roster.import'>] {
  return [
    {
      name: 'roster.import',
      async handle({ importId }, ctx) {
        const writer = deps.rosterIds;
        if (!writer) throw new UnrecoverableError('roster.import needs the ID-number keys (ID_ENC_KEY(S), ID_HASH_KEY)');
        try {
          const report = await runRosterImport(
            {
              prisma: deps.prisma,
              storage: deps.storage,
              now: () => deps.clock.now(),
              writer,
              // the import is done and its report stored: an audit row that cannot be written is logged, not retried
              audit: async (r, meta) => {
                await writeAudit(deps.prisma, {
                  actorType: 'STAFF',
                  actorId: meta.createdById,
                  action: 'roster.import',
                  targetType: 'ExamYear',
                  targetId: meta.examYearId,
                  details: { importId, fileName: meta.fileName, counts: r.counts },
                }).catch((err: unknown) => deps.logger.error({ importId, err: (err as Error).message }, 'roster.import: audit row not written'));
              },
            },
            importId,
            ctx.updateProgress,
          );
          deps.logger.info({ importId, counts: report.counts, durationMs: report.durationMs }, 'roster.import');
        } catch (err) {
          if (err instanceof DomainError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
          throw err;
        }
      },
    },
  ];
}
