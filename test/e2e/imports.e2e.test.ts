// Import wizard, import quarantine and the quality dashboard in a real browser against a real server:
// upload a file with a bad row, dry run, map, import with progress, fix the row, watch the record KPI move.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, ADMIN, browserAvailable, ensureConsoleBuilt, launchBrowser, newContext, screenshot, signIn, startServer, watchErrors, type Server } from './support/harness.js';
import { seed, type Seeded } from './support/seed.js';

const enabled = browserAvailable();

// Column names differ from the attribute names on purpose: the wizard suggests the mapping.
const CSV = [
  'Customer ID,Name,E-mail,Telephone,Town,loyalty_tier,Notes',
  'SHOP-1,Priya Shah,priya.shah@example.com,+44 20 7946 0101,London,gold,VIP',
  'SHOP-2,Tom Baker,tom.baker@@example,+44 20 7946 0102,Leeds,silver,',
  'SHOP-3,Chloe Adams,chloe.adams@example.com,+44 20 7946 0103,York,bronze,prefers e-mail',
].join('\n');

describe.skipIf(!enabled)('imports, import quarantine and data quality (Chromium, real server)', () => {
  let server: Server;
  let browser: Browser;
  let data: Seeded;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const api = new Api(server.url);
    await api.login();
    data = await seed(api);
    page = await (await newContext(browser, server.url)).newPage();
    errors = watchErrors(page);
    await signIn(page, ADMIN.email, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const recordsKpi = async (): Promise<number> => {
    await page.goto(`/quality?source=${data.crmId}`);
    const v = page.getByTestId('kpi-records-value');
    await v.waitFor();
    return Number(((await v.textContent()) ?? '').replace(/\D/g, ''));
  };

  it('imports a file: preview, suggested mapping, dry-run report, live progress, result; fixes the bad row; the KPI moves', async () => {
    const before = await recordsKpi();
    expect(before).toBe(18);

    await page.getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('combobox', { name: 'Load into source' }).click();
    await page.getByRole('option', { name: 'crm', exact: true }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'shop-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('table', { name: 'File preview' }).getByText('Priya Shah').waitFor();
    await page.getByRole('button', { name: 'Check the file' }).click();

    // dry run: suggested mapping and the report naming the bad row; nothing written yet
    const report = page.getByTestId('dry-run-report');
    await report.waitFor({ timeout: 30_000 });
    await expect(page.getByRole('combobox', { name: 'Attribute for column E-mail' }).inputValue()).resolves.toBe('email — E-mail');
    await expect(page.getByRole('combobox', { name: 'Attribute for column Town' }).inputValue()).resolves.toBe('city — City');
    await expect(page.getByRole('combobox', { name: 'Attribute for column Name' }).inputValue()).resolves.toBe('full_name — Full name');
    await report.getByText('tom.baker', { exact: false }).or(report.getByText('SHOP-2')).first().waitFor();
    await screenshot(page, 'import-mapping');

    // run it: live progress, then the summary
    await page.getByTestId('run-import').click();
    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 30_000 });
    await expect(result.textContent()).resolves.toMatch(/Created\s*2/);
    await expect(result.textContent()).resolves.toMatch(/Rejected\s*1/);
    await screenshot(page, 'import-result');
    expect(await recordsKpi()).toBe(before + 2);

    // fix the rejected row in the quarantine
    await page.goto('/imports');
    await page.getByRole('link', { name: 'Fix rows' }).first().click();
    await page.getByRole('row', { name: /SHOP-2/ }).click();
    const drawer = page.getByRole('dialog');
    const email = drawer.getByLabel('E-mail');
    await email.waitFor();
    await screenshot(page, 'import-quarantine');
    await email.fill('tom.baker@example.com');
    await drawer.getByRole('button', { name: 'Resubmit' }).click();
    await page.getByText('Row accepted').waitFor();
    await page.getByText('No import rows waiting').waitFor();

    // the KPI reflects the fix
    expect(await recordsKpi()).toBe(before + 3);
    // overall: a snapshot adds a point to the trend; completeness drills down to the records missing values
    await page.goto('/quality');
    await page.getByRole('button', { name: 'Take a snapshot' }).click();
    await page.getByText('Snapshot taken').waitFor();
    await page.getByTestId('kpi-completeness').click();
    await page.getByTestId('kpi-drilldown').getByText('WEB-5001').waitFor();
    await page.getByTestId('profile-table').waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      const alerts = await page.getByRole('alert').allTextContents();
      throw new Error(`attribute profile not shown (${alerts.join(' | ') || 'no error on the page'}): ${String(err)}`);
    });
    await page.getByText('Snapshot taken').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    await screenshot(page, 'quality');
    expect(errors.join('\n')).toBe('');
  });
});
