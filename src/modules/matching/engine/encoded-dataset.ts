import { doubleMetaphone } from 'double-metaphone';
import { Dict, Int32Vec } from './int-vec.js';
import { foldText } from './standardize/text.js';
import { fullNameTokens, standardizeName } from './standardize/names.js';
import { dateKey, dayNumber, parseDate } from './standardize/date.js';
import { packHigh, packLow } from './compare/packed-digits.js';
import { standardizeEmail, standardizeIdentifier, standardizePhone, standardizePostcode, phoneLast7 } from './standardize/contact.js';
import { canonicalName } from './nicknames.js';
import type { ComparisonSpec, MatchRecord } from './types.js';

/**
 * Standardized, interned values of one compared column for all records.
 * `val` is the main value id (-1 = null); `a1`/`a2` hold kind-specific extras
 * (phonetic codes, e-mail local part/domain, phone last 7 / last 9 digits, date day number/year, postcode district).
 */
export class Feature {
  readonly dict = new Dict();
  readonly aux = new Dict();
  readonly val: Int32Vec;
  readonly a1: Int32Vec;
  readonly a2: Int32Vec;
  /**
   * Names: phonetic code of the nickname group's formal name (Bill → William), for blocking. E-mail: the
   * digits of the local part (in `aux`), which must agree for the fuzzy level. Date: YYYYMMDD as a number
   * (set with every value). Phone: the digits before the last nine with the length (packHigh; the last nine
   * are a2). Both so the comparators read no strings.
   */
  readonly a3: Int32Vec;
  /** Whether `a3` holds a value per record (names, e-mails, dates, phones). */
  private readonly hasA3: boolean;
  /** Full-name token lists: offsets into `tokens` (sorted, unique ids in `aux`). */
  readonly tokOff: Int32Vec;
  readonly tokens: Int32Vec;
  constructor(readonly spec: ComparisonSpec, capacity: number) {
    this.val = new Int32Vec(capacity);
    this.a1 = new Int32Vec(capacity);
    this.a2 = new Int32Vec(capacity);
    this.hasA3 = spec.kind === 'name' || spec.kind === 'email' || spec.kind === 'date' || spec.kind === 'phone';
    this.a3 = new Int32Vec(this.hasA3 ? capacity : 1);
    this.tokOff = new Int32Vec(spec.kind === 'fullName' ? capacity + 1 : 1);
    this.tokens = new Int32Vec(spec.kind === 'fullName' ? capacity * 3 : 1);
    this.tokOff.push(0);
  }

  private phon = new Map<string, [number, number]>();
  private phonetic(s: string): [number, number] {
    let p = this.phon.get(s);
    if (p === undefined) {
      const [a, b] = doubleMetaphone(s);
      p = [a ? this.aux.intern(a, false) : -1, b ? this.aux.intern(b, false) : -1];
      this.phon.set(s, p);
    }
    return p;
  }

  /**
   * Tokens removed from a full name before comparison: the record's own given/family names,
   * so the full-name comparison only adds what they do not already say (titles, middle names).
   */
  exclude: Set<string> | null = null;

  /** Standardize and append one raw value. */
  add(raw: string | null | undefined): void {
    let v = -1;
    let x1 = -1;
    let x2 = -1;
    let x3 = -1;
    switch (this.spec.kind) {
      case 'name': {
        const s = standardizeName(raw);
        if (s !== null) {
          v = this.dict.intern(s);
          [x1, x2] = this.phonetic(s);
          x3 = this.phonetic(canonicalName(s))[0];
        }
        this.a3.push(x3);
        break;
      }
      case 'fullName': {
        const all = fullNameTokens(raw);
        const ex = this.exclude;
        const toks = ex ? all.filter((t) => !ex.has(t)) : all;
        if (toks.length > 0) {
          v = this.dict.intern(toks.join(' '));
          const ids = [...new Set(toks.map((t) => this.aux.intern(t)))].sort((p, q) => p - q);
          for (const id of ids) this.tokens.push(id);
        }
        if (all.length > 0) {
          x1 = this.phonetic(all[0]!)[0];
          x2 = this.phonetic(all[all.length - 1]!)[0];
        }
        this.tokOff.push(this.tokens.length);
        break;
      }
      case 'date': {
        const d = parseDate(raw);
        if (d !== null) {
          const key = dateKey(d);
          v = this.dict.intern(key);
          x1 = dayNumber(d.y, d.m, d.d);
          x2 = d.y;
          // Years run 1–2200 (parseDate), so the key always has eight digits.
          x3 = Number(key);
        } else if (raw != null) {
          // Impossible dates (day 81, month 13) are usually typos: keep the digits for the exact and
          // one-digit-off levels, without a day number.
          const m = /^\s*(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})\s*$/.exec(raw);
          if (m) {
            const key = m[1]! + m[2]! + m[3]!;
            v = this.dict.intern(key);
            x2 = +m[1]!;
            x3 = Number(key);
          }
        }
        this.a3.push(x3);
        break;
      }
      case 'email': {
        const e = standardizeEmail(raw);
        if (e !== null) {
          v = this.dict.intern(e.full);
          x1 = this.aux.intern(e.local);
          x2 = this.aux.intern(e.domain, false);
          x3 = this.aux.intern(e.local.replace(/\D+/g, ''), false);
        }
        this.a3.push(x3);
        break;
      }
      case 'phone': {
        const p = standardizePhone(raw);
        if (p !== null) {
          v = this.dict.intern(p);
          x1 = this.aux.intern(phoneLast7(p));
          x2 = packLow(p);
          x3 = packHigh(p);
        }
        this.a3.push(x3);
        break;
      }
      case 'identifier': {
        const s = standardizeIdentifier(raw);
        if (s !== null) v = this.dict.intern(s);
        break;
      }
      case 'postcode': {
        const s = standardizePostcode(raw);
        if (s !== null) {
          v = this.dict.intern(s);
          x1 = this.aux.intern(s.length >= 5 ? s.slice(0, s.length - 3) : s.slice(0, 2), false);
        }
        break;
      }
      case 'fuzzyText':
      case 'exact': {
        const s = foldText(raw);
        if (s !== null) v = this.dict.intern(s);
        break;
      }
    }
    this.val.push(v);
    this.a1.push(x1);
    this.a2.push(x2);
  }

  /** Drop interning maps (see EncodedDataset.freeze). */
  freeze(): void {
    this.dict.ids.clear();
    this.aux.ids.clear();
    this.phon.clear();
  }

  /** Undo the last add (record i is the last one). */
  pop(i: number): void {
    const v = this.val.data[i]!;
    if (v >= 0) {
      this.dict.counts.data[v]!--;
      this.dict.total--;
    }
    this.val.length--;
    this.a1.length--;
    this.a2.length--;
    if (this.hasA3) this.a3.length--;
    if (this.spec.kind === 'fullName') {
      this.tokOff.length--;
      this.tokens.length = this.tokOff.data[this.tokOff.length - 1]!;
    }
  }

  /** Standardized display value of record i (for explanations). */
  display(i: number): string | null {
    const v = this.val.data[i]!;
    return v < 0 ? null : this.dict.values[v]!;
  }
}

