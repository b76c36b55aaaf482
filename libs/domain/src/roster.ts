// Roster import rules (报名数据导入): which column is which, what a good row is, and what an import does with it.
// Pure: the file reading, database look-ups and writes live in libs/roster.
import { CANDIDATE_TYPES, CANDIDATE_TYPE_LABELS, normalizeIdNumber, type CandidateType } from './candidate.js';
import type { DossierStatus } from './dossier-status.js';

/** The fields of a roster row, in the order the registration system exports them. */
export const ROSTER_FIELDS = [
  'registrationNo',
  'name',
  'idNumber',
  'candidateType',
  'site',
  'unitName',
  'unitPhone',
  'unitEmail',
  'phone',
  'email',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export const ROSTER_FIELD_LABELS: Record<RosterField, string> = {
  registrationNo: '报名号',
  name: '姓名',
  idNumber: '证件号码',
  candidateType: '考生类型',
  site: '考点',
  unitName: '报名单位',
  unitPhone: '单位联系电话',
  unitEmail: '单位邮箱',
  phone: '手机号',
  email: '邮箱',
};

/** Fields a roster must have a column for (the others may be absent or empty). */
export const ROSTER_REQUIRED_FIELDS: readonly RosterField[] = ['registrationNo', 'name', 'idNumber', 'candidateType', 'site', 'unitName', 'phone'];

/** Header names the registration system (and districts' own spreadsheets) use for each field. */
export const ROSTER_HEADER_ALIASES: Record<RosterField, readonly string[]> = {
  registrationNo: ['报名号', '报名编号', '考生报名号', '网报号'],
  name: ['姓名', '考生姓名'],
  idNumber: ['证件号码', '身份证件号码', '身份证号', '身份证号码', '证件号', '有效身份证件号码'],
  candidateType: ['考生类型', '考生类别'],
  site: ['考点', '考点名称', '考点代码', '考点编号', '报考考点'],
  unitName: ['报名单位', '报名单位名称', '单位名称'],
  unitPhone: ['单位联系电话', '报名单位联系电话', '单位电话', '单位联系方式'],
  unitEmail: ['单位邮箱', '报名单位邮箱', '单位电子邮箱', '单位email'],
  phone: ['手机号', '手机号码', '手机', '考生手机号', '移动电话'],
  email: ['邮箱', '电子邮箱', '电子邮件', '考生邮箱', 'email', 'e-mail'],
};

/** Which column (0-based) holds each field; a field without a column is absent. */
export type RosterMapping = Partial<Record<RosterField, number>>;

/** A header cell compared loosely: no BOM, spaces (also full-width) or trailing colon, case-insensitive. */
export function normalizeHeader(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/[\s\u3000]+/g, '').replace(/[:：]$/, '').toLowerCase();
}

const ALIAS_TO_FIELD: ReadonlyMap<string, RosterField> = new Map(
  ROSTER_FIELDS.flatMap((f) => [f, ...ROSTER_HEADER_ALIASES[f]].map((a) => [normalizeHeader(a), f] as const)),
);

export interface MappingResult {
  mapping: RosterMapping;
  /** required fields without a column */
  missing: RosterField[];
  /** problems of an explicit mapping (a column name not in the header row, one column for two fields) */
  problems: string[];
}

/**
 * Maps the header row's columns to fields: every header that is a known name of a field (the first such column
 * wins), then `explicit` (field → header text as it appears in the file, or null for "no column") on top.
 */
export function mapRosterColumns(headers: readonly string[], explicit: Partial<Record<RosterField, string | null>> = {}): MappingResult {
  const mapping: RosterMapping = {};
  headers.forEach((h, i) => {
    const field = ALIAS_TO_FIELD.get(normalizeHeader(h));
    if (field && mapping[field] === undefined) mapping[field] = i;
  });
  const problems: string[] = [];
  for (const field of ROSTER_FIELDS) {
    if (!(field in explicit)) continue;
    const header = explicit[field];
    if (header === null || header === undefined || header === '') {
      delete mapping[field];
      continue;
    }
    const exact = headers.indexOf(header);
    const i = exact >= 0 ? exact : headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(header));
    if (i < 0) problems.push(`${ROSTER_FIELD_LABELS[field]}：文件中没有「${header}」列`);
    else mapping[field] = i;
  }
  const used = new Map<number, RosterField>();
  for (const field of ROSTER_FIELDS) {
    const i = mapping[field];
    if (i === undefined) continue;
    const other = used.get(i);
    if (other && field in explicit) problems.push(`「${headers[i]}」列不能同时作为${ROSTER_FIELD_LABELS[other]}和${ROSTER_FIELD_LABELS[field]}`);
    used.set(i, field);
  }
  const missing = ROSTER_REQUIRED_FIELDS.filter((f) => mapping[f] === undefined);
  return { mapping, missing, problems };
}

