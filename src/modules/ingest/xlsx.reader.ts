import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { FileReader, ReadRow } from './reader.types.js';
import { FileFormatError, uniqueHeaders } from './reader.types.js';

export type XlsxReadOptions = { path: string; sheet?: string };

type SheetReader = AsyncIterable<{ number: number; values: unknown[] }> & { name?: string };

/**
 * Streams one worksheet of an .xlsx file (the first, or the named one) with exceljs' WorkbookReader.
 * Date cells become ISO dates (YYYY-MM-DD, or a UTC datetime when they carry a time); numbers stay numbers;
 * formulas give their cached result, rich text its plain text.
 */
export async function openXlsx(opts: XlsxReadOptions): Promise<FileReader> {
  const size = (await stat(opts.path)).size;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(opts.path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookReader>[1]);
  const sheets = (reader as unknown as AsyncIterable<SheetReader>)[Symbol.asyncIterator]();
  let sheet: SheetReader | undefined;
  const seen: string[] = [];
  try {
    for (;;) {
      const next = await sheets.next();
      if (next.done) break;
      const name = next.value.name ?? '';
      seen.push(name);
      if (opts.sheet === undefined || opts.sheet === name) {
        sheet = next.value;
        break;
      }
      // Skip the rows of sheets we do not want (the reader must consume them to move on).
      for await (const _row of next.value) void _row;
    }
  } catch (err) {
    throw new FileFormatError('invalid_xlsx', `not a readable .xlsx file: ${(err as Error).message}`);
  }
  if (!sheet) {
    if (opts.sheet !== undefined) throw new FileFormatError('unknown_sheet', `no sheet "${opts.sheet}" (sheets: ${seen.join(', ') || 'none'})`);
    throw new FileFormatError('empty_file', 'the workbook has no sheets');
  }
  const sheetName = sheet.name ?? '';
  const rowsIt = sheet[Symbol.asyncIterator]();
  let headerRow: { number: number; values: unknown[] } | undefined;
  for (;;) {
    const next = await rowsIt.next();
    if (next.done) break;
    const cells = cellsOf(next.value.values);
    if (cells.some((c) => c !== null && c !== '')) {
      headerRow = { number: next.value.number, values: cells };
      break;
    }
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
    // The reader does not expose its position; progress is all-or-nothing.
    bytesRead: () => (done ? size : 0),
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
