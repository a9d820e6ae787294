// Golden-record pages in a real browser against a real server (embedded PGlite): a steward decides a
// borderline review task with the keyboard, undoes the merge from the merge history, an agent is kept out of
// the review queue; re-match dry run and webhooks for the screenshots. Writes docs/screenshots.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, browserAvailable, ensureConsoleBuilt, launchBrowser, newContext, screenshot, signIn, startServer, watchErrors, type Server } from './support/harness.js';
import { seedGolden, type GoldenSeeded } from './support/golden-seed.js';

const enabled = browserAvailable();

type Customer = { id: string; status: string; records: Array<{ id: string; sourceKey: string; sourceName?: string }> };

describe.skipIf(!enabled)('golden-record console pages (Chromium, real server)', () => {
  let server: Server;
  let browser: Browser;
  let api: Api;
  let data: GoldenSeeded;
  let steward: BrowserContext;
  let page: Page;
  let errors: string[];
  let mergeId = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    api = new Api(server.url);
    await api.login();
    data = await seedGolden(api);
    steward = await newContext(browser, server.url);
    page = await steward.newPage();
    errors = watchErrors(page);
    await signIn(page, data.steward.email, data.steward.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a steward opens the review queue, compares both records with the explanation and matches with "m"', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Review queue' }).click();
    await page.waitForURL(/\/review$/);
    const table = page.getByTestId('review-table');
    const row = table.getByRole('row', { name: /Review Anna Smith and Emma Smith/ });
    await row.waitFor();
    await expect(page.getByRole('radiogroup', { name: 'Task state' }).textContent()).resolves.toContain('Open (1)');
    await row.click();
    await page.waitForURL(new RegExp(`/review/${data.taskId}$`));

    // Both records side by side: same surname and phone, different first names.
    const side = page.getByTestId('side-by-side');
    await side.waitFor();
    await expect(side.getByRole('columnheader').allTextContents()).resolves.toEqual(['Attribute', 'Existing', 'Arriving']);
    const first = side.getByRole('row').filter({ hasText: 'First name' });
    await expect(first.textContent()).resolves.toMatch(/Anna.*Emma/);
    await expect(side.getByRole('row').filter({ hasText: 'Last name' }).getAttribute('data-same')).resolves.toBe('true');
    await expect(first.getAttribute('data-same')).resolves.toBe('false');
    // The engine's explanation: one row per comparison with level, weight and Bayes factor, and the probability.
    const ex = page.getByTestId('explanation');
    await ex.waitFor();
    await expect(ex.getByRole('columnheader').allTextContents()).resolves.toEqual(['Comparison', 'Level', 'Weight', 'BF', 'Effect']);
    expect(await ex.getByRole('row').count()).toBeGreaterThanOrEqual(4);
    await expect(ex.getByRole('row').filter({ hasText: 'Phone' }).textContent()).resolves.toMatch(/exact match.*\+\d+\.\d.*×\d/);
    const prob = (await page.getByTestId('task-probability').textContent()) ?? '';
    expect(prob).toMatch(/^\d{2}% match$/);
    await page.getByText('Shortcuts:').first().waitFor();
    await screenshot(page, 'review-queue');

    // Typing in the note must not trigger a shortcut.
    const note = page.getByRole('textbox', { name: 'Note (optional)' });
    await note.click();
    await page.keyboard.type('same phone and surname, checked with the shop');
    expect(page.url()).toMatch(new RegExp(`/review/${data.taskId}$`));
    await expect(note.inputValue()).resolves.toContain('checked with the shop');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await note.blur();

    // "m" decides Match; the queue is empty afterwards, so the page goes back to it.
    await page.keyboard.press('m');
    await page.getByText('Queue done').waitFor();
    await page.waitForURL(/\/review$/);
    await page.getByText('Nothing to review').waitFor();

    const anna = await api.call<Customer>('GET', `/customers/${data.anna.customerId}`);
    expect(anna.records.map((r) => r.id).sort()).toEqual([data.anna.crm, data.anna.shop, data.emma.recordId].sort());
    const emma = await api.call<Customer>('GET', `/customers/${data.emma.customerId}`);
    expect(emma.status).toBe('merged');
    const task = await api.call<{ status: string; mergeId: string; note: string }>('GET', `/review-tasks/${data.taskId}`);
    expect(task).toMatchObject({ status: 'match', note: 'same phone and surname, checked with the shop' });
    mergeId = task.mergeId;

    // The customer page shows the shop record now, and the merge in its panel.
    await page.goto(`/customers/${data.anna.customerId}`);
    await page.getByTestId('customer-golden-panel').getByRole('link', { name: /Merged 1 customer/ }).waitFor();
    await page.getByText('S-3').first().waitFor();
  }, 90_000);

  it('merge history shows the merge with its evidence; unmerge after confirmation separates the customers again', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Merge history' }).click();
    await page.waitForURL(/\/merges$/);
    const table = page.getByTestId('merge-table');
    const row = table.getByRole('row').filter({ hasText: 'Merged 1 customer' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/steward.*Sam Steward|steward.*you/);
    await row.click();
    await page.waitForURL(new RegExp(`/merges/${mergeId}$`));
    await page.getByText('From review task').waitFor();
    await page.getByRole('table', { name: 'Evidence per attribute' }).getByRole('row').filter({ hasText: 'phone' }).waitFor();
    await page.getByRole('table', { name: 'Records moved' }).getByText('S-3').waitFor();
    await screenshot(page, 'merge-history');

    await page.getByRole('button', { name: 'Unmerge' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unmerge these customers?' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('Emma is Anna’s sister');
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api.call<Customer>('GET', `/customers/${data.emma.customerId}`)).status).toBe('merged');
    await page.getByRole('button', { name: 'Unmerge' }).click();
    await dialog.getByRole('button', { name: 'Unmerge' }).click();
    await page.getByText('Merge undone').first().waitFor();
    await page.getByText(/Undone .* by/).waitFor();

    const anna = await api.call<Customer>('GET', `/customers/${data.anna.customerId}`);
    const emma = await api.call<Customer>('GET', `/customers/${data.emma.customerId}`);
    expect(anna.records.map((r) => r.id).sort()).toEqual([data.anna.crm, data.anna.shop].sort());
    expect(emma.status).toBe('active');
    expect(emma.records.map((r) => r.id)).toEqual([data.emma.recordId]);
    const list = await api.call<{ items: Array<{ id: string; undoneAt: string | null }> }>('GET', '/merges');
    expect(list.items).toEqual([expect.objectContaining({ id: mergeId, undoneAt: expect.any(String) })]);
    expect(errors.join('\n')).toBe('');
  }, 90_000);

  it('the customer page merges with another customer (search, preview, confirm) and splits it again', async () => {
    await page.goto(`/customers/${data.anna.customerId}`);
    const panel = page.getByTestId('customer-golden-panel');
    await panel.getByRole('button', { name: 'Merge with…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge with another customer' });
    await dialog.getByRole('textbox', { name: /Find the duplicate/ }).fill('Emma Smith');
    await dialog.getByRole('listitem', { name: 'Preview merge with Emma Smith' }).click();
    const preview = dialog.getByRole('table', { name: 'Merge preview' });
    await expect(preview.getByRole('row').filter({ hasText: 'First name' }).textContent()).resolves.toMatch(/Anna.*Emma/);
    const confirm = dialog.getByRole('button', { name: 'Merge customers' });
    expect(await confirm.isDisabled()).toBe(true); // a reason is required
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Same person after a phone call');
    await confirm.click();
    await page.getByText('Customers merged').first().waitFor();
    await expect.poll(async () => (await api.call<Customer>('GET', `/customers/${data.anna.customerId}`)).records.length).toBe(3);

    await panel.getByRole('button', { name: 'Split…' }).click();
    const split = page.getByRole('dialog', { name: 'Split records into a new customer' });
    await split.getByRole('button', { name: /^Split/ }).click();
    await split.getByText('Choose at least one source record to move out.').waitFor();
    await split.getByRole('checkbox', { name: /S-3/ }).check();
    await split.getByRole('textbox', { name: 'Reason' }).fill('Not the same person after all');
    await split.getByRole('button', { name: 'Split 1 record' }).click();
    await page.waitForURL((u) => /\/customers\//.test(u.pathname) && !u.pathname.endsWith(data.anna.customerId));
    const newId = new URL(page.url()).pathname.split('/').pop()!;
    const moved = await api.call<Customer>('GET', `/customers/${newId}`);
    expect(moved.records.map((r) => r.id)).toEqual([data.emma.recordId]);
    expect((await api.call<Customer>('GET', `/customers/${data.anna.customerId}`)).records).toHaveLength(2);
    expect(errors.join('\n')).toBe('');
  }, 90_000);

  it('an agent has no review queue: not in the navigation, and /review says no access', async () => {
    const ctx = await newContext(browser, server.url);
    const agent = await ctx.newPage();
    const agentErrors = watchErrors(agent);
    await signIn(agent, data.agent.email, data.agent.password);
    const nav = agent.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Customer search' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Review queue' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Merge history' }).count()).toBe(0);
    await agent.goto('/review');
    await agent.getByText("You don't have access to this page").waitFor();
    expect(await agent.getByTestId('review-table').count()).toBe(0);
    expect((await agent.request.get('/api/v1/review-tasks')).status()).toBe(403);
    // The customer page hides the merge panel from roles without golden:merge.
    await agent.goto(`/customers/${data.anna.customerId}`);
    await agent.getByTestId('golden-record').waitFor();
    expect(await agent.getByTestId('customer-golden-panel').count()).toBe(0);
    expect(agentErrors.join('\n')).toBe('');
    await ctx.close();
  }, 90_000);

  it('re-match: a dry run reports what would change, with progress and a "run for real" step', async () => {
    await page.goto('/rematch');
    await page.getByPlaceholder('Choose a schema').click();
    await page.getByRole('option', { name: 'person' }).click();
    await page.getByRole('button', { name: 'Start dry run' }).click();
    const job = page.getByTestId('rematch-job');
    await job.getByText('succeeded').waitFor({ timeout: 60_000 });
    await job.getByText('Would merge').waitFor();
    await job.getByText('Review tasks').waitFor();
    await job.getByRole('button', { name: 'Run for real…' }).waitFor();
    await screenshot(page, 'rematch');
  }, 90_000);

  it('webhooks: create a subscription (secret shown once), then its delivery log', async () => {
    const admin = await newContext(browser, server.url);
    const p = await admin.newPage();
    const adminErrors = watchErrors(p);
    await signIn(p, 'admin@example.com', 'correct-horse-battery');
    await p.goto('/webhooks');
    await p.getByText('No subscriptions yet').waitFor();
    await p.getByRole('button', { name: 'New subscription' }).first().click();
    const form = p.getByRole('dialog', { name: 'New webhook subscription' });
    await form.getByRole('textbox', { name: 'URL' }).fill('ftp://nope');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await form.getByText('Must be an http:// or https:// URL.').waitFor();
    await form.getByRole('textbox', { name: 'URL' }).fill('https://crm.example.com/hooks/custodian');
    await form.getByRole('textbox', { name: 'Description (optional)' }).fill('CRM sync');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    const secret = p.getByTestId('webhook-secret');
    await secret.waitFor();
    expect(((await secret.textContent()) ?? '').length).toBeGreaterThanOrEqual(16);
    await p.getByRole('button', { name: 'I have saved it' }).click();
    await p.waitForURL(/\/webhooks\/[^/]+$/);
    await p.getByText('Delivery log').waitFor();
    await p.getByRole('button', { name: 'Replay…' }).waitFor();
    // A second, disabled subscription to a few event types, so the list shows both states.
    const second = await api.call<{ id: string }>('POST', '/webhooks', { url: 'https://erp.example.com/custodian/events', eventTypes: ['customer.merged', 'customer.unmerged', 'customer.split'], description: 'ERP customer master' });
    await api.call('PATCH', `/webhooks/${second.id}`, { active: false });
    await p.goto('/webhooks');
    const subs = p.getByRole('table', { name: 'Webhook subscriptions' });
    await subs.getByText('https://crm.example.com/hooks/custodian').waitFor();
    await expect(subs.getByRole('row').filter({ hasText: 'erp.example.com' }).textContent()).resolves.toMatch(/3 types.*disabled/);
    await screenshot(p, 'webhooks');
    expect(adminErrors.join('\n')).toBe('');
    await admin.close();
  }, 90_000);

  it('the review page is usable at phone width', async () => {
    const ctx = await newContext(browser, server.url, { width: 390, height: 844 });
    const p = await ctx.newPage();
    await signIn(p, data.steward.email, data.steward.password);
    await p.goto(`/review/${data.taskId}`);
    await p.getByTestId('side-by-side').waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await ctx.close();
  }, 90_000);
});
