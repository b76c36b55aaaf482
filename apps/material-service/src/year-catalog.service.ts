import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  CATALOG_CANDIDATE_TYPES,
  CATALOG_CANDIDATE_TYPE_LABELS,
  categoryInputSchema,
  type AdminCategoryView,
  type AdminYearView,
  type CatalogCandidateType,
  type CatalogImportProblem,
  type CatalogImportResponse,
  type CategoryUpdateRequest,
  type ExamYearUpdateRequest,
  examYearCreateSchema,
} from '@exam/api';
import { writeAudit, type AuthContext } from '@exam/auth';
import { Prisma, catalogRows, type ExamYear, type MaterialCategory } from '@exam/db';
import {
  CANDIDATE_ATTRIBUTE_LABELS,
  DEFAULT_CATALOG,
  DomainError,
  assertCategoryDeletable,
  assertGuidePdf,
  assertValidWindow,
  assertWindowChangeConfirmed,
  assertWindowStillEditable,
  catalogProblems,
  describeWindowChange,
  formatBeijingTime,
  formatManualBeijingTime,
  normalizeNotices,
  notFound,
  parseBeijingTime,
  windowState,
  type CandidateAttribute,
  type CatalogEntry,
} from '@exam/domain';
import { processImage } from '@exam/images';
import { readRosterRows } from '@exam/roster';
import { assertUuid } from './image.service.js';
import type { MaterialDeps } from './material-deps.js';

/** The district admin acting (ADMIN of `districtCode`). */
export interface AdminActor {
  userId: string;
  districtCode: string;
  ip: string | null;
}

type YearCreate = z.output<typeof examYearCreateSchema>;

// ---------- ExamYear.settings: 提示 notices and the 材料说明 PDF ----------

const guideSchema = z.object({ key: z.string(), fileName: z.string(), sizeBytes: z.number(), uploadedAt: z.string() });
const settingsSchema = z.looseObject({ notices: z.array(z.string()).optional(), guide: guideSchema.optional() });
type YearSettings = z.infer<typeof settingsSchema>;

/** The year's settings JSON (other keys are kept as they are); an unreadable one reads as empty. */
export function yearSettings(year: Pick<ExamYear, 'settings'>): YearSettings {
  const parsed = settingsSchema.safeParse(year.settings ?? {});
  return parsed.success ? parsed.data : {};
}

/** Last path segment of a blob key: the version part of the (immutable) URLs below. */
const versionOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

export const guideUrl = (year: Pick<ExamYear, 'id' | 'settings'>): string | null => {
  const g = yearSettings(year).guide;
  return g ? `/api/material/years/${year.id}/guide/${versionOf(g.key)}` : null;
};
export const exampleUrl = (c: Pick<MaterialCategory, 'id' | 'exampleKey'>): string | null =>
  c.exampleKey ? `/api/material/categories/${c.id}/example/${versionOf(c.exampleKey)}` : null;

// ---------- catalog JSON (appliesTo) ----------

const appliesToSchema = z.looseObject({
  types: z.array(z.string()).optional(),
  excludeTypes: z.array(z.string()).optional(),
  attributes: z.array(z.string()).optional(),
  required: z.boolean().optional(),
  optional: z.boolean().optional(),
});
type AppliesToJson = z.infer<typeof appliesToSchema>;
const appliesOf = (c: Pick<MaterialCategory, 'appliesTo'>): AppliesToJson => {
  const parsed = appliesToSchema.safeParse(c.appliesTo);
  return parsed.success ? parsed.data : { types: [], required: false };
};

// ---------- views ----------

