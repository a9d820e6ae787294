import { readFileSync } from 'node:fs';

/** A CSV table stored by column (compact for a million rows). */
export interface CsvTable {
  header: string[];
  columns: string[][];
  rows: number;
}

/**
 * Parse CSV text (RFC 4180 quotes, CRLF or LF) into columns, trimming whitespace around unquoted
 * fields (FEBRL uses ", "). Hand-written: several times faster than a streaming parser on 1M rows.
 */
export function parseCsv(text: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const len = text.length;
  let pos = 0;
  let header: string[] | null = null;
  let columns: string[][] = [];
  let row: string[] = [];
  while (pos < len) {
    // One field.
    let field: string;
    while (pos < len && (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9)) pos++;
    if (text.charCodeAt(pos) === 34) {
      pos++;
      let out = '';
      let start = pos;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) {
          out += text.slice(start);
          pos = len;
          break;
        }
        if (text.charCodeAt(q + 1) === 34) {
          out += text.slice(start, q + 1);
          pos = q + 2;
          start = pos;
          continue;
        }
        out += text.slice(start, q);
        pos = q + 1;
        break;
      }
      field = out.trim();
      while (pos < len && text.charCodeAt(pos) !== 44 && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++;
    } else {
      let end = pos;
      while (end < len) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      field = text.slice(pos, end).trim();
      pos = end;
    }
    row.push(field);
    const c = pos < len ? text.charCodeAt(pos) : 10;
    pos++;
    if (c === 44) continue;
    if (c === 13 && text.charCodeAt(pos) === 10) pos++;
    // End of record: skip blank lines.
    if (!(row.length === 1 && row[0] === '')) {
      if (header === null) {
        header = row;
        columns = header.map(() => []);
      } else {
        for (let k = 0; k < columns.length; k++) columns[k]!.push(row[k] ?? '');
      }
    }
    row = [];
  }
  const h = header ?? [];
  return { header: h, columns: h.length ? columns : [], rows: columns[0]?.length ?? 0 };
}

/** Read and parse a CSV file. */
export function readCsvFile(path: string): CsvTable {
  return parseCsv(readFileSync(path, 'utf8'));
}

/** Quote a CSV field when needed. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
