// The roster import: upload (store the file, map the columns, dry run), the dry run (reads the database, writes
// nothing) and the import (the BullMQ job `roster.import`). Both runs stream the file from the blob storage, check each
// row with the domain rules (libs/domain roster.ts), and look up / write ROSTER_BATCH rows at a time.
import { Readable, Transform } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Prisma, type PrismaClient } from '@exam/db';
import {
  DomainError,
  ROSTER_FIELDS,
  ROSTER_FIELD_LABELS,
  RosterRowChecker,
  SUBMITTED_REASON,
  changedRosterFields,
  mapRosterColumns,
  newUuidV7,
  notFound,
  rosterOutcome,
  rosterSites,
  type CandidateType,
  type DossierStatus,
  type ExistingRosterCandidate,
  type RosterBadRow,
  type RosterField,
  type RosterRow,
} from '@exam/domain';
import type { BlobStorage } from '@exam/storage';
import { detectRosterFormat, readRosterRows, rosterFileError } from './roster-file.js';
import {
  MAX_REPORTED_CHANGES,
  createRosterImportStore,
  type RosterChange,
  type RosterCounts,
  type RosterImportMeta,
  type RosterImportStore,
  type RosterReport,
} from './roster-store.js';

/** Rows looked up and written together. */
export const ROSTER_BATCH = 1000;
/** The largest roster file accepted (a 100,000-row CSV is about 15 MB). */
export const ROSTER_MAX_BYTES = 64 * 1024 * 1024;

/** Reading stored ID numbers: whether a candidate's ciphertext holds this number (the candidate id is its associated data). */
export interface RosterIdReader {
  sameIdNumber(candidateId: string, enc: Uint8Array, plain: string): boolean;
}
/** Writing ID numbers: the ciphertext bound to the candidate id, and the look-up hash. */
export interface RosterIdWriter extends RosterIdReader {
  encrypt(candidateId: string, plain: string): Uint8Array<ArrayBuffer>;
  hash(plain: string): string;
}

export interface RosterDeps {
  prisma: PrismaClient;
  storage: BlobStorage;
  now: () => Date;
}

/** An explicit column mapping: field → header text as it appears in the file (null: no column). */
export type RosterExplicitMapping = Partial<Record<RosterField, string | null>>;

function storeOf(deps: RosterDeps): RosterImportStore {
  return createRosterImportStore(deps.storage);
}

/** The first non-empty row of the file: its header. */
async function readHeader(source: Readable, format: RosterImportMeta['format']): Promise<string[]> {
  for await (const r of readRosterRows(source, format)) return r.cells.map((c) => c.trim());
  throw rosterFileError('文件中没有表头行');
}

function mappingError(meta: RosterImportMeta, missing: RosterField[], problems: string[]): DomainError {
  const parts = [...problems, ...(missing.length ? [`缺少必需的列：${missing.map((f) => ROSTER_FIELD_LABELS[f]).join('、')}`] : [])];
  return new DomainError('ROSTER_MAPPING_INCOMPLETE', `列对应关系不完整：${parts.join('；')}`, 422, {
    importId: meta.importId,
    headers: meta.headers,
    mapping: namedMapping(meta),
    missing,
    problems,
  });
}

/** The mapping as field → header text (what a UI shows and sends back). */
export function namedMapping(meta: Pick<RosterImportMeta, 'headers' | 'mapping'>): Partial<Record<RosterField, string>> {
  const out: Partial<Record<RosterField, string>> = {};
  for (const f of ROSTER_FIELDS) {
    const i = meta.mapping[f];
    if (i !== undefined) out[f] = meta.headers[i] ?? '';
  }
  return out;
}

export interface UploadRosterInput {
  examYearId: string;
  districtCode: string;
  fileName: string;
  data: Buffer;
  mapping?: RosterExplicitMapping;
  createdById: string;
}

/**
 * Stores an uploaded roster under a new import id, maps its columns and runs the dry run. A mapping that lacks a
 * required column is a 422 ROSTER_MAPPING_INCOMPLETE naming the file's headers (the file stays stored: send the
 * mapping to dryRunRoster with the import id).
 */
export async function uploadRoster(deps: RosterDeps & { ids: RosterIdReader }, input: UploadRosterInput): Promise<{ meta: RosterImportMeta; report: RosterReport }> {
  if (!input.data.length) throw rosterFileError('文件是空的');
  const format = detectRosterFormat(input.data);
  const headers = await readHeader(Readable.from([input.data]), format);
  const importId = newUuidV7(deps.now().getTime());
  const store = storeOf(deps);
  await store.putSource(importId, input.data);
  const meta: RosterImportMeta = {
    importId,
    examYearId: input.examYearId,
    districtCode: input.districtCode,
    fileName: input.fileName.slice(0, 255),
    format,
    size: input.data.length,
    headers,
    mapping: {},
    createdById: input.createdById,
    createdAt: deps.now().toISOString(),
  };
  return remapAndDryRun(deps, store, meta, input.mapping ?? {});
}

