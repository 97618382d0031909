// An app non-technical staff enjoy: the key kept out of everything, filters, history, preview,
// transcript times, charts, the keyboard, hosting and the CSP, checked in headless Chromium.
// (The key remembered and forgotten, errors in words and axe-core run in every engine:
// tests/e2e/engines/.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchVendor, fillVendor, setAddress, fetchHumind, waitForEnd, counter, download, parseCsv, simJson, resetSim,
  setFaults, simRequests, openTranscript, audit, readZip, APP_URL, SIM_URL, SUBPATH_URL, SIM2_URL, VENDORS, HUMIND_KEY, ARTIFACTS,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
  await resetSim();
});
after(async () => {
  await resetSim();
  await browser?.close();
});

test('the key never reaches the address, history, console, files or the page text', async () => {
  const page = await openPage(browser);
  const logs = [];
  page.on('console', (message) => logs.push(message.text()));
  await fetchHumind(page);
  await waitForEnd(page);
  await page.getByLabel('Vendor', { exact: true }).selectOption('mindo');
  await page.goBack();
  await page.goForward();
  await page.goBack();
  assert.ok(!page.url().includes(HUMIND_KEY));
  assert.ok(!logs.some((line) => line.includes(HUMIND_KEY)), 'no log line has the key');
  assert.ok(!(await page.locator('body').innerText()).includes(HUMIND_KEY), 'not shown anywhere');
  await fetchHumind(page);
  await waitForEnd(page);
  const zip = readZip((await download(page, 'Download all (.zip)')).bytes);
  for (const [name, bytes] of zip) assert.ok(!bytes.includes(HUMIND_KEY), `${name} has no key`);
  await page.context().close();
});

test('filters: quick dates, a date picker, and problems shown as the user leaves a field', async () => {
  const page = await openPage(browser);
  await page.getByRole('button', { name: 'Last 7 days' }).click();
  const from = await page.getByLabel('Started on or after', { exact: true }).inputValue();
  const to = await page.getByLabel('Started on or before', { exact: true }).inputValue();
  assert.match(from, /^\d{4}-\d{2}-\d{2}T00:00:00(Z|[+-]\d{2}:\d{2})$/);
  assert.match(to, /^\d{4}-\d{2}-\d{2}T23:59:59(Z|[+-]\d{2}:\d{2})$/, "Humind's upper bound is inclusive");
  assert.equal((Date.parse(to) + 1000 - Date.parse(from)) / 86_400_000, 7);
  assert.equal(new URL(page.url()).searchParams.get('created_after'), from, 'the link follows');

  // The picker opens on the field's month (today's when empty); its days are labelled in words.
  await page.getByLabel('Active on or after', { exact: true }).fill('2026-05-20');
  await page.getByRole('button', { name: 'Pick a date for Active on or after' }).click();
  await page.getByRole('dialog', { name: 'Choose a date for Active on or after' }).getByRole('button', { name: '3 May 2026', exact: true }).click();
  assert.equal(await page.getByLabel('Active on or after', { exact: true }).inputValue(), '2026-05-03');

  await page.getByLabel('Started on or after', { exact: true }).fill('2026-02-30');
  assert.equal(await page.locator('#filter-created-after-error').count(), 0, 'no complaint while typing');
  await page.getByLabel('Started on or after', { exact: true }).blur();
  assert.match(await page.locator('#filter-created-after-error').textContent(), /Use a date like/);
  await page.getByLabel('Started on or after', { exact: true }).fill('2026-02-28');
  assert.equal(await page.locator('#filter-created-after-error').count(), 0, 'the message goes as soon as it is right');
  await page.context().close();
});

test('back and forward move between views', async () => {
  const page = await openPage(browser);
  await page.getByLabel('Vendor', { exact: true }).selectOption('huechat');
  await page.getByLabel('Status', { exact: true }).selectOption('closed');
  await page.getByLabel('Vendor', { exact: true }).selectOption('mindo');
  assert.equal(new URL(page.url()).searchParams.get('vendor'), 'mindo');
  await page.goBack();
  assert.equal(await page.getByLabel('Vendor', { exact: true }).inputValue(), 'huechat');
  assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'closed');
  await page.goForward();
  assert.equal(await page.getByLabel('Vendor', { exact: true }).inputValue(), 'mindo');
  await page.context().close();
});

