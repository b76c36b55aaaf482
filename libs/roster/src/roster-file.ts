// Reading a roster file as a stream of rows: CSV in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (what
// Chinese Excel writes for "CSV"), and .xlsx through exceljs' streaming reader. Nothing holds the whole file.
import { Readable, Transform, pipeline } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { DomainError } from '@exam/domain';

export type RosterFormat = 'csv' | 'xlsx';

/** One row of the file: its row number (the first row is 1, as a spreadsheet numbers them) and its cells as text. */
export interface RosterFileRow {
  row: number;
  cells: string[];
}

export const rosterFileError = (message: string, details?: unknown) => new DomainError('ROSTER_FILE_INVALID', message, 400, details);

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** The format of a file by its first bytes (never by its name): a zip is .xlsx, anything else is read as CSV. */
export function detectRosterFormat(head: Buffer): RosterFormat {
  if (head.subarray(0, 4).equals(OLE_MAGIC)) throw rosterFileError('不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传');
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (!head.length) throw rosterFileError('文件是空的');
  return 'csv';
}

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/**
 * The text encoding of a CSV file from its first bytes: a BOM says it; otherwise bytes that are valid UTF-8 are UTF-8
 * and anything else is GB18030 (a superset of GBK and GB2312, what Chinese Excel saves "CSV" as).
 */
export function detectCsvEncoding(head: Buffer): CsvEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  try {
    // stream: true — a character cut at the end of the sample is not an error
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

const SAMPLE_BYTES = 64 * 1024;

/** Reads up to `bytes` from the start of a stream and gives them back together with a stream of the whole. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; whole: Readable }> {
  const it = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest() {
    yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head, whole: Readable.from(rest(), { objectMode: false }) };
}

/** Bytes → text in `encoding`; undecodable bytes fail the stream (the file is refused, not imported with U+FFFD). */
function decoder(encoding: CsvEncoding): Transform {
  const dec = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  const fail = (err: unknown) => rosterFileError(`文件不是有效的 ${encoding === 'gb18030' ? 'GBK/GB18030' : encoding.toUpperCase()} 文本`, { cause: String(err) });
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, dec.decode(chunk, { stream: true }));
      } catch (err) {
        done(fail(err));
      }
    },
    flush(done) {
      try {
        done(null, dec.decode());
      } catch (err) {
        done(fail(err));
      }
    },
  });
}

/** The delimiter of a CSV file by its first line: tab when it has tabs and no commas (Excel's "Unicode text"). */
function delimiterOf(sampleText: string): string {
  const first = sampleText.split(/\r?\n/, 1)[0] ?? '';
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

async function* csvRows(source: Readable): AsyncGenerator<RosterFileRow> {
  const { head, whole } = await peek(source, SAMPLE_BYTES);
  if (!head.length) throw rosterFileError('文件是空的');
  const encoding = detectCsvEncoding(head);
  let sampleText: string;
  try {
    sampleText = new TextDecoder(encoding, { fatal: true }).decode(head, { stream: true });
  } catch {
    throw rosterFileError('文件编码无法识别（支持 UTF-8 与 GBK/GB18030 的 CSV）');
  }
  const parser = parseCsv({
    delimiter: delimiterOf(sampleText.replace(/^\uFEFF/, '')),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
    max_record_size: 64 * 1024,
  });
  pipeline(whole, decoder(encoding), parser, () => undefined);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw rosterFileError(`第${row + 1}行附近无法按 CSV 读取：${(err as Error).message.slice(0, 200)}`);
  }
}

/** A cell of exceljs as text: rich text, hyperlinks and formulas by their text/result; dates as YYYY-MM-DD. */
export function excelCellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('text' in o) return excelCellText(o.text);
    if ('result' in o) return excelCellText(o.result);
    if ('error' in o) return '';
  }
  return String(v);
}

async function* xlsxRows(source: Readable): AsyncGenerator<RosterFileRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      for await (const r of sheet) {
        const values = Array.isArray(r.values) ? (r.values as unknown[]) : [];
        // exceljs numbers cells from 1: values[0] is empty
        yield { row: r.number, cells: Array.from(values.slice(1), excelCellText) }; // holes (empty cells) as ''
      }
      return; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw rosterFileError('无法读取该 Excel 文件，请确认是 .xlsx 格式', { cause: String(err).slice(0, 200) });
  }
}

/** The rows of a roster file, as a stream: empty rows are left out (their numbers are kept for the others). */
export async function* readRosterRows(source: Readable, format: RosterFormat): AsyncGenerator<RosterFileRow> {
  const rows = format === 'xlsx' ? xlsxRows(source) : csvRows(source);
  for await (const r of rows) {
    if (r.cells.some((c) => c.trim() !== '')) yield r;
  }
}
