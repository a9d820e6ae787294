// The privacy pages in a real browser against a real server (embedded PGlite): an admin publishes a new notice
// version; a steward records a consent on a customer, reads its history, sends verification links (QR and
// e-mail) and logs an erasure request; the admin reads the mail in the outbox; the request log shows the deadline.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, browserAvailable, ensureConsoleBuilt, launchBrowser, newContext, screenshot, signIn, ADMIN, startServer, watchErrors, type Server } from './support/harness.js';
import { seedPrivacy, type PrivacySeeded } from './support/privacy-seed.js';
import { seed, type Seeded } from './support/seed.js';

const enabled = browserAvailable();

describe.skipIf(!enabled)('privacy console pages (Chromium, real server)', () => {
  let server: Server;
  let browser: Browser;
  let api: Api;
  let data: Seeded;
  let privacy: PrivacySeeded;
  let adminCtx: BrowserContext;
  let stewardCtx: BrowserContext;
  let admin: Page;
  let steward: Page;
  let pageErrors: () => string[] = () => [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    api = new Api(server.url);
    await api.login();
    data = await seed(api);
    privacy = await seedPrivacy(api, data);
    adminCtx = await newContext(browser, server.url);
    stewardCtx = await newContext(browser, server.url);
    admin = await adminCtx.newPage();
    steward = await stewardCtx.newPage();
    const adminErrors = watchErrors(admin);
    const stewardErrors = watchErrors(steward);
    pageErrors = () => [...adminErrors, ...stewardErrors];
    await signIn(admin, ADMIN.email, ADMIN.password);
    await signIn(steward, privacy.steward.email, privacy.steward.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin publishes a new notice version and sees every version with what changed', async () => {
    await admin.goto('/consent');
    const table = admin.getByRole('table', { name: 'Consent purposes' });
    await table.getByText('Newsletter', { exact: true }).waitFor();
    // Coverage from the seeded consents: 4 of the active customers granted the newsletter by e-mail.
    await table.getByText('4 customers').first().waitFor();
    await admin.getByRole('row', { name: 'Open purpose Newsletter' }).click();
    await admin.waitForURL(/\/consent\/email_newsletter$/);
    await admin.getByRole('button', { name: 'Publish a new notice version' }).click();
    const text = admin.getByRole('textbox', { name: 'Notice text' });
    await text.fill('We send you our newsletter with news and offers about twice a month. You can stop it at any time with the link in every issue.');
    await admin.getByTestId('notice-diff').getByLabel('added: twice').waitFor();
    await admin.getByRole('button', { name: 'Publish version 2' }).click();
    await admin.getByText('New notice version published').waitFor();

    const purpose = await api.call<{ currentNoticeVersion: number; notices: Array<{ version: number; text: string }> }>('GET', '/consent/purposes/email_newsletter');
    expect(purpose.currentNoticeVersion).toBe(2);
    expect(purpose.notices.map((n) => n.version)).toEqual([2, 1]);
    expect(purpose.notices[0]!.text).toContain('twice a month');

    const versions = admin.getByRole('list', { name: 'Notice versions' }).getByRole('listitem');
    await expect.poll(() => versions.count()).toBe(2);
    await versions.first().getByText('shown now').waitFor();
    await versions.first().getByRole('button', { name: 'Compare with version 1' }).click();
    await versions.first().getByLabel('removed: once').waitFor();
    await admin.getByText('New notice version published').waitFor({ state: 'hidden', timeout: 10_000 });
    await screenshot(admin, 'consent-purposes');
  }, 120_000);

  it('a steward records a consent on a customer, reads its history, and sends a link as QR code and by e-mail', async () => {
    await steward.goto(`/customers/${data.janeId}`);
    const panel = steward.getByTestId('customer-privacy');
    await panel.getByText('Consents', { exact: true }).waitFor();
    await panel.getByText('Never asked: no contact for this purpose by e-mail.').first().waitFor();

    await panel.getByRole('button', { name: 'Record a consent' }).click();
    const dialog = steward.getByRole('dialog', { name: 'Record a consent' });
    await dialog.getByRole('combobox', { name: 'Purpose' }).click();
    await steward.getByRole('option', { name: 'Newsletter' }).click();
    await dialog.getByRole('combobox', { name: 'Channel' }).click();
    await steward.getByRole('option', { name: 'E-mail' }).click();
    await dialog.getByText('Notice shown to the customer (version 2)').waitFor();
    await dialog.getByLabel('Form or receipt reference').fill('till-receipt-4711');
    await dialog.getByRole('button', { name: 'Save consent' }).click();
    await steward.getByText('Consent recorded').waitFor();

    const consents = await api.call<{ current: Array<{ purpose: string; channel: string; status: string; noticeVersion: number }>; history: Array<{ source: string; proof: { formId?: string } }> }>('GET', `/consent/customers/${data.janeId}`);
    expect(consents.current).toEqual([expect.objectContaining({ purpose: 'email_newsletter', channel: 'email', status: 'granted', noticeVersion: 2 })]);
    expect(consents.history).toEqual([expect.objectContaining({ source: 'agent', proof: expect.objectContaining({ formId: 'till-receipt-4711' }) })]);

    const row = panel.getByTestId('consent-email_newsletter-email');
    await row.getByText('Yes — granted').first().waitFor();
    await row.getByRole('button', { name: 'Show history of Newsletter — E-mail' }).click();
    const history = row.getByRole('list', { name: 'History of Newsletter — E-mail' });
    await history.getByRole('listitem').first().getByText('till-receipt-4711').waitFor();
    expect(await history.getByRole('listitem').count()).toBe(1);

    // QR code for the till.
    await panel.getByRole('button', { name: 'Send verification link' }).click();
    const link = steward.getByRole('dialog', { name: 'Send a verification link' });
    await link.getByText('Show a QR code').click();
    await link.getByRole('button', { name: 'Create the QR code' }).click();
    const qr = link.getByRole('img', { name: 'QR code of the verification link' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await link.getByTestId('portal-url').textContent()).toMatch(/\/portal\/[A-Za-z0-9_-]{43}$/);
    await link.getByRole('button', { name: 'Done' }).click();

    // E-mail to the address on file: written to the development outbox.
    await panel.getByRole('button', { name: 'Send verification link' }).click();
    await link.getByRole('button', { name: 'Send the e-mail' }).click();
    await link.getByText('E-mail written to the development outbox').waitFor();
    await link.getByRole('button', { name: 'Done' }).click();

    const links = panel.getByRole('list', { name: 'Verification links' }).getByRole('listitem');
    await expect.poll(() => links.count()).toBe(2);
    await steward.getByText('Consent recorded').waitFor({ state: 'hidden', timeout: 10_000 });
    await panel.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 72)); // below the sticky header
    await screenshot(steward, 'customer-privacy');

    // At the till on a phone: the panel fits the screen without sideways scrolling.
    await steward.setViewportSize({ width: 390, height: 844 });
    await panel.getByRole('button', { name: 'Send verification link' }).waitFor();
    // Polled: the browser lays the page out again after the resize in its own time.
    await expect.poll(() => panel.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= 390)).toBe(true);
    await steward.setViewportSize({ width: 1280, height: 800 });
  }, 120_000);

  it('the admin reads the verification mail in the outbox', async () => {
    await admin.goto('/outbox');
    await admin.getByText('Development mode: e-mails are not sent').waitFor();
    const table = admin.getByRole('table', { name: 'Outbox messages' });
    await table.getByText('jane.doe@example.com').waitFor();
    expect(await table.getByRole('row').count()).toBe(2); // header + one mail
    await admin.getByRole('row', { name: 'Open the mail to jane.doe@example.com' }).click();
    const msg = admin.getByTestId('outbox-message');
    await msg.getByText(/Please check the details/).waitFor();
    const href = await msg.getByRole('link', { name: /\/portal\// }).first().getAttribute('href');
    expect(href).toMatch(/\/portal\/[A-Za-z0-9_-]{43}$/);
    // The link in the mail really opens the customer's portal page.
    const portal = await fetch(href!.replace(/^https?:\/\/[^/]+/, server.url));
    expect(portal.status).toBe(200);
    await screenshot(admin, 'outbox');
  }, 120_000);

  it("a steward logs an erasure request; it appears in the request log with its deadline", async () => {
    await steward.goto(`/customers/${data.janeId}`);
    const panel = steward.getByTestId('customer-privacy');
    await panel.getByRole('button', { name: 'Log an erasure request' }).click();
    const dialog = steward.getByRole('dialog', { name: 'Log an erasure request' });
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Asked at the Cambridge store');
    await dialog.getByRole('button', { name: 'Log the request' }).click();
    await steward.getByText('Erasure request logged').waitFor();

    const reqs = await api.call<{ items: Array<{ id: string; kind: string; status: string; dueAt: string; receivedAt: string }> }>('GET', `/dsr/requests?customer=${data.janeId}`);
    expect(reqs.items).toHaveLength(1);
    expect(reqs.items[0]).toMatchObject({ kind: 'erasure', status: 'open' });
    expect(Math.abs(Date.parse(reqs.items[0]!.dueAt) - Date.parse(reqs.items[0]!.receivedAt) - 30 * 86_400_000)).toBeLessThan(1000);

    await steward.goto('/dsr');
    const table = steward.getByRole('table', { name: 'Data-subject requests' });
    const row = table.getByRole('row', { name: `Erasure (delete data) request from ${data.janeId}` });
    await row.waitFor();
    expect(await row.getByText('30 days left').count()).toBe(1);
    // Most urgent first: the rectification due in 3 days leads and is marked as due soon.
    const first = table.getByRole('row').nth(1);
    expect(await first.textContent()).toContain('Rectification');
    expect(await first.locator('[data-tone="soon"]').textContent()).toBe('3 days left');
    await steward.getByText('Erasure request logged').waitFor({ state: 'hidden', timeout: 10_000 });
    await screenshot(steward, 'dsr-requests');

    // The request's own page offers its actions; erasure needs the typed customer id.
    await row.click();
    await steward.waitForURL(new RegExp(`/dsr/${reqs.items[0]!.id}$`));
    await steward.getByRole('button', { name: 'Erase…' }).click();
    const erase = steward.getByRole('dialog', { name: 'Erase this customer everywhere?' });
    await erase.getByRole('textbox', { name: 'Legal basis' }).fill('Art. 17(1)(a) GDPR');
    expect(await erase.getByRole('button', { name: 'Erase permanently' }).isDisabled()).toBe(true);
    await erase.getByRole('button', { name: 'Cancel' }).click();
    expect((await api.call<{ status: string }>('GET', `/customers/${data.janeId}`)).status).toBe('active');

    // Freezing processing while the request is handled shows on the customer's page.
    await steward.getByRole('textbox', { name: 'Why restrict' }).fill('erasure requested');
    await steward.getByRole('button', { name: 'Restrict processing' }).click();
    await steward.getByText('Restricted now').waitFor();
    expect(await api.call('GET', `/dsr/customers/${data.janeId}/restriction`)).toEqual({ customerId: data.janeId, restricted: true });
    await steward.goto(`/customers/${data.janeId}`);
    await panel.getByText('Restricted', { exact: true }).waitFor();
    await panel.getByText('Processing is restricted').waitFor();

    expect(pageErrors()).toEqual([]);
  }, 120_000);
});