test('progress: exact for HueChat, honest counters and a rate for the others', async () => {
  const page = await openPage(browser);
  await fetchVendor(page, 'huechat');
  assert.match(await waitForEnd(page), /^Done/);
  // One bar for all the work, listing and messages: full only when the messages are in too.
  const truth = await simJson('/_sim/dataset/huechat');
  const bar = page.getByRole('progressbar', { name: `Messages for ${truth.length} of ${truth.length} conversations` });
  assert.equal(await bar.getAttribute('value'), '1');
  await fetchHumind(page);
  await waitForEnd(page);
  assert.equal(await page.getByRole('progressbar').count(), 0, 'no total, no bar that pretends');
  await page.getByText('Details', { exact: true }).click();
  assert.match(await page.locator('[data-counter="rate"]').textContent(), /\d+ (messages|conversations)\/s/);
  assert.ok((await counter(page, 'pages')) >= 1);
  await page.context().close();
});

test('preview of 10,000 conversations: search, filter and sort stay fast and right', async () => {
  const big = await (await fetch(`${SIM2_URL}/_sim/dataset/voice-widget`)).json();
  assert.equal(big.length, 10_000);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(SUBPATH_URL);
  await fillVendor(page, 'voice-widget', { base: `${SIM2_URL}/voice-widget` });
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done: 10,000 conversations/);
  const timed = async (action, expected) => {
    const started = Date.now();
    await action();
    await page.waitForFunction((text) => document.querySelector('.pager-range').textContent.startsWith(text), expected);
    return Date.now() - started;
  };
  const abandoned = big.filter((c) => c.outcome === 'abandoned').length;
  const filterMs = await timed(() => page.getByLabel('Filter by status').selectOption('abandoned'), `Conversations 1–25 of ${abandoned.toLocaleString('en-US')} matching`);
  const vegan = big.filter((c) => c.outcome === 'abandoned' && c.transcript.some((t) => t.text.toLowerCase().includes('vegan'))).length;
  const searchMs = await timed(() => page.getByLabel('Search the fetched conversations').fill('VEGAN'), `Conversations 1–25 of ${vegan.toLocaleString('en-US')} matching`);
  await page.getByLabel('Search the fetched conversations').fill('');
  const sortStarted = Date.now();
  await page.getByRole('button', { name: 'Messages', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]'));
  const sortMs = Date.now() - sortStarted;
  const counts = await page.locator('tbody td.number').allTextContents();
  const most = Math.max(...big.filter((c) => c.outcome === 'abandoned').map((c) => c.transcript.length));
  assert.equal(Number(counts[0]), most, 'most messages first');
  console.log(`preview of 10,000: filter ${filterMs} ms, search ${searchMs} ms, sort ${sortMs} ms`);
  for (const ms of [filterMs, searchMs, sortMs]) assert.ok(ms < 1500, `${ms} ms`);
  await page.locator('tbody tr').first().click();
  await page.locator('.messages').waitFor();
  await page.close();
});

test('transcript: bubbles by author, local time with a UTC toggle, events inline, tool calls folded, copy', async () => {
  const context = await browser.newContext({ timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(APP_URL).origin });
  const page = await context.newPage();
  await page.goto(APP_URL);
  const truth = await simJson('/_sim/dataset/humind');
  await fetchHumind(page);
  await waitForEnd(page);
  const withCart = truth.find((c) => c.messages.some((m) => (m.events ?? []).some((e) => e.type === 'add_product')));
  await openTranscript(page, withCart.humind_id);
  const first = page.locator('.messages > li').first();
  assert.ok(await first.evaluate((el) => el.classList.contains('customer')), 'bubbles carry their author');
  const sent = new Date(withCart.messages[0].created_at);
  const paris = sent.toLocaleString('sv-SE', { timeZone: 'Europe/Paris' }).slice(0, 16);
  assert.equal(await first.locator('time').textContent(), paris, 'local time by default');
  await page.getByLabel(/Show times in UTC/).check();
  assert.equal(await first.locator('time').textContent(), `${withCart.messages[0].created_at.slice(0, 16).replace('T', ' ')} UTC`);
  assert.ok((await page.locator('.messages .event').count()) > 0, 'events inline');
  await page.getByRole('button', { name: 'Copy transcript' }).click();
  await page.getByText('Transcript copied.').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.includes(withCart.messages[0].content[0].split('\n')[0]));

  await fetchVendor(page, 'voice-widget');
  await waitForEnd(page);
  const calls = (await simJson('/_sim/dataset/voice-widget')).find((c) => c.tool_calls.length > 0);
  await openTranscript(page, calls.id);
  const details = page.locator('details.tool-calls');
  assert.equal(await details.getAttribute('open'), null, 'tool calls start folded');
  await details.locator('summary').click();
  assert.ok(await details.locator('li').first().isVisible());
  await context.close();
});

