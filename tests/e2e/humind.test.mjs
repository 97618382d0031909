// Humind end to end: the release build in headless Chromium against the simulator over HTTP,
// driven by labels and button names as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchHumind, waitForEnd, counter, download, parseCsv, simJson, resetSim, openTranscript,
  simRequests, humindSelect, humindBase, HUMIND_KEY, APP_URL,
} from './helpers.mjs';

let browser;
let dataset;
before(async () => {
  browser = await launch();
  dataset = await simJson('/_sim/dataset/humind');
  await resetSim();
});
after(async () => browser?.close());

const MAY = { createdAfter: '2026-05-01', createdBefore: '2026-06-01' };
// What a spreadsheet-safe CSV holds for a vendor's text.
const neutral = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

test('a date-filtered export matches the ground truth, and its files are complete', async () => {
  const page = await openPage(browser);
  await fetchHumind(page, {
    filters: { 'Started on or after': MAY.createdAfter, 'Started on or before': MAY.createdBefore },
  });
  const headline = await waitForEnd(page);
  assert.match(headline, /^Done/);
  const expected = humindSelect(dataset, MAY);
  assert.ok(expected.length > 20 && expected.length < dataset.length, 'the filter selects a real subset');
  assert.equal(await counter(page, 'conversations'), expected.length);
  const expectedMessages = expected.reduce((n, c) => n + c.messages.length, 0);
  assert.equal(await counter(page, 'messages'), expectedMessages);
  await page.screenshot({ path: new URL('./artifacts/humind-main.png', import.meta.url).pathname, fullPage: true });

  const conversations = await download(page, 'Conversations CSV');
  assert.equal(conversations.name, 'humind_2026-05-01_2026-06-01_conversations.csv');
  assert.deepEqual([...conversations.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for spreadsheets');
  const rows = parseCsv(conversations.bytes);
  assert.deepEqual(rows.map((r) => r.conversation_id), expected.map((c) => c.humind_id));
  assert.deepEqual(rows.map((r) => r.tags), expected.map((c) => neutral(c.tags.join(' | '))));

  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  const expectedTexts = expected.flatMap((c) => c.messages.map((m) => m.content.join('\n\n')));
  assert.equal(messages.length, expectedMessages);
  for (const [i, row] of messages.entries()) {
    if (expectedTexts[i].length <= 32767) assert.equal(row.text, neutral(expectedTexts[i]));
  }

  const json = JSON.parse((await download(page, 'JSON')).bytes.toString('utf8'));
  assert.equal(json.length, expected.length);
  assert.deepEqual(json.map((c) => c.messages.length), expected.map((c) => c.messages.length));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

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

test('a transcript shows turns, times, products and cart events as text', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const withCart = dataset.find((c) => c.messages.some((m) => (m.events ?? []).some((e) => e.type === 'add_product')));
  await openTranscript(page, withCart.humind_id);
  const transcript = page.getByRole('region', { name: displayTitle(withCart) });
  await transcript.waitFor();
  const bubbles = transcript.locator('.messages > li');
  assert.equal(await bubbles.count(), withCart.messages.length);
  const authors = await bubbles.locator('.author').allTextContents();
  const label = { user: 'Customer', assistant: 'Assistant', operator: 'Operator' };
  assert.deepEqual(authors, withCart.messages.map((m) => label[m.from]));
  const added = withCart.messages.flatMap((m) => m.events ?? []).find((e) => e.type === 'add_product');
  const eventTexts = await transcript.locator('.event').allTextContents();
  assert.ok(
    eventTexts.includes(`Added to cart: ${added.product_title ?? `product ${added.product_id}`} at ${added.price_at_event.toFixed(2)}`),
    eventTexts.join('\n'),
  );
  const times = await bubbles.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
  assert.deepEqual(times, withCart.messages.map((m) => m.created_at));
  // Vendor text is text: no <script> or <img> from a message ever reaches the DOM.
  assert.equal(await page.locator('.messages script, .messages img').count(), 0);
  await page.screenshot({ path: new URL('./artifacts/humind-transcript.png', import.meta.url).pathname, fullPage: true });
  await page.context().close();
});

/** What the app calls a conversation: its title, or (empty or missing) its first words. */
function displayTitle(conversation) {
  const title = (conversation.title ?? '').trim();
  if (title) return title;
  const text = conversation.messages.map((m) => m.content.join('\n\n').trim()).find((t) => t) ?? '';
  if (!text) return `Conversation ${conversation.humind_id}`;
  const short = [...text].slice(0, 60).join('');
  return short.length < text.length ? `“${short}…”` : `“${short}”`;
}

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

test('hostile text is rendered as text, never as HTML', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const hostile = dataset.find((c) => c.messages.some((m) => m.content.join('').includes('<script>')));
  await openTranscript(page, hostile.humind_id);
  const text = await page.locator('.messages').textContent();
  assert.ok(text.includes("<script>alert('xss')</script>"));
  assert.equal(await page.locator('.messages script').count(), 0);
  await page.context().close();
});

test('a wrong key shows the 401 message and the key appears nowhere', async () => {
  const page = await openPage(browser);
  const wrong = 'hmd_live_this_key_is_wrong_42';
  await fetchHumind(page, { key: wrong });
  const headline = await waitForEnd(page);
  assert.equal(headline, 'The export could not start.');
  const alert = page.getByRole('alert');
  assert.match(await alert.textContent(), /Humind does not recognise this API key/);
  assert.ok(!page.url().includes(wrong));
  const visible = await page.locator('body').innerText();
  assert.ok(!visible.includes(wrong), 'the key is not shown in any message');
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

test('the copied link restores the view without the key', async () => {
  const page = await openPage(browser);
  await fetchHumind(page, {
    filters: { 'Started on or after': '2026-05-01', 'Handled by': 'human_active', 'Include contact details (name, email, phone)': true },
  });
  await waitForEnd(page);
  assert.ok(await page.getByRole('note').filter({ hasText: 'personal data' }).isVisible(), 'contact warning');
  await page.getByRole('button', { name: 'Copy link to this view' }).click();
  await page.getByText('Link copied').waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, page.url());
  const url = new URL(link);
  assert.equal(url.searchParams.get('vendor'), 'humind');
  assert.equal(url.searchParams.get('created_after'), '2026-05-01');
  assert.equal(url.searchParams.get('handoff_status'), 'human_active');
  assert.equal(url.searchParams.get('include_contact'), '1');
  assert.equal(url.searchParams.get('base_url'), humindBase());
  assert.ok(!link.includes(HUMIND_KEY));

  const reopened = await openPage(browser, { path: url.search });
  assert.equal(await reopened.getByLabel('Started on or after', { exact: true }).inputValue(), '2026-05-01');
  assert.equal(await reopened.getByLabel('Handled by', { exact: true }).inputValue(), 'human_active');
  assert.ok(await reopened.getByLabel('Include contact details (name, email, phone)').isChecked());
  assert.equal(await reopened.getByLabel('API address (base URL)').inputValue(), humindBase());
  assert.equal(await reopened.getByLabel('API key', { exact: true }).inputValue(), '', 'asks only for the key');
  await reopened.context().close();
  await page.context().close();
});

test('a key pasted into a link is dropped from the address bar', async () => {
  const page = await openPage(browser, { path: `?vendor=humind&key=${HUMIND_KEY}` });
  assert.ok(!page.url().includes(HUMIND_KEY), page.url());
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');
  await page.context().close();
});

test('demo mode works with no key and no network', async () => {
  const page = await openPage(browser);
  const external = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(new URL(APP_URL).origin)) external.push(request.url());
  });
  await page.getByLabel('Demo data (no key, nothing leaves this page)').check();
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await waitForEnd(page), /^Done: 400 conversations/);
  await page.locator('tbody tr').first().click();
  assert.ok((await page.locator('.messages > li').count()) >= 0);
  assert.deepEqual(external, [], 'demo makes no request outside the page');
  assert.ok(new URL(page.url()).searchParams.get('demo') === '1');
  await page.context().close();
});
