import type { Request, Router } from 'express';
import { z } from 'zod';
import { auditActor, requireRole, writeAudit, type AuthContext } from '@exam/auth';
import { DomainError, ROSTER_FIELDS, normalizeIdNumber } from '@exam/domain';
import { parse } from '@exam/http';
import { jobIdFor } from '@exam/queue';
import {
  createRosterImportStore,
  dryRunRoster,
  getRosterImport,
  namedMapping,
  uploadRoster,
  type RosterDeps,
  type RosterExplicitMapping,
  type RosterIdReader,
  type RosterReport,
} from '@exam/roster';
import type { ReviewDeps } from './review-deps.js';
import { uploadRosterFile } from './roster-upload.middleware.js';
import { resolveExamYear } from './review-scope.js';

const authOf = (req: Request): AuthContext => req.auth as AuthContext; // set: requireRole ran first

const mappingSchema = z.partialRecord(z.enum(ROSTER_FIELDS), z.string().max(128).nullable());
const uploadFieldsSchema = z.object({
  examYearId: z.uuid('考试年度参数无效'),
  mapping: z.string().max(16 * 1024).optional(),
});
const dryRunBodySchema = z.object({ mapping: mappingSchema.default({}) });
const importIdSchema = z.uuid('导入任务编号无效');
const pageSchema = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function parseMappingField(text: string | undefined): RosterExplicitMapping {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('VALIDATION_FAILED', '列对应关系（mapping）不是有效的 JSON', 400, { fields: { mapping: '不是有效的 JSON' } });
  }
  return parse(mappingSchema, value);
}

/** A report as the UI reads it: counts, one page of the bad rows, the first changes. */
function reportView(report: RosterReport | null, page: { offset: number; limit: number }) {
  if (!report) return null;
  return {
    counts: report.counts,
    badRowsTotal: report.badRows.length,
    badRows: report.badRows.slice(page.offset, page.offset + page.limit),
    changes: report.changes.slice(0, 100),
    changesTotal: report.counts.changed,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    durationMs: report.durationMs,
  };
}

/**
 * /api/review/admin/roster-imports: the district admin's roster import (报名数据导入) — upload + column mapping → dry run,
 * another mapping → dry run again, start → BullMQ job `roster.import`, status (progress, counts, bad rows). ADMIN only;
 * an import of another district answers 404.
 */
export function rosterRoutes(deps: ReviewDeps) {
  const ids: RosterIdReader = {
    sameIdNumber: (candidateId, enc, plain) => {
      try {
        return deps.decryptIdNumber(enc, candidateId) === normalizeIdNumber(plain);
      } catch {
        return false;
      }
    },
  };
  const rosterDeps: RosterDeps & { ids: RosterIdReader } = { prisma: deps.prisma, storage: deps.storage, now: deps.now, ids };
  return (router: Router): void => {
    const admin = requireRole('ADMIN');

    router.post('/admin/roster-imports', admin, uploadRosterFile, async (req, res) => {
      const auth = authOf(req);
      const fields = parse(uploadFieldsSchema, req.body ?? {});
      const mapping = parseMappingField(fields.mapping);
      const file = req.file;
      if (!file) throw new DomainError('ROSTER_FILE_MISSING', '请选择要导入的 CSV 或 Excel（.xlsx）文件', 400);
      const year = await resolveExamYear(deps.prisma, auth.user.districtCode, fields.examYearId);
      const { meta, report } = await uploadRoster(rosterDeps, {
        examYearId: year!.id,
        districtCode: auth.user.districtCode,
        fileName: file.originalname,
        data: file.buffer,
        mapping,
        createdById: auth.user.id,
      });
      // who brought a file of ID numbers in, and when: also what the workers' retention finds it by (never imported:
      // deleted after RAW_UPLOAD_RETENTION_DAYS)
      await writeAudit(deps.prisma, {
        ...auditActor(auth),
        action: 'roster.uploaded',
        targetType: 'ExamYear',
        targetId: meta.examYearId,
        ip: req.ip ?? null,
        details: { importId: meta.importId, fileName: meta.fileName, size: meta.size },
      });
      res.status(201).json({ importId: meta.importId, headers: meta.headers, mapping: namedMapping(meta), dryRun: reportView(report, { offset: 0, limit: 100 }) });
    });

    router.post('/admin/roster-imports/:id/dry-run', admin, async (req, res) => {
      const auth = authOf(req);
      const importId = parse(importIdSchema, req.params.id);
      const body = parse(dryRunBodySchema, req.body ?? {});
      const meta = await getRosterImport(rosterDeps, importId, auth.user.districtCode);
      if (await createRosterImportStore(deps.storage).getReport(importId, 'import')) {
        throw new DomainError('ROSTER_ALREADY_IMPORTED', '该文件已导入；如需再次导入，请重新上传', 409);
      }
      const run = await dryRunRoster(rosterDeps, meta, body.mapping);
      res.json({ importId, headers: run.meta.headers, mapping: namedMapping(run.meta), dryRun: reportView(run.report, { offset: 0, limit: 100 }) });
    });

    router.post('/admin/roster-imports/:id/start', admin, async (req, res) => {
      const auth = authOf(req);
      const importId = parse(importIdSchema, req.params.id);
      const meta = await getRosterImport(rosterDeps, importId, auth.user.districtCode);
      if (!(await createRosterImportStore(deps.storage).getReport(importId, 'dry-run'))) {
        throw new DomainError('ROSTER_DRY_RUN_REQUIRED', '请先完成列对应并预检（试导入）', 409);
      }
      await deps.producer.add('roster.import', { importId });
      await writeAudit(deps.prisma, {
        ...auditActor(auth),
        action: 'roster.import_started',
        targetType: 'ExamYear',
        targetId: meta.examYearId,
        ip: req.ip ?? null,
        details: { importId, fileName: meta.fileName },
      });
      res.status(202).json({ importId, jobId: jobIdFor('roster.import', { importId }) });
    });

    router.get('/admin/roster-imports/:id', admin, async (req, res) => {
      const auth = authOf(req);
      const importId = parse(importIdSchema, req.params.id);
      const page = parse(pageSchema, req.query);
      const meta = await getRosterImport(rosterDeps, importId, auth.user.districtCode);
      const store = createRosterImportStore(deps.storage);
      const [dryRun, result] = await Promise.all([store.getReport(importId, 'dry-run'), store.getReport(importId, 'import')]);
      const jobId = jobIdFor('roster.import', { importId });
      const job = await deps.producer.queue('roster').getJob(jobId);
      const state = job ? await job.getState() : result ? 'completed' : 'not-started';
      const progress = result ? 100 : typeof job?.progress === 'number' ? job.progress : 0;
      res.json({
        importId,
        examYearId: meta.examYearId,
        fileName: meta.fileName,
        format: meta.format,
        createdAt: meta.createdAt,
        headers: meta.headers,
        mapping: namedMapping(meta),
        dryRun: reportView(dryRun, page),
        job: { jobId, state, progress, ...(job?.failedReason ? { failedReason: job.failedReason } : {}) },
        result: reportView(result, page),
      });
    });
  };
}
