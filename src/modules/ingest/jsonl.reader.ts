import { createReadStream } from 'node:fs';
import { decoderFor } from './csv.reader.js';
import type { FileReader, ReadRow } from './reader.types.js';

export type JsonlReadOptions = { path: string; encoding: string; highWaterMark?: number };

const MAX_LINE_CHARS = 64 * 1024 * 1024;

/** Opens a JSON Lines file: one JSON object per line; blank lines are skipped, anything else is a bad row. */
export async function openJsonl(opts: JsonlReadOptions): Promise<FileReader> {
  const stream = createReadStream(opts.path, { highWaterMark: opts.highWaterMark ?? 256 * 1024 });
  const decoder = decoderFor(opts.encoding);
  let bytes = 0;

  async function* rows(): AsyncGenerator<ReadRow> {
    let rest = '';
    let line = 0;
    let row = 0;
    const emit = function* (text: string): Generator<ReadRow> {
      line += 1;
      const t = text.endsWith('\r') ? text.slice(0, -1) : text;
      if (t.trim() === '') return;
      row += 1;
      yield parseLine(t, row, line);
    };
    // After an oversized line, text is dropped until its end.
    let discarding = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let text = rest + decoder.decode(chunk, { stream: true });
      if (discarding) {
        const nl = text.indexOf('\n');
        if (nl === -1) {
          rest = '';
          continue;
        }
        discarding = false;
        text = text.slice(nl + 1);
      }
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        yield* emit(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      if (rest.length > MAX_LINE_CHARS) {
        // A line this long is not a sane record: report its start, skip the rest of it.
        row += 1;
        line += 1;
        yield { kind: 'bad', row, line, raw: rest.slice(0, 1000), rule: 'too_large', message: `line is longer than ${MAX_LINE_CHARS} characters` };
        rest = '';
        discarding = true;
      }
    }
    rest += decoder.decode();
    if (rest.length > 0) yield* emit(rest);
  }

  return {
    details: { format: 'jsonl', encoding: opts.encoding },
    headers: null,
    warnings: [],
    rows: rows(),
    bytesRead: () => bytes,
    close: async () => {
      stream.destroy();
    },
  };
}

function parseLine(text: string, row: number, line: number): ReadRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'bad', row, line, raw: text, rule: 'invalid_json', message: `not valid JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'bad', row, line, raw: text, rule: 'not_an_object', message: 'each line must be a JSON object' };
  }
  return { kind: 'object', row, line, object: value as Record<string, unknown> };
}
