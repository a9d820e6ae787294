import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import type { FileReader, ReadRow } from './reader.types.js';
import { FileFormatError, uniqueHeaders } from './reader.types.js';

/** One record as parsed: its cells, or why it could not be parsed, with the physical line it starts on. */
export type CsvRecord = { line: number; cells: string[] | null; raw?: string; rule?: string; message?: string };

const QUOTE = 34;
const LF = 10;
const CR = 13;
// A quoted field longer than this is treated as an unclosed quote (guards memory on broken files).
const DEFAULT_MAX_RECORD_CHARS = 64 * 1024 * 1024;

/**
 * Streaming RFC 4180 parser with per-record error recovery. Accepts \r\n, \n and \r line ends (mixed),
 * `""` escapes, line breaks in quoted fields, and quotes inside unquoted fields (kept literally).
 * A bad record never takes good ones with it: after a stray character behind a closing quote the rest of
 * that physical line is the bad record; an unclosed quote makes its first line the bad record and
 * parsing resumes on the next line. Fully empty lines are skipped.
 */
export class CsvParser {
  private buf = '';
  private line = 1;
  private waitFor = 0;
  /** Number of columns of the header; records with another count carry their raw text. */
  expected = -1;

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') throw new Error(`unusable delimiter ${JSON.stringify(delimiter)}`);
  }

  /** Feeds text; returns every record completed so far. `final` flushes the last record. */
  push(text: string, final: boolean): CsvRecord[] {
    this.buf += text;
    // A long record spanning chunks is re-scanned only once the buffer has doubled (amortised linear).
    if (!final && this.buf.length < this.waitFor) return [];
    const out: CsvRecord[] = [];
    const consumed = this.parse(out, final, !final && this.buf.length > this.maxRecordChars);
    this.buf = this.buf.slice(consumed);
    this.waitFor = final ? 0 : this.buf.length * 2;
    return out;
  }

  private parse(out: CsvRecord[], final: boolean, forceClose: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    const d = this.delimiter.charCodeAt(0);
    let i = 0;
    records: while (i < n) {
      const recStart = i;
      const recLine = this.line;
      let c = buf.charCodeAt(i);
      if (c === LF || c === CR) {
        if (c === CR && i + 1 === n && !final) return recStart;
        i += c === CR && buf.charCodeAt(i + 1) === LF ? 2 : 1;
        this.line += 1;
        continue;
      }
      const cells: string[] = [];
      let breaks = 0;
      for (;;) {
        if (i < n && buf.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          let value = '';
          for (;;) {
            const k = buf.indexOf('"', j);
            if (k === -1 || (k + 1 === n && !final)) {
              if (!final && !forceClose) {
                this.line = recLine;
                return recStart;
              }
              if (k === -1 || forceClose) {
                // Unclosed quote: report the record's first line and parse again from the next one.
                const eol = lineEnd(buf, recStart);
                out.push({ line: recLine, cells: null, raw: buf.slice(recStart, eol), rule: 'unclosed_quote', message: 'a quoted field is never closed' });
                i = skipBreak(buf, eol);
                this.line = recLine + 1;
                continue records;
              }
            }
            if (buf.charCodeAt(k + 1) === QUOTE) {
              value += buf.slice(j, k + 1);
              j = k + 2;
              continue;
            }
            value += buf.slice(j, k);
            breaks += countBreaks(buf, i, k);
            i = k + 1;
            break;
          }
          cells.push(value);
          if (i < n) {
            c = buf.charCodeAt(i);
            if (c !== d && c !== LF && c !== CR) {
              const eol = lineEnd(buf, i);
              if (eol === n && !final) {
                this.line = recLine;
                return recStart;
              }
              out.push({ line: recLine, cells: null, raw: buf.slice(recStart, eol), rule: 'malformed_quotes', message: `unexpected ${JSON.stringify(buf[i])} after a closing quote` });
              i = skipBreak(buf, eol);
              this.line = recLine + breaks + 1;
              continue records;
            }
          }
        } else {
          let k = i;
          while (k < n) {
            c = buf.charCodeAt(k);
            if (c === d || c === LF || c === CR) break;
            k++;
          }
          cells.push(buf.slice(i, k));
          i = k;
        }
        if (i >= n) {
          if (!final) {
            this.line = recLine;
            return recStart;
          }
          this.finish(out, recLine, cells, buf, recStart, i);
          this.line = recLine + breaks;
          return i;
        }
        c = buf.charCodeAt(i);
        if (c === d) {
          i += 1;
          // A delimiter at the very end of the input still opens an (empty) last field.
          if (i === n && final) {
            cells.push('');
            this.finish(out, recLine, cells, buf, recStart, i);
            this.line = recLine + breaks;
            return i;
          }
          continue;
        }
        // Line break ends the record; a CR at the buffer end may be half of CRLF.
        if (c === CR && i + 1 === n && !final) {
          this.line = recLine;
          return recStart;
        }
        this.finish(out, recLine, cells, buf, recStart, i);
        i += c === CR && buf.charCodeAt(i + 1) === LF ? 2 : 1;
        this.line = recLine + breaks + 1;
        continue records;
      }
    }
    return i;
  }

  private finish(out: CsvRecord[], line: number, cells: string[], buf: string, start: number, end: number): void {
    // Raw text is kept only where it may be reported (before the header is known, or a wrong column count).
    out.push(this.expected < 0 || cells.length !== this.expected ? { line, cells, raw: buf.slice(start, end) } : { line, cells });
  }
}