function toYearView(year: ExamYear, now: Date, categoryCount: number): AdminYearView {
  const s = yearSettings(year);
  return {
    id: year.id,
    code: year.code,
    name: year.name,
    uploadStart: year.uploadStart.toISOString(),
    uploadEnd: year.uploadEnd.toISOString(),
    uploadStartInput: formatBeijingTime(year.uploadStart),
    uploadEndInput: endInput(year.uploadEnd),
    uploadStartText: formatManualBeijingTime(year.uploadStart),
    uploadEndText: formatManualBeijingTime(year.uploadEnd),
    windowState: windowState({ start: year.uploadStart, end: year.uploadEnd }, now),
    autoSubmitAtDeadline: year.autoSubmitAtDeadline,
    returnWindowHours: year.returnWindowHours,
    notices: s.notices ?? [],
    guide: s.guide ? { url: guideUrl(year)!, fileName: s.guide.fileName, sizeBytes: s.guide.sizeBytes, uploadedAt: s.guide.uploadedAt } : null,
    categoryCount,
  };
}

/** An end at Beijing midnight is typed as the previous day's 24:00, as the manual writes it. */
function endInput(end: Date): string {
  const text = formatBeijingTime(end);
  if (!text.endsWith(' 00:00')) return text;
  return `${formatBeijingTime(new Date(end.getTime() - 60_000)).slice(0, 10)} 24:00`;
}

const TYPE_SET = new Set<string>(CATALOG_CANDIDATE_TYPES);

function toCategoryView(c: MaterialCategory, imageCount: number): AdminCategoryView {
  const a = appliesOf(c);
  const other: string[] = [];
  if (a.attributes?.length) other.push(`具有属性：${a.attributes.map((x) => CANDIDATE_ATTRIBUTE_LABELS[x as CandidateAttribute] ?? x).join('、')}`);
  if (a.excludeTypes?.length) other.push(`排除考生类型：${a.excludeTypes.map((t) => CATALOG_CANDIDATE_TYPE_LABELS[t as CatalogCandidateType] ?? t).join('、')}`);
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    description: c.description,
    minCount: c.minCount,
    maxCount: c.maxCount,
    types: (a.types ?? []).filter((t): t is CatalogCandidateType => TYPE_SET.has(t)),
    otherRules: other.length ? other.join('；') : null,
    required: a.required ?? a.optional !== true,
    hidden: c.hidden,
    sortOrder: c.sortOrder,
    imageCount,
    exampleImageUrl: exampleUrl(c),
  };
}

// ---------- access ----------

async function ownYear(deps: MaterialDeps, actor: AdminActor, yearId: string): Promise<ExamYear> {
  assertUuid(yearId, '考试年度');
  const year = await deps.prisma.examYear.findFirst({ where: { id: yearId, districtCode: actor.districtCode } });
  if (!year) throw notFound('考试年度');
  return year;
}

async function ownCategory(deps: MaterialDeps, actor: AdminActor, categoryId: string) {
  assertUuid(categoryId, '材料类别');
  const c = await deps.prisma.materialCategory.findFirst({
    where: { id: categoryId, examYear: { districtCode: actor.districtCode } },
    include: { examYear: true },
  });
  if (!c) throw notFound('材料类别');
  return c;
}

/** Candidates of the year, and staff of its district, may read the year's 材料说明 and example images. */
async function assertMayRead(deps: MaterialDeps, auth: AuthContext, year: Pick<ExamYear, 'id' | 'districtCode'>, what: string): Promise<void> {
  if (auth.role === 'CANDIDATE') {
    const c = auth.candidateId ? await deps.prisma.candidate.findUnique({ where: { id: auth.candidateId }, select: { examYearId: true } }) : null;
    if (!c || c.examYearId !== year.id) throw notFound(what);
    return;
  }
  if (auth.user.districtCode !== year.districtCode) throw notFound(what);
}

const audit = (deps: MaterialDeps, actor: AdminActor, action: string, targetType: string, targetId: string, details: Record<string, unknown>) =>
  writeAudit(deps.prisma, { actorType: 'STAFF', actorId: actor.userId, action, targetType, targetId, ip: actor.ip, details });

async function imageCounts(deps: MaterialDeps, yearId: string): Promise<Map<string, number>> {
  const rows = await deps.prisma.image.groupBy({ by: ['categoryCode'], where: { dossier: { examYearId: yearId } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.categoryCode, r._count._all]));
}

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

// ---------- exam years ----------

