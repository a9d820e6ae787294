import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openXlsx } from '../../src/modules/ingest/xlsx.reader.js';
import type { ReadRow } from '../../src/modules/ingest/reader.types.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

async function cells(rows: AsyncIterable<ReadRow>): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const r of rows) if (r.kind === 'cells') out.push(r.cells);
  return out;
}

describe('XLSX reader', () => {
  it('opens the first sheet in tab order, not the first worksheet part in the zip', async () => {
    const path = await workbook('order.xlsx', (wb) => {
      const a = wb.addWorksheet('Written first');
      a.addRow(['id']);
      a.addRow(['from-a']);
      const b = wb.addWorksheet('Tab first');
      b.addRow(['id']);
      b.addRow(['from-b']);
      // exceljs keeps the tab order in orderNo, which its typings leave out.
      (b as unknown as { orderNo: number }).orderNo = 0;
      (a as unknown as { orderNo: number }).orderNo = 1;
    });
    const r = await openXlsx({ path });
    expect(r.details.sheet).toBe('Tab first');
    expect(await cells(r.rows)).toEqual([['from-b']]);
    const named = await openXlsx({ path, sheet: 'Written first' });
    expect(await cells(named.rows)).toEqual([['from-a']]);
  });

  it('names the sheets when the wanted one is missing, and rejects files that are not workbooks', async () => {
    const path = await workbook('two.xlsx', (wb) => {
      wb.addWorksheet('One').addRow(['x']);
      wb.addWorksheet('Two').addRow(['y']);
    });
    await expect(openXlsx({ path, sheet: 'Three' })).rejects.toMatchObject({ rule: 'unknown_sheet', message: 'no sheet "Three" (sheets: One, Two)' });
    const junk = join(dir, 'junk.xlsx');
    writeFileSync(junk, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]));
    await expect(openXlsx({ path: junk })).rejects.toMatchObject({ rule: 'invalid_xlsx' });
    const empty = await workbook('blank.xlsx', (wb) => void wb.addWorksheet('Blank'));
    await expect(openXlsx({ path: empty })).rejects.toMatchObject({ rule: 'empty_file', message: 'sheet "Blank" is empty: no header row' });
  });

  it('reports progress through the sheet, reaching the file size at the end', async () => {
    const path = await workbook('big.xlsx', (wb) => {
      const ws = wb.addWorksheet('People');
      ws.addRow(['id', 'name', 'note']);
      for (let i = 0; i < 20_000; i++) ws.addRow([`K${i}`, `Name ${i}`, `some words to make the sheet larger, row ${i}`]);
    });
    const r = await openXlsx({ path });
    const { size } = statSync(path);
    let n = 0;
    let midway = -1;
    for await (const _ of r.rows) {
      n += 1;
      if (n === 10_000) midway = r.bytesRead();
    }
    expect(n).toBe(20_000);
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(size);
    expect(r.bytesRead()).toBe(size);
  });

  it('reads the same workbook many times at once, every time whole', async () => {
    const path = await workbook('people.xlsx', (wb) => {
      wb.addWorksheet('Other').addRow(['nothing']);
      const ws = wb.addWorksheet('People');
      ws.addRow(['id', 'dob']);
      for (let i = 0; i < 50; i++) ws.addRow([`X${i}`, new Date(Date.UTC(1980, 4, 17))]);
    });
    const reads = await Promise.all(Array.from({ length: 40 }, async () => cells((await openXlsx({ path, sheet: 'People' })).rows)));
    for (const rows of reads) {
      expect(rows.length).toBe(50);
      expect(rows[49]).toEqual(['X49', '1980-05-17']);
    }
  });
});
