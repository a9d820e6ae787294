/** A data row as read from a file: cells by position (CSV, XLSX) or an object (JSON Lines). */
export type ReadRow =
  | { kind: 'cells'; row: number; line: number; cells: unknown[]; raw?: string }
  | { kind: 'object'; row: number; line: number; object: Record<string, unknown>; raw?: string }
  // A row that could not be read at all: kept with its text so it can be reported and corrected.
  | { kind: 'bad'; row: number; line: number; raw: string; rule: string; message: string };

/** What a reader found out about the file, stored with the job. */
export type ReadDetails = {
  format: 'csv' | 'jsonl' | 'xlsx';
  encoding?: string;
  encodingDetected?: boolean;
  bom?: boolean;
  delimiter?: string;
  delimiterDetected?: boolean;
  sheet?: string;
};

/** An opened input file: its header (tabular formats), its rows, and how far into the file it is. */
export type FileReader = {
  details: ReadDetails;
  /** Column names of tabular formats after renaming duplicates; null for JSON Lines. */
  headers: string[] | null;
  warnings: string[];
  rows: AsyncIterable<ReadRow>;
  /** Bytes of the file consumed so far (for progress and ETA). */
  bytesRead(): number;
  close(): Promise<void>;
};

/** A problem with the whole file (empty, undecodable, no such sheet): the job fails with this code. */
export class FileFormatError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileFormatError';
  }
}

/** Makes column names unique: a repeated name becomes `name_2`, `name_3`; blank names become `column_N`. */
export function uniqueHeaders(raw: unknown[]): { headers: string[]; warnings: string[] } {
  const seen = new Map<string, number>();
  const warnings: string[] = [];
  const taken = new Set(raw.map((h) => String(h ?? '').trim()));
  const headers = raw.map((h, i) => {
    let name = String(h ?? '').trim();
    if (name === '') {
      name = `column_${i + 1}`;
      warnings.push(`column ${i + 1} has no name; kept as "${name}"`);
    }
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === 1) return name;
    let renamed = `${name}_${n}`;
    while (taken.has(renamed)) renamed = `${renamed}_`;
    taken.add(renamed);
    warnings.push(`duplicate column "${name}" at position ${i + 1}; kept as "${renamed}"`);
    return renamed;
  });
  return { headers, warnings };
}
