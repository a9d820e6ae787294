import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import type { FileReader, ReadRow } from './reader.types.js';
import { FileFormatError, uniqueHeaders } from './reader.types.js';

export type XlsxReadOptions = { path: string; sheet?: string };

type Row = { number: number; values: unknown[] };
type SheetEntry = { name: string; rId: string };

// The parts of exceljs' streaming WorkbookReader we drive by hand (exceljs is pinned to 4.4.0 for this).
// Its own parse() walks the zip with unzipper's Parse, which emits 'end' as soon as the file is written into it:
// under load that came before the last entries were read, and exceljs writes xl/workbook.xml last, so the
// workbook was missed ("Cannot read properties of undefined (reading 'sheets')", about 1 read in 300 on a
// loaded 2-core machine). Reading entries through the zip's central directory has no such race, and lets us
// open the wanted sheet directly instead of skimming the ones before it.
type BookReader = {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: SheetEntry[] };
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<{ value: AsyncIterable<Row> }>;
};

/**
 * Streams one worksheet of an .xlsx file (the first in tab order, or the named one).
 * Date cells become ISO dates (YYYY-MM-DD, or a UTC datetime when they carry a time); numbers stay numbers;
 * formulas give their cached result, rich text its plain text.
 */
export async function openXlsx(opts: XlsxReadOptions): Promise<FileReader> {
  const size = (await stat(opts.path)).size;
  let sheetName: string;
  let sheetBytes: number;
  let rowsIt: AsyncIterator<Row>;
  let read = 0;
  try {
    const zip = await unzipper.Open.file(opts.path);
    const entries = new Map(zip.files.map((f) => [f.path.replace(/^\//, ''), f]));
    const book = new ExcelJS.stream.xlsx.WorkbookReader(opts.path, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookReader>[1]) as unknown as BookReader;
    const part = (path: string, required: boolean): Readable | undefined => {
      const e = entries.get(path);
      if (!e) {
        if (required) throw new FileFormatError('invalid_xlsx', `not a readable .xlsx file: it has no ${path}`);
        return undefined;
      }
      // Each part is read on its own from its place in the file (no shared stream to stall or end early).
      return e.stream();
    };
    await book._parseRels(part('xl/_rels/workbook.xml.rels', true)!);
    await book._parseWorkbook(part('xl/workbook.xml', true)!);
    const strings = part('xl/sharedStrings.xml', false);
    if (strings) for await (const _ of book._parseSharedStrings(strings)) void _;
    else book.sharedStrings = [];
    const styles = part('xl/styles.xml', false);
    if (styles) await book._parseStyles(styles);

    const sheets = book.model?.sheets ?? [];
    const chosen = opts.sheet === undefined ? sheets[0] : sheets.find((s) => s.name === opts.sheet);
    if (!chosen) {
      if (opts.sheet !== undefined) throw new FileFormatError('unknown_sheet', `no sheet "${opts.sheet}" (sheets: ${sheets.map((s) => s.name).join(', ') || 'none'})`);
      throw new FileFormatError('empty_file', 'the workbook has no sheets');
    }
    sheetName = chosen.name;
    const target = book.workbookRels?.find((r) => r.Id === chosen.rId)?.Target;
    const path = target === undefined ? undefined : target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    const found = path === undefined ? undefined : entries.get(path);
    if (!found) throw new FileFormatError('invalid_xlsx', `not a readable .xlsx file: sheet "${sheetName}" has no worksheet part`);
    sheetBytes = found.uncompressedSize;
    const stream = found.stream();
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        yield chunk;
      }
    }
    const [emitted] = [...book._parseWorksheet(counted(), '0')];
    rowsIt = emitted!.value[Symbol.asyncIterator]();
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError('invalid_xlsx', `not a readable .xlsx file: ${(err as Error).message}`);
  }

  let headerRow: Row | undefined;
  try {
    for (;;) {
      const next = await rowsIt.next();
      if (next.done) break;
      const cells = cellsOf(next.value.values);
      if (cells.some((c) => c !== null && c !== '')) {
        headerRow = { number: next.value.number, values: cells };
        break;
      }
    }
  } catch (err) {
    throw new FileFormatError('invalid_xlsx', `not a readable .xlsx file: ${(err as Error).message}`);
  }
  if (!headerRow) throw new FileFormatError('empty_file', `sheet "${sheetName}" is empty: no header row`);
  const { headers, warnings } = uniqueHeaders(headerRow.values.map((v) => (v === null ? '' : String(v))));
  // Trailing unnamed columns are formatting leftovers, not data.
  while (headers.length > 0 && /^column_\d+$/.test(headers[headers.length - 1]!) && headerRow.values[headers.length - 1] === null) headers.pop();
  const kept = warnings.filter((w) => !/^column \d+ has no name/.test(w) || Number(/^column (\d+)/.exec(w)?.[1]) <= headers.length);

  let done = false;
  async function* rows(): AsyncGenerator<ReadRow> {
    let row = 0;
    for (;;) {
      const next = await rowsIt.next();
      if (next.done) break;
      const cells = cellsOf(next.value.values);
      if (!cells.some((c) => c !== null && c !== '')) continue;
      row += 1;
      yield { kind: 'cells', row, line: next.value.number, cells, raw: cells.length > headers.length ? JSON.stringify(cells) : undefined };
    }
    done = true;
  }

  return {
    details: { format: 'xlsx', sheet: sheetName },
    headers,
    warnings: kept,
    rows: rows(),
    // Progress is the share of the sheet's XML read, scaled to the file's size.
    bytesRead: () => (done ? size : sheetBytes > 0 ? Math.min(size, Math.floor((read / sheetBytes) * size)) : 0),
    close: async () => undefined,
  };
}

// exceljs row.values is 1-based with a hole at 0; turn it into plain cell values.
function cellsOf(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 1; i < values.length; i++) out.push(cellValue(values[i]));
  while (out.length > 0 && out[out.length - 1] === null) out.pop();
  return out;
}

function cellValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return isoOf(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    if ('result' in o) return cellValue(o.result);
    if ('formula' in o || 'sharedFormula' in o) return null;
    if (typeof o.text === 'string') return o.text;
    if ('error' in o) return String(o.error);
    return JSON.stringify(o);
  }
  return v;
}

function isoOf(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
