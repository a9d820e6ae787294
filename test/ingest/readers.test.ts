import { describe, expect, it } from 'vitest';
import { CsvParser, sniffDelimiter } from '../../src/modules/ingest/csv.reader.js';
import { buildMapping, describeMapping, normaliseHeader } from '../../src/modules/ingest/column-mapping.js';
import { spreadsheetSafe } from '../../src/modules/ingest/csv-safe.js';
import { uniqueHeaders } from '../../src/modules/ingest/reader.types.js';
import { schemaDefinitionSchema } from '../../src/modules/schemas/index.js';
import { CUSTOMER_DEFINITION } from './support/ingest-system.js';

function parseAll(text: string, chunk = 3): ReturnType<CsvParser['push']> {
  const p = new CsvParser(',');
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk), false));
  out.push(...p.push('', true));
  return out;
}

describe('CSV parser', () => {
  it('handles quotes, escaped quotes, line breaks in fields and mixed line endings, in any chunking', () => {
    const text = 'a,b\r\n"x,1","say ""hi"""\n"multi\nline",2\r3,4\n\n5,\n';
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const recs = parseAll(text, chunk);
      expect(recs.map((r) => [r.line, r.cells])).toEqual([
        [1, ['a', 'b']],
        [2, ['x,1', 'say "hi"']],
        [3, ['multi\nline', '2']],
        [5, ['3', '4']],
        [7, ['5', '']],
      ]);
    }
  });

  it('recovers after a stray character behind a closing quote and after an unclosed quote', () => {
    const recs = parseAll('a,b\n1,"2"x\n3,4\n"5,6\n7,8\n', 4);
    expect(recs.map((r) => [r.line, r.cells, r.rule ?? null, r.cells ? null : r.raw])).toEqual([
      [1, ['a', 'b'], null, null],
      [2, null, 'malformed_quotes', '1,"2"x'],
      [3, ['3', '4'], null, null],
      [4, null, 'unclosed_quote', '"5,6'],
      [5, ['7', '8'], null, null],
    ]);
  });

  it('keeps a quote inside an unquoted field literally and a last line without newline', () => {
    expect(parseAll('a\n5\'10"\nend').map((r) => r.cells)).toEqual([['a'], ['5\'10"'], ['end']]);
  });

  it('sniffs the delimiter from the header and sample lines', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3\n4;5;6\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(sniffDelimiter('"x;y",b,c\n"1;2",3,4\n')).toBe(',');
    expect(sniffDelimiter('name|city\nA|B\n')).toBe('|');
    expect(sniffDelimiter('single\n1\n')).toBe(',');
  });
});

describe('column mapping', () => {
  const def = schemaDefinitionSchema.parse(CUSTOMER_DEFINITION);

  it('maps by name and synonym, fills the address attribute, keeps unknown columns as extras', () => {
    const headers = ['Customer ID', 'Given Name', 'Surname', 'DOB', 'E-Mail', 'Zip', 'Street', 'Town', 'Notes'];
    const m = buildMapping(headers, def);
    expect(m.keyColumn).toBe('Customer ID');
    expect(describeMapping(m)).toEqual({
      'Customer ID': '(key)',
      'Given Name': 'first_name',
      Surname: 'last_name',
      DOB: 'birth_date',
      'E-Mail': 'email',
      Zip: 'address.postcode',
      Street: 'address.line1',
      Town: 'address.city',
      Notes: 'extra:Notes',
    });
  });

  it('applies --map overrides and refuses unknown columns or attributes with the field named', () => {
    const m = buildMapping(['ref', 'vorname', 'x'], def, { map: { x: 'last_name' }, key: 'ref' });
    expect(describeMapping(m)).toEqual({ ref: '(key)', vorname: 'first_name', x: 'last_name' });
    expect(() => buildMapping(['a'], def, { map: { b: 'last_name' } })).toThrow(/not in the file/);
    expect(() => buildMapping(['a'], def, { map: { a: 'nope' } })).toThrow(/not an attribute/);
    expect(() => buildMapping(['a'], def, { key: 'zz' })).toThrow(/key column "zz"/);
  });

  it('normalises headers and renames duplicates', () => {
    expect(normaliseHeader('  Prénom / First-Name ')).toBe('prenom_first_name');
    expect(uniqueHeaders(['email', 'email', '', 'email_2'])).toEqual({
      headers: ['email', 'email_2_', 'column_3', 'email_2'],
      warnings: ['duplicate column "email" at position 2; kept as "email_2_"', 'column 3 has no name; kept as "column_3"'],
    });
  });
});

describe('spreadsheet safety', () => {
  it('prefixes cells that a spreadsheet would run as formulas', () => {
    expect(['=1+1', '+SUM(A1)', '-2', '@cmd', '\tx', '\rx', 'ok', 'a=b', 5, null].map(spreadsheetSafe)).toEqual([
      "'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "'\rx", 'ok', 'a=b', '5', '',
    ]);
  });
});