function lineEnd(buf: string, from: number): number {
  const lf = buf.indexOf('\n', from);
  const cr = buf.indexOf('\r', from);
  if (lf === -1) return cr === -1 ? buf.length : cr;
  return cr === -1 ? lf : Math.min(lf, cr);
}

function skipBreak(buf: string, eol: number): number {
  if (eol >= buf.length) return eol;
  return buf.charCodeAt(eol) === CR && buf.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
}

function countBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let p = buf.indexOf('\n', from); p !== -1 && p < to; p = buf.indexOf('\n', p + 1)) n++;
  for (let p = buf.indexOf('\r', from); p !== -1 && p < to; p = buf.indexOf('\r', p + 1)) if (buf.charCodeAt(p + 1) !== LF) n++;
  return n;
}

const CANDIDATES = [',', ';', '\t', '|'];

/** Picks the delimiter whose count in the header line is repeated by the most sample lines. */
export function sniffDelimiter(sample: string): string {
  const lines = sample
    .replace(/"(?:[^"]|"")*"/g, 'x')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.length > 0)
    .slice(0, 50);
  // The last sample line may be cut in the middle.
  if (lines.length > 2) lines.pop();
  let best = ',';
  let bestScore = 0;
  for (const cand of CANDIDATES) {
    const counts = lines.map((l) => l.split(cand).length - 1);
    const h = counts[0] ?? 0;
    if (h === 0) continue;
    const consistent = counts.filter((c) => c === h).length / counts.length;
    const score = consistent * 1000 + h;
    if (score > bestScore) {
      best = cand;
      bestScore = score;
    }
  }
  return best;
}

/** Text decoder for a declared or detected encoding; throws a FileFormatError for an unknown label. */
export function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  } catch {
    throw new FileFormatError('unknown_encoding', `unknown encoding "${encoding}" (use utf-8, windows-1252, latin1, utf-16le…)`);
  }
}

export type CsvReadOptions = { path: string; encoding: string; delimiter: string; skipRows?: number; highWaterMark?: number };

/** Opens a delimited text file: the header is read first, rows then stream with bounded memory. */
export async function openCsv(opts: CsvReadOptions): Promise<FileReader> {
  const stream = createReadStream(opts.path, { highWaterMark: opts.highWaterMark ?? 256 * 1024 });
  const decoder = decoderFor(opts.encoding);
  const parser = new CsvParser(opts.delimiter);
  let bytes = 0;
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: CsvRecord[] = [];
  let done = false;

  async function more(): Promise<boolean> {
    if (done) return false;
    const next = await chunks.next();
    if (next.done) {
      done = true;
      pending = pending.concat(parser.push(decoder.decode(), true));
      return true;
    }
    bytes += next.value.length;
    pending = pending.concat(parser.push(decoder.decode(next.value, { stream: true }), false));
    return true;
  }

  while (pending.length === 0 && (await more()));
  const first = pending.shift();
  if (!first) throw new FileFormatError('empty_file', 'the file is empty: no header row');
  if (!first.cells) throw new FileFormatError('malformed_header', `the header row cannot be read: ${first.message}`);
  const { headers, warnings } = uniqueHeaders(first.cells);
  parser.expected = headers.length;

  async function* rows(): AsyncGenerator<ReadRow> {
    let row = 0;
    for (;;) {
      while (pending.length === 0) if (!(await more())) return;
      const batch = pending;
      pending = [];
      for (const r of batch) {
        row += 1;
        if (r.cells === null) yield { kind: 'bad', row, line: r.line, raw: r.raw ?? '', rule: r.rule ?? 'malformed', message: r.message ?? 'cannot be parsed' };
        else yield { kind: 'cells', row, line: r.line, cells: r.cells, raw: r.raw };
      }
    }
  }

  return {
    details: { format: 'csv', encoding: opts.encoding, delimiter: opts.delimiter },
    headers,
    warnings,
    rows: rows(),
    bytesRead: () => bytes,
    close: async () => {
      stream.destroy();
    },
  };
}