// ---- single values ---------------------------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of the first 17 digits of an ID number (GB 11643-1999: weighted sum mod 11). */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/**
 * Why an ID number (居民身份证号码, GB 11643) is not acceptable, or null: 18 characters, 17 digits and a check
 * character (digit or X) that matches, and a birth date (characters 7–14) that exists, is not before 1900 and makes
 * the holder at least 16 on `today`.
 */
export function idNumberProblem(raw: string, today: Date): string | null {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return '证件号码应为18位（前17位为数字，末位为数字或X）';
  if (idNumberCheckChar(id.slice(0, 17)) !== id[17]) return '证件号码校验位不正确（GB 11643）';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const real = birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d;
  const latest = Date.UTC(today.getUTCFullYear() - 16, today.getUTCMonth(), today.getUTCDate());
  if (!real || y < 1900 || birth.getTime() > latest) return '证件号码中的出生日期不正确';
  return null;
}

/** Mainland mobile number: 11 digits, 1[3-9]…; spaces and dashes as people type them are allowed. */
export function normalizeMobile(raw: string): string | null {
  const s = raw.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  return /^1[3-9]\d{9}$/.test(s) ? s : null;
}

/** A unit's contact number: a mobile or a landline (area code, number, optional extension). */
export function normalizeUnitPhone(raw: string): string | null {
  const mobile = normalizeMobile(raw);
  if (mobile) return mobile;
  const s = raw.replace(/\s/g, '').replace(/^[（(](0\d{2,3})[)）]-?/, '$1-');
  return /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/.test(s) && s.length <= 32 ? s : null;
}

const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function normalizeEmail(raw: string): string | null {
  const s = raw.trim();
  return s.length <= 254 && EMAIL_RE.test(s) && !s.includes('..') ? s : null;
}

const TYPE_BY_TEXT: ReadonlyMap<string, CandidateType> = new Map(
  CANDIDATE_TYPES.flatMap((t) => [
    [normalizeHeader(CANDIDATE_TYPE_LABELS[t]), t] as const,
    [normalizeHeader(t), t] as const,
  ]),
);

/** The candidate type of a cell: its Chinese label (CANDIDATE_TYPE_LABELS) or its code. */
export function candidateTypeOf(text: string): CandidateType | undefined {
  return TYPE_BY_TEXT.get(normalizeHeader(text));
}

// ---- rows ------------------------------------------------------------------------------------------------------

/** A good row, normalised, with the site resolved. */
export interface RosterRow {
  registrationNo: string;
  name: string;
  idNumber: string;
  candidateType: CandidateType;
  siteId: string;
  unitName: string;
  unitPhone: string | null;
  unitEmail: string | null;
  phone: string;
  email: string | null;
}

/** A refused row: its row number in the file (the header is row 1) and why, in Chinese. */
export interface RosterBadRow {
  row: number;
  registrationNo: string | null;
  reasons: string[];
}

/** The exam sites of the district, found by code or by name. */
export interface RosterSites {
  byCode: ReadonlyMap<string, string>;
  byName: ReadonlyMap<string, string>;
}

export function rosterSites(sites: readonly { id: string; code: string; name: string }[]): RosterSites {
  return {
    byCode: new Map(sites.map((s) => [s.code.trim().toLowerCase(), s.id])),
    byName: new Map(sites.map((s) => [normalizeHeader(s.name), s.id])),
  };
}

export const SUBMITTED_REASON = '已提交审核，不能通过导入修改';

const REG_NO_RE = /^[A-Za-z0-9-]{1,32}$/;
const typeChoices = CANDIDATE_TYPES.map((t) => CANDIDATE_TYPE_LABELS[t]).join('、');

/**
 * Checks the rows of one file in order: every rule of a single row, plus duplicate 报名号 against the rows before it
 * (the later row is refused, naming the first). One checker per file.
 */
