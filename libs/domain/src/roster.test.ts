import { describe, expect, it } from 'vitest';
import {
  RosterRowChecker,
  candidateTypeOf,
  changedRosterFields,
  idNumberCheckChar,
  idNumberProblem,
  mapRosterColumns,
  normalizeEmail,
  normalizeMobile,
  normalizeUnitPhone,
  rosterOutcome,
  rosterSites,
  type ExistingRosterCandidate,
} from './index.js';

const today = new Date('2026-01-15T00:00:00Z');
const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);

describe('ID number (GB 11643)', () => {
  it('accepts the standard example and computes X', () => {
    expect(idNumberProblem('11010519491231002X', today)).toBeNull();
    expect(idNumberProblem('11010519491231002x', today)).toBeNull();
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
  });
  it('refuses a wrong check character, a wrong length and letters', () => {
    expect(idNumberProblem('110105194912310021', today)).toMatch(/校验位/);
    expect(idNumberProblem('11010519491231002', today)).toMatch(/18位/);
    expect(idNumberProblem('1101051949123100AX', today)).toMatch(/18位/);
  });
  it('refuses birth dates that do not exist, before 1900, or under 16', () => {
    expect(idNumberProblem(withCheck('11010519490231002'), today)).toMatch(/出生日期/); // 31 February
    expect(idNumberProblem(withCheck('11010518991231002'), today)).toMatch(/出生日期/);
    expect(idNumberProblem(withCheck('11010520150101002'), today)).toMatch(/出生日期/);
    expect(idNumberProblem(withCheck('11010520000229002'), today)).toBeNull(); // a leap day
  });
});

describe('single values', () => {
  it('mobile phones: 1[3-9] and 11 digits, +86 and separators tolerated', () => {
    expect(normalizeMobile('13912345678')).toBe('13912345678');
    expect(normalizeMobile('+86 139-1234-5678')).toBe('13912345678');
    expect(normalizeMobile('12912345678')).toBeNull();
    expect(normalizeMobile('1391234567')).toBeNull();
  });
  it('unit phones: a mobile or a landline with area code', () => {
    expect(normalizeUnitPhone('022-23626600')).toBe('022-23626600');
    expect(normalizeUnitPhone('(022)23626600')).toBe('022-23626600');
    expect(normalizeUnitPhone('02223626600-123')).toBe('02223626600-123');
    expect(normalizeUnitPhone('23626600')).toBeNull();
  });
  it('emails', () => {
    expect(normalizeEmail(' a.b@tj-hospital.cn ')).toBe('a.b@tj-hospital.cn');
    expect(normalizeEmail('a@b')).toBeNull();
    expect(normalizeEmail('a..b@x.cn')).toBeNull();
  });
  it('candidate types by their Chinese label or code', () => {
    expect(candidateTypeOf('应届毕业生')).toBe('FRESH_GRADUATE');
    expect(candidateTypeOf(' 执业助理医师报考执业医师 ')).toBe('ASSISTANT_UPGRADE');
    expect(candidateTypeOf('graduate')).toBe('GRADUATE');
    expect(candidateTypeOf('外星考生')).toBeUndefined();
  });
});

describe('column mapping', () => {
  const headers = ['报名号', '姓名', '身份证件号码', '考生类型', '考点名称', '报名单位', '单位联系电话', '单位邮箱', '手机号码', '电子邮箱'];
  it('maps the registration system headers by name', () => {
    const r = mapRosterColumns(headers);
    expect(r.missing).toEqual([]);
    expect(r.mapping).toMatchObject({ registrationNo: 0, idNumber: 2, site: 4, phone: 8, email: 9 });
  });
  it('lists the required columns it cannot find, and takes an explicit mapping', () => {
    const odd = ['编号', '名字', '证件号码', '类别', '考点', '单位', '手机'];
    expect(mapRosterColumns(odd).missing).toEqual(['registrationNo', 'name', 'candidateType', 'unitName']);
    const r = mapRosterColumns(odd, { registrationNo: '编号', name: '名字', candidateType: '类别', unitName: '单位' });
    expect(r).toMatchObject({ missing: [], problems: [] });
    expect(mapRosterColumns(odd, { registrationNo: '没有这列' }).problems[0]).toMatch(/没有「没有这列」列/);
    expect(mapRosterColumns(headers, { name: '报名号' }).problems[0]).toMatch(/不能同时作为/);
    expect(mapRosterColumns(headers, { email: null }).mapping.email).toBeUndefined();
  });
});

describe('rows', () => {
  const sites = rosterSites([{ id: 's1', code: '1201', name: '和平区考点' }]);
  const mapping = mapRosterColumns(['报名号', '姓名', '证件号码', '考生类型', '考点', '报名单位', '单位联系电话', '单位邮箱', '手机号', '邮箱']).mapping;
  const good = ['R1', '张三', '11010519491231002X', '已毕业考生', '和平区考点', '天津医院', '', '', '13912345678', ''];
  it('normalises a good row and resolves the site by name or code', () => {
    const c = new RosterRowChecker(mapping, sites, today);
    expect(c.check(2, good)).toEqual({
      ok: true,
      row: { registrationNo: 'R1', name: '张三', idNumber: '11010519491231002X', candidateType: 'GRADUATE', siteId: 's1', unitName: '天津医院', unitPhone: null, unitEmail: null, phone: '13912345678', email: null },
    });
    const byCode = [...good];
    byCode[0] = 'R2';
    byCode[4] = '1201';
    expect(c.check(3, byCode).ok).toBe(true);
  });
  it('gives every reason of a bad row with its row number, and names the first row of a duplicate', () => {
    const c = new RosterRowChecker(mapping, sites, today);
    c.check(2, good);
    const r = c.check(7, ['R1', '', '110105194912310021', '外星', '无', '', '123', 'x@', '123', 'y@']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.bad.row).toBe(7);
    expect(r.bad.reasons).toEqual([
      '报名号与第2行重复',
      '姓名为空',
      '证件号码校验位不正确（GB 11643）',
      expect.stringMatching(/考生类型「外星」不存在/),
      expect.stringMatching(/考点「无」不存在/),
      '报名单位为空',
      '单位联系电话格式不正确',
      '单位邮箱格式不正确',
      '手机号格式不正确（应为11位大陆手机号）',
      '邮箱格式不正确',
    ]);
  });
});

describe('outcome of a good row', () => {
  const row = { registrationNo: 'R1', name: '张三', idNumber: 'x', candidateType: 'GRADUATE' as const, siteId: 's1', unitName: 'U', unitPhone: null, unitEmail: null, phone: '13912345678', email: null };
  const stored: ExistingRosterCandidate = { siteId: 's1', name: '张三', candidateType: 'GRADUATE', unitName: 'U', unitPhone: null, unitEmail: null, phone: '13912345678', email: null, dossierStatus: 'DRAFT' };
  it('new, unchanged, changed, and refused once submitted', () => {
    expect(rosterOutcome(undefined, [])).toBe('new');
    expect(rosterOutcome(stored, changedRosterFields(stored, row, true))).toBe('unchanged');
    expect(changedRosterFields(stored, { ...row, phone: '13900000000' }, false)).toEqual(['phone', 'idNumber']);
    expect(rosterOutcome(stored, ['phone'])).toBe('changed');
    expect(rosterOutcome({ ...stored, dossierStatus: 'PENDING_SITE' }, ['phone'])).toBe('refused');
    expect(rosterOutcome({ ...stored, dossierStatus: 'PENDING_SITE' }, [])).toBe('unchanged');
  });
});