/**
 * The ids of a comparison its level function reads, in a record's row of `EncodedDataset.rows`: val first, then
 * names' phonetic codes (a1, a2), e-mails' local part and its digits (a1, a3), dates' day number and YYYYMMDD as
 * a number (a1, a3), phones' last seven digits and their digits packed (a1, a2, a3), postcodes' district (a1).
 */
function rowFields(kind: ComparisonSpec['kind']): ('a1' | 'a2' | 'a3')[] {
  switch (kind) {
    case 'name':
      return ['a1', 'a2'];
    case 'email':
      return ['a1', 'a3'];
    case 'date':
      return ['a1', 'a3'];
    case 'phone':
      return ['a1', 'a2', 'a3'];
    case 'postcode':
      return ['a1'];
    default:
      return [];
  }
}

/** All records of a run, standardized into typed per-column features. */
export class EncodedDataset {
  readonly ids: string[] = [];
  /** Source of each record: 0 = A (or the only dataset), 1 = B. */
  readonly source: Int32Vec;
  readonly features: Feature[];
  /**
   * What the comparators read, by record: comparison c of record i from `i * rowStride + rowOffset[c]` (val, then
   * the extras of its kind, see rowFields). One candidate then costs a cache line or two rather than one per
   * column: at a million records, waiting for memory was most of a probe's time.
   */
  readonly rows: Int32Vec;
  readonly rowStride: number;
  readonly rowOffset: Int32Array;
  private readonly rowPlan: Int32Vec[][];
  constructor(readonly specs: ComparisonSpec[], capacity = 1024) {
    this.features = specs.map((s) => new Feature(s, capacity));
    this.source = new Int32Vec(capacity);
    this.rowPlan = this.features.map((f) => [f.val, ...rowFields(f.spec.kind).map((k) => f[k])]);
    this.rowOffset = new Int32Array(specs.length);
    let at = 0;
    this.rowPlan.forEach((cols, c) => {
      this.rowOffset[c] = at;
      at += cols.length;
    });
    this.rowStride = at;
    this.rows = new Int32Vec(Math.max(1, capacity) * this.rowStride);
    const given = specs.find((s) => s.role === 'givenName');
    const family = specs.find((s) => s.role === 'familyName');
    this.nameColumns = given && family ? specs.filter((s) => s.kind === 'name').map((s) => s.column) : [];
  }
  /** Given/family/middle name columns whose tokens full names leave out (when both exist). */
  readonly nameColumns: string[];
  get size(): number {
    return this.ids.length;
  }
  /** Append a record; returns its index. */
  add(r: MatchRecord, source = 0): number {
    const i = this.ids.length;
    this.ids.push(r.id);
    this.source.push(source);
    for (const f of this.features) {
      if (f.spec.kind === 'fullName' && this.nameColumns.length > 0) {
        f.exclude = new Set(this.nameColumns.flatMap((c) => fullNameTokens(r.fields[c])));
      }
      f.add(r.fields[f.spec.column]);
    }
    this.pushRow(i);
    return i;
  }

  /** Appends record i's row from the columns (see `rows`). */
  pushRow(i: number): void {
    for (const cols of this.rowPlan) for (const col of cols) this.rows.push(col.data[i]!);
  }
  /**
   * Drop the value → id maps once a batch is encoded (values stay readable by id): saves memory on
   * large runs. The dataset can no longer take new records afterwards.
   */
  freeze(): void {
    for (const f of this.features) f.freeze();
  }

  /** Remove the last record (used for probe records in the real-time index). */
  pop(): void {
    const i = this.ids.length - 1;
    if (i < 0) return;
    this.ids.pop();
    this.source.length--;
    this.rows.length -= this.rowStride;
    for (const f of this.features) f.pop(i);
  }
  /** First feature with the given role (blocking keys refer to roles). */
  featureByRole(role: string): Feature | undefined {
    return this.features.find((f) => f.spec.role === role);
  }
}
