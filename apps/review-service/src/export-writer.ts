import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportFormat } from '@exam/api';

/** A cell: text, or a count (a number cell in Excel). */
export type Cell = string | number;

/** One exported table: column titles, then rows written in batches; `end` finishes the file. */
export interface TableSink {
  /** Writes a batch of rows and resolves once the destination can take more (backpressure). */
  writeRows(rows: readonly (readonly Cell[])[]): Promise<void>;
  end(): Promise<void>;
}

/** UTF-8 byte order mark: Excel opens a CSV as UTF-8 (Chinese intact) only with it. */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage return that some
 * programs skip first) gets a leading apostrophe, so it is shown as text (CSV injection).
 */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 quoting after neutralisation. */
export function csvCell(value: Cell): string {
  const safe = typeof value === 'number' ? String(value) : neutraliseCsvCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Resolves when `out` drained, or at once if it is closed (the client went away: the caller stops on `closed`). */
async function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

class CsvSink implements TableSink {
  constructor(
    private readonly out: Writable,
    columns: readonly string[],
  ) {
    out.write(UTF8_BOM + columns.map(csvCell).join(',') + '\r\n');
  }
  async writeRows(rows: readonly (readonly Cell[])[]): Promise<void> {
    let chunk = '';
    for (const row of rows) chunk += row.map(csvCell).join(',') + '\r\n';
    this.out.write(chunk);
    await drained(this.out);
  }
  async end(): Promise<void> {
    this.out.end();
    if (!this.out.writableFinished && !this.out.destroyed) await Promise.race([once(this.out, 'finish'), once(this.out, 'close')]);
  }
}

class XlsxSink implements TableSink {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  constructor(
    private readonly out: Writable,
    sheetName: string,
    columns: readonly string[],
    widths: readonly number[],
  ) {
    // streaming writer: each committed row goes to the zip stream piped into `out`; no shared strings, no styles
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    this.sheet = this.workbook.addWorksheet(sheetName);
    this.sheet.columns = columns.map((header, i) => ({ header, key: String(i), width: widths[i] ?? 16 }));
  }
  async writeRows(rows: readonly (readonly Cell[])[]): Promise<void> {
    for (const row of rows) this.sheet.addRow([...row]).commit();
    await drained(this.out);
  }
  async end(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}

export interface TableSpec {
  sheetName: string;
  columns: readonly string[];
  widths?: readonly number[];
}

export function createTableSink(format: ExportFormat, out: Writable, spec: TableSpec): TableSink {
  return format === 'csv' ? new CsvSink(out, spec.columns) : new XlsxSink(out, spec.sheetName, spec.columns, spec.widths ?? []);
}
