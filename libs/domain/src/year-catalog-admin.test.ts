import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from './catalog.js';
import { parseBeijingTime } from './upload-window.js';
import {
  assertCategoryAcceptsUploads,
  assertCategoryDeletable,
  assertGuidePdf,
  assertValidWindow,
  assertWindowChangeConfirmed,
  catalogProblems,
  describeWindowChange,
  formatManualBeijingTime,
  hiddenCategoryVisible,
  isPdf,
  normalizeNotices,
} from './year-catalog-admin.js';

const w = (start: string, end: string) => ({ start: parseBeijingTime(start), end: parseBeijingTime(end) });
const window = w('2026-01-29 10:00', '2026-02-11 24:00');
const pdf = (body = 'x') => new TextEncoder().encode(`%PDF-1.4\n${body}\n%%EOF\n`);

describe('formatManualBeijingTime', () => {
  it('writes times as the manual does, midnight as the previous day 24:00', () => {
    expect(formatManualBeijingTime(window.end)).toBe('2026年2月11日24:00');
    expect(formatManualBeijingTime(window.start)).toBe('2026年1月29日10:00');
  });
});

describe('window rules', () => {
  it('refuses a window that ends before it starts or lasts over a year', () => {
    expect(() => assertValidWindow(w('2026-02-11 10:00', '2026-02-11 10:00'))).toThrow(/必须晚于开始时间/);
    expect(() => assertValidWindow(w('2026-01-01 10:00', '2027-06-01 10:00'))).toThrow(/不能超过一年/);
    expect(() => assertValidWindow(window)).not.toThrow();
  });

  it('needs a confirmation only when an opened window changes, and says what changes', () => {
    const later = w('2026-01-29 10:00', '2026-02-12 24:00');
    const before = describeWindowChange(window, later, parseBeijingTime('2026-01-20 00:00'));
    expect(before).toEqual({ description: '截止时间由 2026年2月11日24:00 改为 2026年2月12日24:00', needsConfirm: false });
    const during = describeWindowChange(window, later, parseBeijingTime('2026-02-01 00:00'));
    expect(during?.needsConfirm).toBe(true);
    expect(() => assertWindowChangeConfirmed(during, false)).toThrow(/请确认后再保存/);
    expect(() => assertWindowChangeConfirmed(during, true)).not.toThrow();
    expect(describeWindowChange(window, { ...window }, parseBeijingTime('2026-02-01 00:00'))).toBeNull();
    expect(describeWindowChange(window, later, parseBeijingTime('2026-03-01 00:00'))?.needsConfirm).toBe(true);
  });
});

describe('notices', () => {
  it('trims, drops empty paragraphs and enforces the limits', () => {
    expect(normalizeNotices([' 第一段 ', '', '  ', '第二段'])).toEqual(['第一段', '第二段']);
    expect(() => normalizeNotices(Array.from({ length: 21 }, () => 'x'))).toThrow(/最多 20 段/);
    expect(() => normalizeNotices(['a', 'x'.repeat(501)])).toThrow(/第 2 段提示超过 500 字/);
  });
});

describe('材料说明 PDF', () => {
  it('recognises a PDF by its bytes only', () => {
    expect(isPdf(pdf())).toBe(true);
    expect(isPdf(new TextEncoder().encode('%PDF-1.4 truncated without end marker'))).toBe(false);
    expect(isPdf(new TextEncoder().encode('<html>%%EOF</html> not a pdf at all'))).toBe(false);
    expect(() => assertGuidePdf(new Uint8Array())).toThrow(/文件为空/);
    expect(() => assertGuidePdf(new TextEncoder().encode('GIF89a........%%EOF'))).toThrow(/不是有效的 PDF/);
    expect(() => assertGuidePdf(new Uint8Array(5 * 1024 * 1024 + 1))).toThrow(/5MB/);
  });
});

describe('category deletion and hiding', () => {
  it('deletes only a category no image ever referenced', () => {
    expect(() => assertCategoryDeletable({ name: '毕业证书' }, 0)).not.toThrow();
    expect(() => assertCategoryDeletable({ name: '毕业证书' }, 3)).toThrow(/不能删除.*隐藏/);
  });
  it('a hidden category takes no uploads and is shown only to candidates holding images in it', () => {
    expect(() => assertCategoryAcceptsUploads({ name: '学位证书', hidden: true })).toThrow(/停止接收/);
    expect(() => assertCategoryAcceptsUploads({ name: '学位证书', hidden: false })).not.toThrow();
    expect(hiddenCategoryVisible(true, 0)).toBe(false);
    expect(hiddenCategoryVisible(true, 1)).toBe(true);
    expect(hiddenCategoryVisible(false, 0)).toBe(true);
  });
});

describe('catalogProblems', () => {
  it('accepts the default catalog and reports every bad row with its number', () => {
    expect(catalogProblems(DEFAULT_CATALOG)).toEqual([]);
    const [a, b] = DEFAULT_CATALOG as [typeof DEFAULT_CATALOG[number], typeof DEFAULT_CATALOG[number]];
    const problems = catalogProblems([a, { ...b, minCount: 3, maxCount: 1 }, { ...a }, { ...b, code: 'bad code' }]);
    expect(problems.map((p) => p.row)).toEqual([2, 3, 4]);
    expect(problems[1]!.message).toMatch(/与第 1 行重复/);
    expect(catalogProblems([])[0]!.message).toMatch(/没有任何材料类别/);
  });
});
