// Humind in headless Chromium against the simulator over HTTP, driven by labels and button names
// as a user would: the preview's pages and names, the form's checks, a key in a link. The export
// itself, a transcript, a wrong key, a bookmarked link and Demo run in every engine
// (tests/e2e/engines/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchHumind, waitForEnd, counter, download, parseCsv, simJson, resetSim, openTranscript,
  simRequests, humindSelect, humindBase, HUMIND_KEY, APP_URL, displayTitle,
} from './helpers.mjs';

let browser;
let dataset;
before(async () => {
  browser = await launch();
  dataset = await simJson('/_sim/dataset/humind');
  await resetSim();
});
after(async () => browser?.close());


test('the preview pages through every conversation', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const range = page.locator('.pager-range');
  assert.equal(await range.textContent(), `Conversations 1–25 of ${dataset.length}`);
  assert.ok(await page.getByRole('button', { name: 'Previous' }).isDisabled());
  await page.getByRole('button', { name: 'Next' }).click();
  assert.equal(await range.textContent(), `Conversations 26–50 of ${dataset.length}`);
  const ids = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.conversationId));
  assert.deepEqual(ids, dataset.slice(25, 50).map((c) => c.humind_id));
  const last = Math.ceil(dataset.length / 25);
  for (let i = 2; i < last; i++) await page.getByRole('button', { name: 'Next' }).click();
  assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
  assert.equal(await page.getByText(`Page ${last} of ${last}`).count(), 1);
  await page.context().close();
});

test('every conversation has a name in the preview, even with an empty title', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const untitled = dataset.filter((c) => c.title === '');
  assert.ok(untitled.length > 0, 'the simulator sends empty titles');
  await page.getByLabel('Search the fetched conversations').fill(untitled[0].humind_id);
  const button = page.locator(`tr[data-conversation-id="${untitled[0].humind_id}"] button`);
  assert.equal(await button.textContent(), displayTitle(untitled[0]));
  assert.ok((await button.textContent()).trim().length > 0);
  await page.context().close();
});

test('bad input is caught in the form before any request', async () => {
  const page = await openPage(browser);
  await resetSim();
  await fetchHumind(page, { key: '' });
  assert.match(await page.locator('#api-key-error').textContent(), /Paste your Humind API key/);
  assert.equal(await page.getByLabel('API key', { exact: true }).getAttribute('aria-invalid'), 'true');

  await page.getByLabel('API key', { exact: true }).fill(HUMIND_KEY);
  await page.getByLabel('Started on or after', { exact: true }).fill('2026-13-45');
  await page.getByLabel('API address (base URL)').fill('api.thehumind.com/public/v1');
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await page.locator('#filter-created-after-error').textContent(), /Use a date like 2026-05-01/);
  assert.match(await page.locator('#base-url-error').textContent(), /must start with https/);

  await page.getByLabel('Started on or after', { exact: true }).fill('2026-06-10');
  await page.getByLabel('Started on or before', { exact: true }).fill('2026-06-01');
  await page.getByLabel('API address (base URL)').fill(humindBase());
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await page.locator('#filter-created-before-error').textContent(), /must not be earlier/);
  assert.equal(await simRequests(), 0, 'nothing was sent');
  // What the user typed is still there.
  assert.equal(await page.getByLabel('Started on or after', { exact: true }).inputValue(), '2026-06-10');
  await page.context().close();
});

test('a key pasted into a link is dropped from the address bar', async () => {
  const page = await openPage(browser, { path: `?vendor=humind&key=${HUMIND_KEY}` });
  assert.ok(!page.url().includes(HUMIND_KEY), page.url());
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');
  await page.context().close();
});

