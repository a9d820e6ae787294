// A quick look at the first rows of a CSV/TSV/JSONL file in the browser, before anything is uploaded.

export type Preview = { headers: string[]; rows: string[][]; truncated: boolean };

/** Splits CSV text into rows (RFC 4180 quotes, CRLF/LF); stops after `maxRows` data rows. */
export function parseDelimited(text: string, delimiter: string, maxRows: number): { rows: string[][]; complete: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (c === '\r' && s[i + 1] === '\n') i++;
      if (rows.length > maxRows) return { rows, complete: false };
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows, complete: true };
}

/** Guesses the delimiter from the header line: the most frequent of , ; tab | outside quotes. */
export function sniffDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = firstLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Preview of the first rows; `null` for formats the browser does not read (xlsx): the dry run shows those. */
export function previewText(fileName: string, text: string, maxRows = 5): Preview | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xlsx')) return null;
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    const objs: Record<string, unknown>[] = [];
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      try {
        objs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        break; // the last line of a partial read may be cut
      }
      if (objs.length > maxRows) break;
    }
    const headers = [...new Set(objs.flatMap((o) => Object.keys(o)))];
    const shown = objs.slice(0, maxRows);
    return { headers, rows: shown.map((o) => headers.map((h) => (o[h] === undefined || o[h] === null ? '' : typeof o[h] === 'object' ? JSON.stringify(o[h]) : String(o[h])))), truncated: objs.length > maxRows };
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = lower.endsWith('.tsv') ? '\t' : sniffDelimiter(firstLine);
  const { rows, complete } = parseDelimited(text, delimiter, maxRows);
  const [headers = [], ...data] = rows;
  return { headers, rows: data.slice(0, maxRows), truncated: !complete || data.length > maxRows };
}

/** Mapping overrides to send: only the columns whose target the user changed from the suggestion. */
export function mappingOverrides(suggested: Record<string, string>, chosen: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [col, chosenTarget] of Object.entries(chosen)) {
    const target = chosenTarget.replace(/ \(key\)$/, '');
    const was = (suggested[col] ?? '').replace(/ \(key\)$/, '');
    if (target && target !== was && !target.startsWith('extra:') && target !== '(key)') out[col] = target;
  }
  return out;
}

/** `email` → E-mail-ish label for a mapping target such as `extra:notes`, `address.city` or `(key)`. */
export function targetLabel(target: string): string {
  if (target === '(key)') return 'Source key';
  if (target.startsWith('extra:')) return `Kept as extra “${target.slice(6)}”`;
  return target.replace(/ \(key\)$/, ' (also the key)');
}