async function remapAndDryRun(
  deps: RosterDeps & { ids: RosterIdReader },
  store: RosterImportStore,
  meta: RosterImportMeta,
  explicit: RosterExplicitMapping,
): Promise<{ meta: RosterImportMeta; report: RosterReport }> {
  const { mapping, missing, problems } = mapRosterColumns(meta.headers, explicit);
  const next = { ...meta, mapping };
  await store.putMeta(next);
  if (missing.length || problems.length) throw mappingError(next, missing, problems);
  const report = await processRoster(deps, next, { ids: deps.ids });
  await store.putReport(report);
  return { meta: next, report };
}

/** The import `importId` of `districtCode` (another district's is not found). */
export async function getRosterImport(deps: RosterDeps, importId: string, districtCode: string): Promise<RosterImportMeta> {
  const meta = await storeOf(deps).getMeta(importId);
  if (!meta || meta.districtCode !== districtCode) throw notFound('导入任务');
  return meta;
}

/** Runs the dry run again with another column mapping. */
export async function dryRunRoster(
  deps: RosterDeps & { ids: RosterIdReader },
  meta: RosterImportMeta,
  explicit: RosterExplicitMapping,
): Promise<{ meta: RosterImportMeta; report: RosterReport }> {
  return remapAndDryRun(deps, storeOf(deps), meta, explicit);
}