test('summary: conversations per day, by status and channel, shares handed over and with a cart', async () => {
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const days = new Set(truth.map((c) => c.created_at.slice(0, 10)));
  const bars = await page.locator('[data-chart="per-day"] rect.bar').count();
  const first = [...days].sort()[0];
  const last = [...days].sort().at(-1);
  assert.equal(bars, (Date.parse(last) - Date.parse(first)) / 86_400_000 + 1, 'a bar per day, gaps included');
  const human = truth.filter((c) => c.handoff_status !== 'ai_active').length;
  assert.match(await page.locator('[data-chart="human"] svg').getAttribute('aria-label'), new RegExp(`${human} of ${truth.length}`));
  const carts = truth.filter((c) => c.has_triggered_cart).length;
  assert.match(await page.locator('[data-chart="cart"] svg').getAttribute('aria-label'), new RegExp(`${carts} of ${truth.length}`));
  const statusLabel = await page.locator('[data-chart="status"]').getAttribute('aria-label');
  assert.ok(statusLabel.includes(`The AI assistant ${truth.filter((c) => c.handoff_status === 'ai_active').length}`), statusLabel);
  await page.context().close();
});

test('keyboard: every control is reachable with Tab and shows where the focus is', async () => {
  const page = await openPage(browser);
  const reached = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || `${el.tagName}[${el.type}]`, body: el === document.body, outline: style.outlineStyle, width: style.outlineWidth };
    });
    if (info.body) break;
    reached.add(info.id);
    // The address waits under Advanced: open it on the way, as a keyboard user would.
    if (info.id === 'Advanced: API address') await page.keyboard.press('Enter');
    assert.ok(info.outline !== 'none' && info.width !== '0px', `focus visible on ${info.id}`);
  }
  for (const id of ['vendor', 'api-key', 'Advanced: API address', 'base-url', 'filter-created-after', 'filter-created-after-calendar-button', 'filter-handoff-status', 'Fetch conversations']) {
    assert.ok(reached.has(id), `${id} reachable: ${[...reached].join(', ')}`);
  }
  await page.context().close();
});

test('static hosting: the release build works from a sub-path, with its own links', async () => {
  const page = await browser.newPage();
  const failed = [];
  page.on('response', (response) => response.status() >= 400 && failed.push(response.url()));
  await page.goto(`${SUBPATH_URL}?vendor=humind&demo=1`);
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await waitForEnd(page), /^Done/);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/tools/export/', 'the address stays under the sub-path');
  assert.equal(url.searchParams.get('demo'), '1');
  assert.deepEqual(failed, [], 'every asset loads');
  await page.close();
});

test('security: a Content-Security-Policy without inline script, no referrer, no third party', async () => {
  const page = await openPage(browser);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.match(csp, /connect-src 'self' https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/);
  assert.equal(await page.locator('meta[name="referrer"]').getAttribute('content'), 'no-referrer');
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
  const origins = new Set();
  page.on('request', (request) => origins.add(new URL(request.url()).origin));
  await fetchHumind(page);
  await waitForEnd(page);
  const allowed = new Set([new URL(APP_URL).origin, new URL(SIM_URL).origin]);
  assert.deepEqual([...origins].filter((o) => !allowed.has(o)), [], 'no request to anyone else');
  assert.deepEqual(page.problems, [], 'no CSP violation or error in the console');
  await page.context().close();
});
