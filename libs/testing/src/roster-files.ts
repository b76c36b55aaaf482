// Roster files as the registration system exports them (CSV in UTF-8 / UTF-8 with BOM / GBK, and .xlsx), for tests
// and the benchmark: good rows, and one of every kind of bad row.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { CANDIDATE_TYPE_LABELS, idNumberCheckChar } from '@exam/domain';

export const ROSTER_HEADERS = ['报名号', '姓名', '证件号码', '考生类型', '考点', '报名单位', '单位联系电话', '单位邮箱', '手机号', '邮箱'] as const;

/** A valid 18-digit ID number (GB 11643) of a person born on `birth` (YYYYMMDD), serial `n`. */
export function validIdNumber(n: number, birth = '19900101', area = '120101'): string {
  const first17 = `${area}${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

/** Good row `i` at site `siteCode`: 报名号 `${prefix}${i}`, valid ID number, mobile and email. */
export function rosterRow(i: number, siteCode: string, prefix = '2026'): string[] {
  return [
    `${prefix}${String(i).padStart(8, '0')}`,
    `考生${i}`,
    validIdNumber(i, `19${String(70 + (i % 30)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`),
    CANDIDATE_TYPE_LABELS.GRADUATE,
    siteCode,
    '天津市第一中心医院',
    '022-23626600',
    'hr@tj-hospital.cn',
    `139${String(i % 100_000_000).padStart(8, '0')}`,
    `c${i}@example.cn`,
  ];
}

/**
 * One row of each kind of mistake (their 报名号 start with `BAD`), after the good rows they are placed among; each
 * comes with the reason the dry run must give.
 */
export function badRosterRows(siteCode: string, duplicateOf: string): { cells: string[]; reason: RegExp }[] {
  const good = (i: number) => rosterRow(900_000 + i, siteCode, 'BAD');
  const withCell = (i: number, col: number, value: string) => {
    const r = good(i);
    r[col] = value;
    return r;
  };
  const checksum = validIdNumber(5);
  const wrongCheck = checksum.slice(0, 17) + (checksum[17] === '0' ? '1' : '0');
  return [
    { cells: withCell(1, 2, wrongCheck), reason: /校验位不正确/ },
    { cells: withCell(2, 2, validIdNumber(2, '19901301')), reason: /出生日期不正确/ },
    { cells: withCell(3, 2, '1201011990'), reason: /应为18位/ },
    { cells: withCell(4, 4, '不存在的考点'), reason: /考点「不存在的考点」不存在/ },
    { cells: withCell(5, 0, duplicateOf), reason: /报名号与第\d+行重复/ },
    { cells: withCell(6, 3, '外星考生'), reason: /考生类型「外星考生」不存在/ },
    { cells: withCell(7, 8, '12345678901'), reason: /手机号格式不正确/ },
    { cells: withCell(8, 9, 'not-an-email'), reason: /邮箱格式不正确/ },
    { cells: withCell(9, 1, ''), reason: /姓名为空/ },
  ];
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function rosterCsv(rows: readonly (readonly string[])[], opts: { encoding?: 'utf-8' | 'utf-8-bom' | 'gbk'; headers?: readonly string[] } = {}): Buffer {
  const text = [opts.headers ?? ROSTER_HEADERS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  if (opts.encoding === 'gbk') return iconv.encode(text, 'gbk');
  const utf8 = Buffer.from(text, 'utf8');
  return opts.encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

export async function rosterXlsx(rows: readonly (readonly string[])[], opts: { headers?: readonly string[] } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('考生名单');
  ws.addRow([...(opts.headers ?? ROSTER_HEADERS)]);
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
