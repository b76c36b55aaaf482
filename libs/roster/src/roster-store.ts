// Where a roster import lives between its dry run and its import: three blobs under `imports/<importId>/` in the blob
// storage (the file as uploaded, what the admin chose, the reports). The import is referenced by its id only.
import { z } from 'zod';
import { ROSTER_FIELDS, type RosterBadRow, type RosterMapping } from '@exam/domain';
import { isBlobNotFound, type BlobStorage } from '@exam/storage';
import type { RosterFormat } from './roster-file.js';

export const rosterKeys = (importId: string) => ({
  source: `imports/${importId.toLowerCase()}/source`,
  meta: `imports/${importId.toLowerCase()}/meta.json`,
  dryRun: `imports/${importId.toLowerCase()}/dry-run.json`,
  result: `imports/${importId.toLowerCase()}/result.json`,
});

/** What was uploaded, for which year, and the column mapping the dry run (and so the import) uses. */
export interface RosterImportMeta {
  importId: string;
  examYearId: string;
  districtCode: string;
  fileName: string;
  format: RosterFormat;
  size: number;
  headers: string[];
  mapping: RosterMapping;
  /** the staff user who uploaded it */
  createdById: string;
  createdAt: string;
}

export interface RosterCounts {
  /** good rows read */
  rows: number;
  new: number;
  unchanged: number;
  changed: number;
  /** bad rows and rows of submitted candidates: nothing written for them */
  refused: number;
}

/** A row that would change (dry run) or changed (import): which fields, never their values. */
export interface RosterChange {
  row: number;
  registrationNo: string;
  fields: string[];
}

/** The outcome of a dry run or an import. */
export interface RosterReport {
  kind: 'dry-run' | 'import';
  importId: string;
  startedAt: string;
  finishedAt: string;
  counts: RosterCounts;
  /** every refused row, in file order, with its reasons */
  badRows: RosterBadRow[];
  /** the first MAX_REPORTED_CHANGES rows that change */
  changes: RosterChange[];
  durationMs: number;
}

export const MAX_REPORTED_CHANGES = 1000;

const metaSchema = z.object({
  importId: z.uuid(),
  examYearId: z.uuid(),
  districtCode: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  size: z.number().int(),
  headers: z.array(z.string()),
  mapping: z.partialRecord(z.enum(ROSTER_FIELDS), z.number().int().min(0)),
  createdById: z.string(),
  createdAt: z.string(),
});

export interface RosterImportStore {
  putSource(importId: string, data: Buffer): Promise<void>;
  sourceKey(importId: string): string;
  /** The uploaded file (every row's ID number) is not kept once its import is done; deleting a missing one is fine. */
  deleteSource(importId: string): Promise<void>;
  putMeta(meta: RosterImportMeta): Promise<void>;
  /** null when there is no such import */
  getMeta(importId: string): Promise<RosterImportMeta | null>;
  putReport(report: RosterReport): Promise<void>;
  getReport(importId: string, kind: RosterReport['kind']): Promise<RosterReport | null>;
}

async function getJson(storage: BlobStorage, key: string): Promise<unknown> {
  try {
    return JSON.parse((await storage.get(key)).toString('utf8')) as unknown;
  } catch (err) {
    if (isBlobNotFound(err)) return null;
    throw err;
  }
}

export function createRosterImportStore(storage: BlobStorage): RosterImportStore {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  return {
    putSource: (importId, data) => storage.put(rosterKeys(importId).source, data),
    sourceKey: (importId) => rosterKeys(importId).source,
    deleteSource: (importId) => storage.delete(rosterKeys(importId).source),
    putMeta: (meta) => storage.put(rosterKeys(meta.importId).meta, json(meta)),
    async getMeta(importId) {
      const raw = await getJson(storage, rosterKeys(importId).meta);
      return raw === null ? null : (metaSchema.parse(raw) as RosterImportMeta);
    },
    putReport: (report) => storage.put(report.kind === 'dry-run' ? rosterKeys(report.importId).dryRun : rosterKeys(report.importId).result, json(report)),
    async getReport(importId, kind) {
      const keys = rosterKeys(importId);
      return (await getJson(storage, kind === 'dry-run' ? keys.dryRun : keys.result)) as RosterReport | null;
    },
  };
}