export async function listYears(deps: MaterialDeps, actor: AdminActor): Promise<AdminYearView[]> {
  const years = await deps.prisma.examYear.findMany({
    where: { districtCode: actor.districtCode },
    orderBy: [{ uploadStart: 'desc' }, { code: 'desc' }],
    include: { _count: { select: { categories: true } } },
  });
  const now = deps.now();
  return years.map((y) => toYearView(y, now, y._count.categories));
}

function windowOf(input: { uploadStart: string; uploadEnd: string }) {
  const window = { start: parseBeijingTime(input.uploadStart), end: parseBeijingTime(input.uploadEnd) };
  assertValidWindow(window);
  return window;
}

/** 新建年度: the window in Beijing time, the deadline rules and notices; the catalog starts as the default one (DESIGN §5). */
export async function createYear(deps: MaterialDeps, actor: AdminActor, input: YearCreate): Promise<AdminYearView> {
  const window = windowOf(input);
  const notices = normalizeNotices(input.notices);
  const sibling = await deps.prisma.examYear.findFirst({ where: { districtCode: actor.districtCode }, select: { districtName: true } });
  let year: ExamYear;
  try {
    year = await deps.prisma.$transaction(async (tx) => {
      const created = await tx.examYear.create({
        data: {
          code: input.code,
          name: input.name,
          districtCode: actor.districtCode,
          districtName: sibling?.districtName ?? `${actor.districtCode}考区`,
          uploadStart: window.start,
          uploadEnd: window.end,
          autoSubmitAtDeadline: input.autoSubmitAtDeadline,
          returnWindowHours: input.returnWindowHours,
          settings: { notices },
        },
      });
      await tx.materialCategory.createMany({ data: catalogRows(created.id, DEFAULT_CATALOG) });
      return created;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('YEAR_CODE_TAKEN', `年度代码 ${input.code} 已存在`, 409);
    throw e;
  }
  await audit(deps, actor, 'material.year_create', 'ExamYear', year.id, {
    code: year.code,
    uploadStart: formatManualBeijingTime(year.uploadStart),
    uploadEnd: formatManualBeijingTime(year.uploadEnd),
  });
  return toYearView(year, deps.now(), DEFAULT_CATALOG.length);
}

/**
 * 编辑年度. Changing the window of a year whose window has opened needs `confirm` (else 409 saying what changes);
 * a moved end re-arms the 24 h / 2 h reminders, and the deadline worker locks the year at the new end (it looks for
 * years with uploadEnd <= now not yet processed). Once locked, the window no longer moves.
 */
export async function updateYear(
  deps: MaterialDeps,
  actor: AdminActor,
  yearId: string,
  input: Omit<ExamYearUpdateRequest, 'notices'> & { notices?: string[] },
): Promise<AdminYearView> {
  const year = await ownYear(deps, actor, yearId);
  const before = { start: year.uploadStart, end: year.uploadEnd };
  const after =
    input.uploadStart !== undefined || input.uploadEnd !== undefined
      ? windowOf({ uploadStart: input.uploadStart ?? formatBeijingTime(year.uploadStart), uploadEnd: input.uploadEnd ?? endInput(year.uploadEnd) })
      : before;
  const change = describeWindowChange(before, after, deps.now());
  assertWindowStillEditable(year.deadlineProcessedAt, change);
  assertWindowChangeConfirmed(change, input.confirm === true);
  const settings = yearSettings(year);
  const notices = input.notices !== undefined ? normalizeNotices(input.notices) : undefined;
  const endMoved = after.end.getTime() !== before.end.getTime();

  const data: Prisma.ExamYearUpdateInput = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(change ? { uploadStart: after.start, uploadEnd: after.end } : {}),
    ...(endMoved ? { windowReminder24hAt: null, windowReminder2hAt: null } : {}),
    ...(input.autoSubmitAtDeadline !== undefined ? { autoSubmitAtDeadline: input.autoSubmitAtDeadline } : {}),
    ...(input.returnWindowHours !== undefined ? { returnWindowHours: input.returnWindowHours } : {}),
    ...(notices !== undefined ? { settings: { ...settings, notices } as Prisma.InputJsonValue } : {}),
  };
  // optimistic: a concurrent edit (or the deadline worker locking the year) in between answers 409
  const updated = await deps.prisma.examYear.updateMany({ where: { id: year.id, updatedAt: year.updatedAt, deadlineProcessedAt: year.deadlineProcessedAt }, data });
  if (updated.count !== 1) throw new DomainError('YEAR_CHANGED', '该年度刚被修改，请刷新后重试', 409);
  const fresh = await deps.prisma.examYear.findUniqueOrThrow({ where: { id: year.id }, include: { _count: { select: { categories: true } } } });

  const changed: Record<string, { before: unknown; after: unknown }> = {};
  if (change) {
    changed.uploadStart = { before: formatManualBeijingTime(before.start), after: formatManualBeijingTime(after.start) };
    changed.uploadEnd = { before: formatManualBeijingTime(before.end), after: formatManualBeijingTime(after.end) };
  }
  if (input.name !== undefined && input.name !== year.name) changed.name = { before: year.name, after: input.name };
  if (input.autoSubmitAtDeadline !== undefined && input.autoSubmitAtDeadline !== year.autoSubmitAtDeadline) {
    changed.autoSubmitAtDeadline = { before: year.autoSubmitAtDeadline, after: input.autoSubmitAtDeadline };
  }
  if (input.returnWindowHours !== undefined && input.returnWindowHours !== year.returnWindowHours) {
    changed.returnWindowHours = { before: year.returnWindowHours, after: input.returnWindowHours };
  }
  if (notices !== undefined && JSON.stringify(notices) !== JSON.stringify(settings.notices ?? [])) {
    changed.notices = { before: (settings.notices ?? []).length, after: notices.length };
  }
  if (Object.keys(changed).length) {
    await audit(deps, actor, change?.needsConfirm ? 'material.year_window_change_confirmed' : 'material.year_update', 'ExamYear', year.id, {
      changed,
      ...(change ? { windowState: windowState(before, deps.now()) } : {}),
    });
  }
  return toYearView(fresh, deps.now(), fresh._count.categories);
}

// ---------- 材料说明 PDF ----------

export async function uploadGuide(deps: MaterialDeps, actor: AdminActor, yearId: string, file: { bytes: Buffer; fileName: string }): Promise<AdminYearView> {
  const year = await ownYear(deps, actor, yearId);
  assertGuidePdf(file.bytes);
  const fileName = sanitizeFileName(file.fileName, '材料说明.pdf');
  const key = `guides/${year.id}/${randomUUID()}`;
  await deps.storage.put(key, file.bytes);
  const settings = yearSettings(year);
  const guide = { key, fileName, sizeBytes: file.bytes.length, uploadedAt: deps.now().toISOString() };
  await deps.prisma.examYear.update({ where: { id: year.id }, data: { settings: { ...settings, guide } as Prisma.InputJsonValue } });
  if (settings.guide) await deps.storage.delete(settings.guide.key).catch(() => undefined);
  await audit(deps, actor, 'material.year_guide_upload', 'ExamYear', year.id, { fileName, sizeBytes: guide.sizeBytes });
  const fresh = await deps.prisma.examYear.findUniqueOrThrow({ where: { id: year.id }, include: { _count: { select: { categories: true } } } });
  return toYearView(fresh, deps.now(), fresh._count.categories);
}

/** 删除材料说明: the candidates no longer see the link. */
export async function deleteGuide(deps: MaterialDeps, actor: AdminActor, yearId: string): Promise<AdminYearView> {
  const year = await ownYear(deps, actor, yearId);
  const { guide, ...rest } = yearSettings(year);
  if (guide) {
    await deps.prisma.examYear.update({ where: { id: year.id }, data: { settings: rest as Prisma.InputJsonValue } });
    await deps.storage.delete(guide.key).catch(() => undefined);
    await audit(deps, actor, 'material.year_guide_delete', 'ExamYear', year.id, { fileName: guide.fileName });
  }
  const fresh = await deps.prisma.examYear.findUniqueOrThrow({ where: { id: year.id }, include: { _count: { select: { categories: true } } } });
  return toYearView(fresh, deps.now(), fresh._count.categories);
}

function sanitizeFileName(name: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f"\\/]/g, '').trim().slice(0, 120);
  if (!clean) return fallback;
  return clean.toLowerCase().endsWith('.pdf') ? clean : `${clean}.pdf`;
}

export async function readGuide(deps: MaterialDeps, auth: AuthContext, yearId: string, version: string) {
  assertUuid(yearId, '材料说明');
  const year = await deps.prisma.examYear.findUnique({ where: { id: yearId } });
  if (!year) throw notFound('材料说明');
  await assertMayRead(deps, auth, year, '材料说明');
  const g = yearSettings(year).guide;
  if (!g || versionOf(g.key) !== version || !(await deps.storage.exists(g.key))) throw notFound('材料说明');
  return { body: await deps.storage.get(g.key), fileName: g.fileName };
}

// ---------- catalog ----------

export async function listCategories(deps: MaterialDeps, actor: AdminActor, yearId: string): Promise<AdminCategoryView[]> {
  const year = await ownYear(deps, actor, yearId);
  const [rows, counts] = await Promise.all([
    deps.prisma.materialCategory.findMany({ where: { examYearId: year.id }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
    imageCounts(deps, year.id),
  ]);
  return rows.map((c) => toCategoryView(c, counts.get(c.code) ?? 0));
}

type CategoryInputParsed = z.output<typeof categoryInputSchema>;

function appliesFrom(input: { types: string[]; required: boolean }, keep: AppliesToJson = {}): Prisma.InputJsonValue {
  const { types: _t, required: _r, optional: _o, ...rest } = keep;
  return { ...rest, ...(input.types.length ? { types: input.types } : {}), required: input.required } as Prisma.InputJsonValue;
}

function assertCounts(name: string, minCount: number, maxCount: number): void {
  if (minCount > maxCount) throw new DomainError('CATALOG_INVALID', `「${name}」的最少张数（${minCount}）不能大于最多张数（${maxCount}）`, 400);
}

export async function createCategory(deps: MaterialDeps, actor: AdminActor, yearId: string, input: CategoryInputParsed): Promise<AdminCategoryView> {
  const year = await ownYear(deps, actor, yearId);
  assertCounts(input.name, input.minCount, input.maxCount);
  const last = await deps.prisma.materialCategory.aggregate({ where: { examYearId: year.id }, _max: { sortOrder: true } });
  let row: MaterialCategory;
  try {
    row = await deps.prisma.materialCategory.create({
      data: {
        examYearId: year.id,
        code: input.code,
        name: input.name,
        description: input.description,
        minCount: input.minCount,
        maxCount: input.maxCount,
        appliesTo: appliesFrom(input),
        sortOrder: (last._max.sortOrder ?? -1) + 1,
      },
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CATEGORY_CODE_TAKEN', `材料代码 ${input.code} 在该年度已存在`, 409);
    throw e;
  }
  await audit(deps, actor, 'material.category_create', 'MaterialCategory', row.id, { examYearId: year.id, code: row.code });
  return toCategoryView(row, (await imageCounts(deps, year.id)).get(row.code) ?? 0);
}

export async function updateCategory(deps: MaterialDeps, actor: AdminActor, categoryId: string, input: CategoryUpdateRequest): Promise<AdminCategoryView> {
  const c = await ownCategory(deps, actor, categoryId);
  const a = appliesOf(c);
  const name = input.name ?? c.name;
  const minCount = input.minCount ?? c.minCount;
  const maxCount = input.maxCount ?? c.maxCount;
  assertCounts(name, minCount, maxCount);
  const types = input.types ?? (a.types ?? []);
  const required = input.required ?? (a.required ?? a.optional !== true);
  const row = await deps.prisma.materialCategory.update({
    where: { id: c.id },
    data: {
      name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      minCount,
      maxCount,
      appliesTo: appliesFrom({ types, required }, a),
      ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
    },
  });
  const changedFields = Object.keys(input).filter((k) => k !== 'description' || input.description !== c.description);
  await audit(deps, actor, input.hidden !== undefined && input.hidden !== c.hidden ? (input.hidden ? 'material.category_hide' : 'material.category_unhide') : 'material.category_update', 'MaterialCategory', c.id, {
    examYearId: c.examYearId,
    code: c.code,
    fields: changedFields,
    before: { name: c.name, minCount: c.minCount, maxCount: c.maxCount, types: a.types ?? [], required: a.required ?? a.optional !== true, hidden: c.hidden },
  });
  return toCategoryView(row, (await imageCounts(deps, c.examYearId)).get(c.code) ?? 0);
}

/** 删除: only a category no image ever referenced (deleted images too); otherwise 409 — hide it instead. */
export async function deleteCategory(deps: MaterialDeps, actor: AdminActor, categoryId: string): Promise<void> {
  const c = await ownCategory(deps, actor, categoryId);
  await deps.prisma.$transaction(async (tx) => {
    // counted inside the transaction; an upload in the very same instant is not excluded (uploads do not lock the
    // category row), its image would then keep a code no category has any more
    const n = await tx.image.count({ where: { categoryCode: c.code, dossier: { examYearId: c.examYearId } } });
    assertCategoryDeletable(c, n);
    const returns = await tx.returnItem.count({ where: { categoryCode: c.code, ret: { dossier: { examYearId: c.examYearId } } } });
    assertCategoryDeletable(c, returns);
    await tx.materialCategory.delete({ where: { id: c.id } });
  });
  if (c.exampleKey) await deps.storage.delete(c.exampleKey).catch(() => undefined);
  await audit(deps, actor, 'material.category_delete', 'MaterialCategory', c.id, { examYearId: c.examYearId, code: c.code, name: c.name });
}

export async function reorderCategories(deps: MaterialDeps, actor: AdminActor, yearId: string, ids: string[]): Promise<AdminCategoryView[]> {
  const year = await ownYear(deps, actor, yearId);
  const rows = await deps.prisma.materialCategory.findMany({ where: { examYearId: year.id }, select: { id: true } });
  const all = new Set(rows.map((r) => r.id));
  if (ids.length !== all.size || new Set(ids).size !== ids.length || ids.some((id) => !all.has(id))) {
    throw new DomainError('ORDER_INVALID', '排序须包含该年度的全部材料类别，且每个只出现一次', 400);
  }
  await deps.prisma.$transaction(ids.map((id, i) => deps.prisma.materialCategory.update({ where: { id }, data: { sortOrder: i } })));
  await audit(deps, actor, 'material.category_reorder', 'ExamYear', year.id, { count: ids.length });
  return listCategories(deps, actor, yearId);
}

// ---------- 从文件导入 (JSON or .xlsx) ----------

/** Column headers of an .xlsx catalog (the first worksheet, first row). */
export const CATALOG_XLSX_HEADERS = ['材料代码', '材料名称', '材料要求', '最少张数', '最多张数', '适用考生类型', '是否必传'] as const;
/** 适用考生类型 cells name the types by code or by their Chinese label. */
const TYPE_BY_TEXT = new Map<string, CatalogCandidateType>(
  CATALOG_CANDIDATE_TYPES.flatMap((t) => [
    [t, t],
    [CATALOG_CANDIDATE_TYPE_LABELS[t], t],
  ]),
);

const importProblem = (problems: CatalogImportProblem[]) =>
  new DomainError('CATALOG_FILE_INVALID', `目录文件有 ${problems.length} 处错误，未导入任何内容：${problems.slice(0, 5).map((p) => (p.row ? `第 ${p.row} 行：${p.message}` : p.message)).join('；')}`, 422, { problems });

/** Raw rows of the file (JSON: an array or { categories: [...] }; .xlsx: by the header row). */
async function catalogFileRows(bytes: Buffer): Promise<{ row: number; value: Record<string, unknown> }[]> {
  if (bytes.length === 0) throw new DomainError('CATALOG_FILE_INVALID', '文件是空的', 400);
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const rows: { row: number; cells: string[] }[] = [];
    for await (const r of readRosterRows(Readable.from(bytes), 'xlsx')) rows.push(r);
    const [header, ...body] = rows;
    if (!header) throw new DomainError('CATALOG_FILE_INVALID', 'Excel 文件中没有内容', 400);
    const index = CATALOG_XLSX_HEADERS.map((h) => header.cells.findIndex((c) => c.trim() === h));
    const missing = CATALOG_XLSX_HEADERS.filter((_, i) => index[i]! < 0 && i < 5);
    if (missing.length) throw new DomainError('CATALOG_FILE_INVALID', `Excel 第 1 行缺少列：${missing.join('、')}`, 400);
    const cell = (r: { cells: string[] }, i: number) => (index[i]! >= 0 ? (r.cells[index[i]!] ?? '').trim() : '');
    return body.map((r) => {
      const typesText = cell(r, 5);
      const requiredText = cell(r, 6);
      return {
        row: r.row,
        value: {
          code: cell(r, 0),
          name: cell(r, 1),
          description: cell(r, 2),
          minCount: cell(r, 3) === '' ? undefined : Number(cell(r, 3)),
          maxCount: cell(r, 4) === '' ? undefined : Number(cell(r, 4)),
          types: typesText ? typesText.split(/[,，、\s]+/).filter(Boolean).map((t) => TYPE_BY_TEXT.get(t) ?? t) : [],
          required: requiredText === '' ? true : !/^(否|n|no|false|0|选填)$/i.test(requiredText),
        },
      };
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new DomainError('CATALOG_FILE_INVALID', '无法读取该文件：仅支持 JSON 或 Excel（.xlsx）格式的目录文件', 400);
  }
  const list = Array.isArray(json) ? json : json && typeof json === 'object' && Array.isArray((json as { categories?: unknown }).categories) ? (json as { categories: unknown[] }).categories : null;
  if (!list) throw new DomainError('CATALOG_FILE_INVALID', 'JSON 目录应为材料类别的数组，或 { "categories": [...] }', 400);
  if (list.length > 200) throw new DomainError('CATALOG_FILE_INVALID', '目录最多 200 个材料类别', 400);
  return list.map((v, i) => ({ row: i + 1, value: v && typeof v === 'object' ? (v as Record<string, unknown>) : {} }));
}

/**
 * 从文件导入: every row validated first; any bad row and nothing is written (422 with every problem). Then, in one
 * transaction, the file's categories are created or updated by code (example images kept), and the year's other
 * categories are deleted — or hidden, when images already reference them.
 */
export async function importCatalog(deps: MaterialDeps, actor: AdminActor, yearId: string, bytes: Buffer): Promise<CatalogImportResponse> {
  const year = await ownYear(deps, actor, yearId);
  const rows = await catalogFileRows(bytes);
  const problems: CatalogImportProblem[] = [];
  const parsed: CategoryInputParsed[] = [];
  for (const r of rows) {
    const res = categoryInputSchema.safeParse(r.value);
    if (!res.success) {
      const issue = res.error.issues[0]!;
      problems.push({ row: r.row, code: typeof r.value.code === 'string' ? r.value.code : null, message: issue.message });
    } else parsed.push(res.data);
  }
  if (problems.length === 0) {
    const entries: CatalogEntry[] = parsed.map((p) => ({ ...p, appliesTo: { required: p.required } }));
    for (const p of catalogProblems(entries)) problems.push({ ...p, row: p.row === 0 ? 0 : rows[p.row - 1]!.row });
  }
  if (problems.length) throw importProblem(problems);

  const counts = await imageCounts(deps, year.id);
  const existing = await deps.prisma.materialCategory.findMany({ where: { examYearId: year.id } });
  const byCode = new Map(existing.map((c) => [c.code, c]));
  const inFile = new Set(parsed.map((p) => p.code));
  const removedKeys: string[] = [];
  let hidden = 0;
  await deps.prisma.$transaction(async (tx) => {
    for (const [i, p] of parsed.entries()) {
      const old = byCode.get(p.code);
      const data = { name: p.name, description: p.description, minCount: p.minCount, maxCount: p.maxCount, sortOrder: i };
      if (old) {
        // a category of the file is shown again, even if it was hidden
        await tx.materialCategory.update({ where: { id: old.id }, data: { ...data, hidden: false, appliesTo: appliesFrom(p, appliesOf(old)) } });
      } else {
        await tx.materialCategory.create({ data: { ...data, examYearId: year.id, code: p.code, appliesTo: appliesFrom(p) } });
      }
    }
    for (const [j, old] of existing.filter((c) => !inFile.has(c.code)).entries()) {
      if ((counts.get(old.code) ?? 0) > 0) {
        hidden++;
        await tx.materialCategory.update({
          where: { id: old.id },
          data: { sortOrder: parsed.length + j, hidden: true },
        });
      } else {
        if (old.exampleKey) removedKeys.push(old.exampleKey);
        await tx.materialCategory.delete({ where: { id: old.id } });
      }
    }
  });
  for (const key of removedKeys) await deps.storage.delete(key).catch(() => undefined);
  await audit(deps, actor, 'material.catalog_import', 'ExamYear', year.id, { loaded: parsed.length, hidden, format: bytes[0] === 0x50 ? 'xlsx' : 'json' });
  return { categories: await listCategories(deps, actor, yearId), loaded: parsed.length };
}

// ---------- 示例 example images ----------

/** Largest 示例 image accepted before normalising. */
export const MAX_EXAMPLE_BYTES = 5 * 1024 * 1024;

/** 上传示例图: a real image by its content, made upright and metadata-free, scaled to the preview size, stored. */
export async function uploadExample(deps: MaterialDeps, actor: AdminActor, categoryId: string, bytes: Buffer): Promise<AdminCategoryView> {
  const c = await ownCategory(deps, actor, categoryId);
  const verdict = await processImage(bytes);
  if (!verdict.ok) throw new DomainError('EXAMPLE_INVALID', `示例图片不可用：${verdict.reason}`, 400, { reason: verdict.code });
  const key = `examples/${c.examYearId}/${randomUUID()}`;
  await deps.storage.put(key, verdict.preview.data);
  const row = await deps.prisma.materialCategory.update({ where: { id: c.id }, data: { exampleKey: key } });
  if (c.exampleKey) await deps.storage.delete(c.exampleKey).catch(() => undefined);
  await audit(deps, actor, 'material.category_example_upload', 'MaterialCategory', c.id, {
    code: c.code,
    width: verdict.preview.width,
    height: verdict.preview.height,
  });
  return toCategoryView(row, (await imageCounts(deps, c.examYearId)).get(c.code) ?? 0);
}

export async function deleteExample(deps: MaterialDeps, actor: AdminActor, categoryId: string): Promise<AdminCategoryView> {
  const c = await ownCategory(deps, actor, categoryId);
  const row = await deps.prisma.materialCategory.update({ where: { id: c.id }, data: { exampleKey: null } });
  if (c.exampleKey) {
    await deps.storage.delete(c.exampleKey).catch(() => undefined);
    await audit(deps, actor, 'material.category_example_delete', 'MaterialCategory', c.id, { code: c.code });
  }
  return toCategoryView(row, (await imageCounts(deps, c.examYearId)).get(c.code) ?? 0);
}

/** The example image, for the year's candidates and the district's staff (404 for everyone else, or an old version). */
export async function readExample(deps: MaterialDeps, auth: AuthContext, categoryId: string, version: string): Promise<Buffer> {
  assertUuid(categoryId, '示例图片');
  const c = await deps.prisma.materialCategory.findUnique({ where: { id: categoryId }, include: { examYear: { select: { id: true, districtCode: true } } } });
  if (!c || !c.exampleKey) throw notFound('示例图片');
  await assertMayRead(deps, auth, c.examYear, '示例图片');
  if (versionOf(c.exampleKey) !== version || !(await deps.storage.exists(c.exampleKey))) throw notFound('示例图片');
  return deps.storage.get(c.exampleKey);
}
