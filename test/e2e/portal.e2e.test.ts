import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import type { HttpApp } from '../../src/platform/http/types.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import { createConsentServices, registerConsentRoutes, type ConsentServices } from '../../src/modules/consent/index.js';
import { registerPortalRoutes } from '../../src/modules/portal/portal.routes.js';
import { readPortalConfig } from '../../src/modules/portal/portal.config.js';
import { PERSON_DEFINITION } from '../support/system.js';
import { browserAvailable, launchBrowser } from './support/harness.js';

// The harness's check: CHROMIUM_PATH is honoured, and a missing browser fails in CI instead of skipping.
const enabled = browserAvailable();

describe.skipIf(!enabled)('portal in a phone-sized browser (end to end)', () => {
  let dir = '';
  let database: Database;
  let services: Services;
  let cs: ConsentServices;
  let app: HttpApp;
  let browser: Browser;
  let base = '';
  let customerId = '';
  let recordId = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-e2e-'));
    database = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrateDatabase(database);
    services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
    app = await buildApp(services, { logLevel: 'silent', exclude: ['consent'] });
    cs = createConsentServices(services, readPortalConfig({}, { dataDir: dir, outboxDir: join(dir, 'outbox'), publicUrl: 'http://127.0.0.1' }));
    registerConsentRoutes(app, cs);
    registerPortalRoutes(app, cs.portal);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

    const admin = Actor.system('e2e');
    await services.schemas.create(admin, { name: 'person', definition: PERSON_DEFINITION });
    await services.sources.create(admin, { name: 'shop', schema: 'person', systemType: 'pos', description: 'our shop till' });
    const r = await services.records.write(admin, { source: 'shop', key: 'T-1', values: { first_name: 'Maya', last_name: 'Mobile', email: 'maya@example.com', segment: 'retail' } });
    customerId = r.record.customerId!;
    recordId = r.record.id;
    await cs.consent.createPurpose(admin, { key: 'email_offers', name: 'Offers by e-mail', noticeText: 'We e-mail you our offers about once a week.', channels: ['email'] });
    await cs.consent.record(admin, { customer: customerId, purpose: 'email_offers', channel: 'email', status: 'granted', source: 'pos' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a customer opens the link, corrects a value, withdraws a consent and downloads their data', async () => {
    const link = await cs.portal.createLink(Actor.system('e2e'), { customer: customerId, delivery: 'link' });
    const path = new URL(link.url!).pathname;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, acceptDownloads: true, userAgent: 'Mozilla/5.0 (iPhone) e2e' });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('holds about you');
    // Fits a phone: nothing wider than the viewport.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    expect(await page.content()).not.toContain('maya@example.com');

    // Correct the last name.
    await page.getByText('Change last name').click();
    await page.getByLabel('New last name').fill('Mobile-Jones');
    await page.getByLabel('New last name').locator('xpath=..').getByRole('button', { name: 'Save the change' }).click();
    await page.waitForURL(/m=corrected/);
    expect(await page.getByRole('status').first().textContent()).toContain('We changed your details');
    expect((await services.records.get(Actor.system('e2e'), recordId)).values!.last_name).toBe('Mobile-Jones');

    // Withdraw the e-mail consent with one click.
    await page.getByRole('button', { name: /Say no to e-mail for Offers by e-mail/ }).click();
    await page.waitForURL(/m=withdrawn/);
    expect((await cs.consent.check(Actor.system('e2e'), customerId, 'email_offers', 'email')).reason).toBe('withdrawn');
    expect(await page.getByRole('button', { name: /Say yes to e-mail for Offers by e-mail/ }).count()).toBe(1);

    // Download their data.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download (JSON)' }).click()]);
    const file = join(dir, 'my-data.json');
    await download.saveAs(file);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    expect(data.records[0].values).toMatchObject({ email: 'maya@example.com', last_name: 'Mobile-Jones' });
    expect(data.consents.history.map((e: { status: string }) => e.status)).toEqual(['granted', 'withdrawn']);
    await context.close();
  }, 120_000);
});