export class RosterRowChecker {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly mapping: RosterMapping,
    private readonly sites: RosterSites,
    private readonly today: Date,
  ) {}

  check(rowNumber: number, cells: readonly string[]): { ok: true; row: RosterRow } | { ok: false; bad: RosterBadRow } {
    const cell = (f: RosterField) => {
      const i = this.mapping[f];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const reasons: string[] = [];
    const registrationNo = cell('registrationNo');
    if (!registrationNo) reasons.push('报名号为空');
    else if (!REG_NO_RE.test(registrationNo)) reasons.push('报名号格式不正确（应为1–32位字母或数字）');
    else {
      const first = this.seen.get(registrationNo);
      if (first !== undefined) reasons.push(`报名号与第${first}行重复`);
      else this.seen.set(registrationNo, rowNumber);
    }
    const name = cell('name');
    if (!name) reasons.push('姓名为空');
    else if (name.length > 64) reasons.push('姓名超过64个字');
    const idNumber = normalizeIdNumber(cell('idNumber'));
    if (!idNumber) reasons.push('证件号码为空');
    else {
      const problem = idNumberProblem(idNumber, this.today);
      if (problem) reasons.push(problem);
    }
    const typeText = cell('candidateType');
    const candidateType = typeText ? candidateTypeOf(typeText) : undefined;
    if (!typeText) reasons.push('考生类型为空');
    else if (!candidateType) reasons.push(`考生类型「${typeText.slice(0, 32)}」不存在（应为：${typeChoices}）`);
    const siteText = cell('site');
    const siteId = siteText ? (this.sites.byCode.get(siteText.toLowerCase()) ?? this.sites.byName.get(normalizeHeader(siteText))) : undefined;
    if (!siteText) reasons.push('考点为空');
    else if (!siteId) reasons.push(`考点「${siteText.slice(0, 64)}」不存在（按考点代码或名称查找）`);
    const unitName = cell('unitName');
    if (!unitName) reasons.push('报名单位为空');
    else if (unitName.length > 128) reasons.push('报名单位超过128个字');
    const unitPhoneText = cell('unitPhone');
    const unitPhone = unitPhoneText ? normalizeUnitPhone(unitPhoneText) : null;
    if (unitPhoneText && !unitPhone) reasons.push('单位联系电话格式不正确');
    const unitEmailText = cell('unitEmail');
    const unitEmail = unitEmailText ? normalizeEmail(unitEmailText) : null;
    if (unitEmailText && !unitEmail) reasons.push('单位邮箱格式不正确');
    const phoneText = cell('phone');
    const phone = phoneText ? normalizeMobile(phoneText) : null;
    if (!phoneText) reasons.push('手机号为空');
    else if (!phone) reasons.push('手机号格式不正确（应为11位大陆手机号）');
    const emailText = cell('email');
    const email = emailText ? normalizeEmail(emailText) : null;
    if (emailText && !email) reasons.push('邮箱格式不正确');

    if (reasons.length) return { ok: false, bad: { row: rowNumber, registrationNo: registrationNo ? registrationNo.slice(0, 32) : null, reasons } };
    return {
      ok: true,
      row: { registrationNo, name, idNumber, candidateType: candidateType!, siteId: siteId!, unitName, unitPhone, unitEmail, phone: phone!, email },
    };
  }
}

/** What the database holds for a 报名号 of the year (the ID number compared by the caller, who holds the key). */
export interface ExistingRosterCandidate {
  siteId: string;
  name: string;
  candidateType: CandidateType;
  unitName: string;
  unitPhone: string | null;
  unitEmail: string | null;
  phone: string | null;
  email: string | null;
  dossierStatus: DossierStatus | null;
}

/** Field names (of RosterRow) whose stored value differs from the row's. */
export function changedRosterFields(existing: ExistingRosterCandidate, row: RosterRow, sameIdNumber: boolean): (keyof RosterRow)[] {
  const fields: (keyof RosterRow)[] = [];
  if (existing.siteId !== row.siteId) fields.push('siteId');
  if (existing.name !== row.name) fields.push('name');
  if (existing.candidateType !== row.candidateType) fields.push('candidateType');
  if (existing.unitName !== row.unitName) fields.push('unitName');
  if ((existing.unitPhone ?? null) !== row.unitPhone) fields.push('unitPhone');
  if ((existing.unitEmail ?? null) !== row.unitEmail) fields.push('unitEmail');
  if ((existing.phone ?? null) !== row.phone) fields.push('phone');
  if ((existing.email ?? null) !== row.email) fields.push('email');
  if (!sameIdNumber) fields.push('idNumber');
  return fields;
}

export type RosterOutcome = 'new' | 'unchanged' | 'changed' | 'refused';

/**
 * What importing a good row does: a new 报名号 is created, an identical one left alone, a different one updated —
 * unless its dossier has left DRAFT (submitted, in review, decided): a submitted candidate is never changed by an
 * import, the row is refused (SUBMITTED_REASON).
 */
export function rosterOutcome(existing: ExistingRosterCandidate | undefined, changed: readonly string[]): RosterOutcome {
  if (!existing) return 'new';
  if (!changed.length) return 'unchanged';
  return existing.dossierStatus === null || existing.dossierStatus === 'DRAFT' ? 'changed' : 'refused';
}