/** Counts the bytes read from a stream (progress of a file whose row count is not known in advance). */
function countingStream(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

interface StoredCandidate extends ExistingRosterCandidate {
  id: string;
  registrationNo: string;
  idNumberEnc: Uint8Array;
}

async function existingCandidates(prisma: PrismaClient, examYearId: string, registrationNos: string[]): Promise<Map<string, StoredCandidate>> {
  const rows = await prisma.candidate.findMany({
    where: { examYearId, registrationNo: { in: registrationNos } },
    select: {
      id: true,
      registrationNo: true,
      siteId: true,
      name: true,
      candidateType: true,
      unitName: true,
      unitPhone: true,
      unitEmail: true,
      phone: true,
      email: true,
      idNumberEnc: true,
      dossier: { select: { status: true } },
    },
  });
  return new Map(
    rows.map((r) => [
      r.registrationNo,
      { ...r, candidateType: r.candidateType as CandidateType, dossierStatus: (r.dossier?.status ?? null) as DossierStatus | null },
    ]),
  );
}

interface NumberedRow extends RosterRow {
  row: number;
}

export interface ProcessOptions {
  ids: RosterIdReader;
  /** set: write (the import); absent: the dry run, which only reads */
  writer?: RosterIdWriter;
  /** 0–100 as the file is read (by bytes) */
  onProgress?: (percent: number) => Promise<void> | void;
}

/**
 * One pass over the stored file: checks every row, looks each batch up by (examYearId, registrationNo) and — when
 * `writer` is given — inserts new candidates with their DRAFT dossier and updates changed ones whose dossier is still
 * DRAFT (locked first, so a candidate submitting at that moment is either submitted before, and refused, or after).
 * Unchanged rows are never written: re-importing a file is a no-op.
 */
export async function processRoster(deps: RosterDeps, meta: RosterImportMeta, opts: ProcessOptions): Promise<RosterReport> {
  const t0 = performance.now();
  const startedAt = deps.now();
  const year = await deps.prisma.examYear.findFirst({ where: { id: meta.examYearId, districtCode: meta.districtCode }, select: { id: true } });
  if (!year) throw notFound('考试年度');
  const sites = await deps.prisma.examSite.findMany({ where: { districtCode: meta.districtCode }, select: { id: true, code: true, name: true } });
  const checker = new RosterRowChecker(meta.mapping, rosterSites(sites), startedAt);
  const counts: RosterCounts = { rows: 0, new: 0, unchanged: 0, changed: 0, refused: 0 };
  const badRows: RosterBadRow[] = [];
  const changes: RosterChange[] = [];

  let bytes = 0;
  let lastPercent = -1;
  const progress = async () => {
    const percent = Math.min(99, Math.floor((bytes / Math.max(1, meta.size)) * 100));
    if (percent !== lastPercent && opts.onProgress) {
      lastPercent = percent;
      await opts.onProgress(percent);
    }
  };

  let batch: NumberedRow[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    const existing = await existingCandidates(deps.prisma, meta.examYearId, rows.map((r) => r.registrationNo));
    const inserts: NumberedRow[] = [];
    const updates: { row: NumberedRow; stored: StoredCandidate; fields: string[] }[] = [];
    for (const row of rows) {
      const stored = existing.get(row.registrationNo);
      const same = stored ? opts.ids.sameIdNumber(stored.id, stored.idNumberEnc, row.idNumber) : true;
      const fields = stored ? changedRosterFields(stored, row, same) : [];
      const outcome = rosterOutcome(stored, fields);
      if (outcome === 'new') inserts.push(row);
      else if (outcome === 'changed') updates.push({ row, stored: stored!, fields });
      else if (outcome === 'refused') badRows.push({ row: row.row, registrationNo: row.registrationNo, reasons: [SUBMITTED_REASON] });
      counts[outcome]++;
    }
    if (opts.writer) {
      const skipped = await insertCandidates(deps.prisma, opts.writer, meta.examYearId, inserts);
      counts.new -= skipped;
      counts.unchanged += skipped;
      const refusedNow = await updateCandidates(deps.prisma, opts.writer, meta.examYearId, updates);
      for (const u of refusedNow) {
        badRows.push({ row: u.row.row, registrationNo: u.row.registrationNo, reasons: [SUBMITTED_REASON] });
        counts.changed--;
        counts.refused++;
      }
      const refusedRows = new Set(refusedNow.map((u) => u.row.row));
      for (const u of updates) {
        if (!refusedRows.has(u.row.row) && changes.length < MAX_REPORTED_CHANGES) changes.push({ row: u.row.row, registrationNo: u.row.registrationNo, fields: u.fields });
      }
    } else {
      for (const u of updates) if (changes.length < MAX_REPORTED_CHANGES) changes.push({ row: u.row.row, registrationNo: u.row.registrationNo, fields: u.fields });
    }
    await progress();
  };

  const source = deps.storage.stream(createRosterImportStore(deps.storage).sourceKey(meta.importId));
  const counted = source.pipe(countingStream((n) => (bytes += n)));
  source.on('error', (err) => counted.destroy(err));
  let header = true;
  for await (const r of readRosterRows(counted, meta.format)) {
    if (header) {
      header = false;
      continue;
    }
    const checked = checker.check(r.row, r.cells);
    if (!checked.ok) {
      badRows.push(checked.bad);
      counts.refused++;
      continue;
    }
    counts.rows++;
    batch.push({ ...checked.row, row: r.row });
    if (batch.length >= ROSTER_BATCH) await flush();
  }
  await flush();
  badRows.sort((a, b) => a.row - b.row);
  if (opts.onProgress) await opts.onProgress(100);
  return {
    kind: opts.writer ? 'import' : 'dry-run',
    importId: meta.importId,
    startedAt: startedAt.toISOString(),
    finishedAt: deps.now().toISOString(),
    counts,
    badRows,
    changes,
    durationMs: Math.round(performance.now() - t0),
  };
}

/**
 * Inserts new candidates and their DRAFT dossiers, one transaction per batch, as two INSERT … SELECT FROM unnest(…)
 * statements (a dozen array parameters instead of one parameter per cell: ~5× faster than createMany here); the
 * "DossierStatusCount" triggers run once per statement. Returns how many 报名号 already existed (inserted meanwhile by
 * another import of the same year: left as they are).
 */
async function insertCandidates(prisma: PrismaClient, writer: RosterIdWriter, examYearId: string, rows: NumberedRow[]): Promise<number> {
  if (!rows.length) return 0;
  // the ids are known before the insert: the candidate id is the associated data of the ID-number ciphertext
  const ids = rows.map(() => newUuidV7());
  const col = <T>(f: (r: NumberedRow) => T) => rows.map(f);
  const enc = rows.map((r, i) => Buffer.from(writer.encrypt(ids[i]!, r.idNumber)).toString('base64'));
  const made = await prisma.$transaction(
    async (tx) => {
      const created = await tx.$queryRaw<{ id: string; siteId: string }[]>(Prisma.sql`
        INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", "unitPhone", "unitEmail",
                                 phone, email, "idNumberEnc", "idNumberHash", "updatedAt")
        SELECT u.id, ${examYearId}::uuid, u.site, u.reg, u.name, u.ctype::"CandidateType", u.unit, u.uphone, u.uemail,
               u.phone, u.email, decode(u.enc, 'base64'), u.hash, now()
        FROM unnest(${ids}::uuid[], ${col((r) => r.siteId)}::uuid[], ${col((r) => r.registrationNo)}::text[], ${col((r) => r.name)}::text[],
                    ${col((r) => r.candidateType)}::text[], ${col((r) => r.unitName)}::text[], ${col((r) => r.unitPhone)}::text[],
                    ${col((r) => r.unitEmail)}::text[], ${col((r) => r.phone)}::text[], ${col((r) => r.email)}::text[], ${enc}::text[],
                    ${col((r) => writer.hash(r.idNumber))}::text[])
             AS u(id, site, reg, name, ctype, unit, uphone, uemail, phone, email, enc, hash)
        ON CONFLICT ("examYearId", "registrationNo") DO NOTHING
        RETURNING id, "siteId"`);
      if (created.length) {
        await tx.$executeRaw(Prisma.sql`
          INSERT INTO "Dossier" (id, "candidateId", "examYearId", "siteId", "updatedAt")
          SELECT u.id, u.cid, ${examYearId}::uuid, u.site, now()
          FROM unnest(${created.map(() => newUuidV7())}::uuid[], ${created.map((c) => c.id)}::uuid[], ${created.map((c) => c.siteId)}::uuid[])
               AS u(id, cid, site)`);
      }
      return created.length;
    },
    { timeout: 60_000 },
  );
  return rows.length - made;
}

/**
 * Updates changed candidates whose dossier is still DRAFT, under the dossier row locks (taken in id order, as the
 * dossier door takes them); returns those that left DRAFT since they were read (refused, not changed).
 */
async function updateCandidates<U extends { row: NumberedRow; stored: StoredCandidate; fields: string[] }>(
  prisma: PrismaClient,
  writer: RosterIdWriter,
  examYearId: string,
  updates: U[],
): Promise<U[]> {
  if (!updates.length) return [];
  return prisma.$transaction(
    async (tx) => {
      const ids = updates.map((u) => u.stored.id);
      const locked = await tx.$queryRaw<{ candidateId: string; status: DossierStatus }[]>(
        Prisma.sql`SELECT "candidateId", status FROM "Dossier" WHERE "candidateId" = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`,
      );
      const statusOf = new Map(locked.map((d) => [d.candidateId, d.status]));
      const refused: U[] = [];
      for (const u of updates) {
        const status = statusOf.get(u.stored.id);
        if (status !== undefined && status !== 'DRAFT') {
          refused.push(u);
          continue;
        }
        const r = u.row;
        const idChanged = u.fields.includes('idNumber');
        await tx.candidate.update({
          where: { id: u.stored.id },
          data: {
            siteId: r.siteId,
            name: r.name,
            candidateType: r.candidateType,
            unitName: r.unitName,
            unitPhone: r.unitPhone,
            unitEmail: r.unitEmail,
            phone: r.phone,
            email: r.email,
            ...(idChanged ? { idNumberEnc: writer.encrypt(u.stored.id, r.idNumber), idNumberHash: writer.hash(r.idNumber) } : {}),
          },
        });
        if (status === undefined) {
          await tx.dossier.create({ data: { candidateId: u.stored.id, examYearId, siteId: r.siteId } });
        } else if (u.fields.includes('siteId')) {
          await tx.dossier.update({ where: { candidateId: u.stored.id }, data: { siteId: r.siteId } });
        }
      }
      return refused;
    },
    { timeout: 120_000 },
  );
}

/**
 * The import itself (job `roster.import`): idempotent — an import that has finished returns its stored report, and
 * running a half-done one again writes only what is still missing or different. Once its report is stored the
 * uploaded file — every candidate's ID number in clear — is deleted (also by a re-run, should the first have stopped
 * in between); the report (counts, bad rows by row number and reason, the names of changed fields) stays.
 */
export async function runRosterImport(
  deps: RosterDeps & { writer: RosterIdWriter; audit?: (report: RosterReport, meta: RosterImportMeta) => Promise<void> },
  importId: string,
  onProgress?: (percent: number) => Promise<void> | void,
): Promise<RosterReport> {
  const store = storeOf(deps);
  const done = await store.getReport(importId, 'import');
  if (done) {
    await store.deleteSource(importId);
    return done;
  }
  const meta = await store.getMeta(importId);
  if (!meta) throw notFound('导入任务');
  const report = await processRoster(deps, meta, { ids: deps.writer, writer: deps.writer, ...(onProgress ? { onProgress } : {}) });
  await store.putReport(report);
  await store.deleteSource(importId);
  await deps.audit?.(report, meta);
  return report;
}
