// Trust what you see: a partial export says so everywhere it is shown or saved, Resume never
// mixes two sets of filters, an empty result says what to try, people's words instead of codes,
// and a phone gets its progress and transcripts in view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchVendor, fillVendor, fillFilters, waitForEnd, counter, download, parseCsv, readZip,
  simJson, resetSim, SIM_URL,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await resetSim();
  await browser?.close();
});

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

/** Starts a HueChat export slowed down, and cancels it once some messages are in. */
async function cancelledHueChat(page, filters = {}) {
  await latency(60);
  await fetchVendor(page, 'huechat', { filters });
  await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 100);
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.match(await waitForEnd(page), /^Stopped: /);
  await latency(0);
}

test('a partial export says "partial" on every button, in every file name, in the summary and atop each transcript', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/huechat');
  const page = await openPage(browser);
  await cancelledHueChat(page);
  const fetched = await counter(page, 'conversations');
  assert.ok(fetched > 0 && fetched <= truth.length);
  const label = `Partial: ${fetched.toLocaleString('en-US')} of ${truth.length.toLocaleString('en-US')}`;
  for (const name of ['Conversations CSV', 'Messages CSV', 'JSON', 'Raw NDJSON (as sent)', 'Download all (.zip)']) {
    assert.equal(await page.getByRole('button', { name: `${name}, ${label}`, exact: true }).count(), 1, name);
  }
  assert.match(await page.locator('.summary [data-partial]').textContent(), new RegExp(label));
  const csv = await download(page, `Conversations CSV, ${label}`);
  assert.match(csv.name, /^huechat_.*_conversations_partial\.csv$/);
  assert.equal(parseCsv(csv.bytes).length, fetched, 'the file holds what was fetched');
  const zip = await download(page, `Download all (.zip), ${label}`);
  assert.match(zip.name, /_export_partial\.zip$/);
  const entries = readZip(zip.bytes);
  const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
  assert.equal(manifest.complete, false);
  const names = [...entries.keys()];
  for (const name of names.filter((n) => !n.startsWith('transcripts/') && n !== 'manifest.json')) {
    assert.match(name, /_partial\./, `${name} says partial`);
  }
  const transcript = names.find((n) => n.endsWith('.txt'));
  assert.match(entries.get(transcript).toString('utf8'), /^Partial export: /, 'the first line of a transcript');
  // Resume finishes it: the labels go, the names are whole again.
  await page.getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done/);
  assert.equal(await page.getByRole('button', { name: 'Conversations CSV', exact: true }).count(), 1);
  assert.equal(await page.locator('[data-partial]').count(), 0);
  assert.doesNotMatch((await download(page, 'Conversations CSV')).name, /partial/);
  await page.context().close();
});

test('Resume after the filters changed: start anew or put the old filters back, never a mix', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  // Slow pages (Humind sends 100 a page): time to stop after the first.
  await latency(1500);
  await fetchVendor(page, 'humind');
  await page.waitForFunction(() => Number(document.querySelector('[data-counter="conversations"]')?.textContent.replace(/[^0-9]/g, '')) >= 100);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await waitForEnd(page);
  await latency(0);
  const linkBefore = page.url();
  await fillFilters(page, { 'Handled by': 'ai_active' });
  assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0, 'no Resume under other filters');
  assert.match(await page.locator('[data-run-changed]').textContent(), /changed since this export stopped/);
  assert.equal(page.url(), linkBefore, 'the address still describes the data on screen');

  await page.getByRole('button', { name: 'Put back the filters of the stopped export' }).click();
  assert.equal(await page.getByLabel('Handled by', { exact: true }).inputValue(), '');
  await page.getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page), /^Done/);
  assert.equal(await counter(page, 'conversations'), truth.length, 'the old filters, every conversation');

  await fillFilters(page, { 'Handled by': 'ai_active' });
  await page.getByRole('button', { name: 'Start a new export with these filters' }).click();
  assert.match(await waitForEnd(page), /^Done/);
  const rows = parseCsv((await download(page, 'Conversations CSV')).bytes);
  const expected = truth.filter((c) => c.handoff_status === 'ai_active');
  assert.deepEqual(rows.map((r) => r.conversation_id), expected.map((c) => c.humind_id));
  assert.equal(new URL(page.url()).searchParams.get('handoff_status'), 'ai_active');
  await page.context().close();
});

test('an empty result says which filters gave nothing and what to try', async () => {
  await resetSim();
  const page = await openPage(browser);
  await fetchVendor(page, 'humind', { filters: { 'Started on or after': '2031-01-01' } });
  assert.match(await waitForEnd(page), /^Done: Humind has no conversations that match these filters/);
  const empty = await page.locator('[data-empty-result]').textContent();
  assert.match(empty, /Started on or after: 2031-01-01/);
  assert.match(empty, /Try a wider date range/);
  await page.context().close();
});

test("people's words on screen, the vendor's codes in the CSV", async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  await fetchVendor(page, 'humind');
  await waitForEnd(page);
  const shown = await page.locator('tbody tr td:nth-child(3)').allTextContents();
  assert.ok(shown.length > 0);
  for (const status of shown) assert.match(status, /^(The AI assistant|Waiting for a human|A human operator)$/);
  const chart = await page.locator('[data-chart="status"]').getAttribute('aria-label');
  assert.match(chart, /^Handled by, now: /);
  assert.doesNotMatch(chart, /ai_active|human_active|queued/);
  assert.match(await page.locator('[data-chart="human"] figcaption').textContent(), /With a human now, or waiting for one/);
  await page.locator('tbody tr').first().click();
  assert.doesNotMatch(await page.locator('.transcript .facts').textContent(), /ai_active|human_active|queued/);
  const rows = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.deepEqual(rows.map((r) => r.status), truth.map((c) => c.handoff_status), 'the CSV keeps the codes');
  await page.context().close();
});

test('TalkToHumans and HueChat say why there are no date fields', async () => {
  const page = await openPage(browser);
  for (const vendor of ['talktohumans', 'huechat']) {
    await page.getByLabel('Vendor', { exact: true }).selectOption(vendor);
    assert.match(await page.locator('[data-no-dates]').textContent(), /API has no date filter, so every conversation is fetched/);
  }
  await page.getByLabel('Vendor', { exact: true }).selectOption('humind');
  assert.equal(await page.locator('[data-no-dates]').count(), 0);
  await page.getByRole('button', { name: 'This month' }).click();
  assert.match(await page.locator('[data-range-words]').textContent(), /^1–(28|29|30|31) [A-Z][a-z]{2} \d{4}, UTC/);
  await page.context().close();
});

test('on a 390-pixel phone: progress in view after Fetch, the transcript as a view of its own, a table that says it scrolls', async () => {
  await resetSim();
  const page = await openPage(browser, { width: 390, height: 800 });
  await latency(30);
  await fetchVendor(page, 'humind');
  await page.waitForTimeout(200);
  const status = await page.locator('#run-status').boundingBox();
  assert.ok(status.y >= 0 && status.y + status.height <= 800, `progress in view (${status.y})`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run-status', 'focus on the status');
  await waitForEnd(page);
  await latency(0);
  assert.ok(await page.locator('.scroll-hint').isVisible(), 'the table says it scrolls sideways');
  await page.locator('tbody tr').first().locator('button').click();
  const heading = await page.locator('#transcript-heading').boundingBox();
  assert.ok(heading.y >= 0 && heading.y < 800, `the transcript opens in view (${heading.y})`);
  const panel = await page.locator('.transcript').boundingBox();
  assert.ok(panel.width >= 388, 'full width');
  await page.getByRole('button', { name: '‹ Back to the list' }).click();
  assert.equal(await page.locator('.transcript.open').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.conversationId != null), true, 'back on its row');
  await page.context().close();
});

test('the address waits under Advanced where the vendor documents one', async () => {
  const page = await openPage(browser);
  assert.equal(await page.getByLabel('API address (base URL)').isVisible(), false, 'Humind: under Advanced');
  await page.getByText('Advanced: API address').click();
  assert.ok(await page.getByLabel('API address (base URL)').isVisible());
  await page.getByLabel('Vendor', { exact: true }).selectOption('voice-widget');
  assert.ok(await page.getByLabel('API address (base URL)').isVisible(), 'the voice widget needs it up front');
  assert.match(await page.locator('#base-url-help').textContent(), /dashboard/);
  await fillVendor(page, 'voice-widget');
  await page.context().close();
});

test("each vendor's own columns and files by default; the same columns for every vendor on request", async () => {
  await resetSim();
  const page = await openPage(browser);
  await fetchVendor(page, 'humind');
  await waitForEnd(page);
  const header = (bytes) => bytes.toString('utf8').replace(/^\ufeff/, '').split('\r\n')[0].split(',');
  const own = header((await download(page, 'Conversations CSV')).bytes);
  assert.ok(!own.includes('criteria_passed') && !own.includes('participant_count'), own.join(','));
  await page.getByText('Choose and order CSV columns').click();
  const files = await page.getByLabel('File', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(files, ['conversations.csv', 'messages.csv', 'events.csv'], "only Humind's files");
  await page.getByLabel('Same columns for every vendor (to combine exports of several vendors in one table)').check();
  assert.equal(new URL(page.url()).searchParams.get('layout'), 'unified');
  const shared = await download(page, 'Conversations CSV');
  const rows = parseCsv(shared.bytes);
  assert.ok(header(shared.bytes).includes('criteria_passed'));
  assert.ok(rows.every((row) => row.criteria_passed === ''), 'empty, not 0, for a vendor without criteria');
  await page.context().close();

  const outreach = await openPage(browser);
  await fetchVendor(outreach, 'talktohumans');
  await waitForEnd(outreach);
  assert.equal(await outreach.getByRole('button', { name: 'Messages CSV', exact: true }).count(), 0, 'no header-only messages file');
  assert.equal(await outreach.getByRole('button', { name: 'Participants CSV', exact: true }).count(), 1);
  await outreach.context().close();
});

test('TalkToHumans has no date filter: narrowing by date in the browser changes what is shown and downloaded, and says so', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/talktohumans');
  const page = await openPage(browser);
  await fetchVendor(page, 'talktohumans');
  assert.match(await waitForEnd(page), /^Done/);
  // The conversations whose last message falls on the chosen days (TalkToHumans gives no start).
  const days = [...new Set(truth.map((c) => c.last_message_at.slice(0, 10)))].sort();
  const [from, to] = [days[Math.floor(days.length / 3)], days[Math.floor((2 * days.length) / 3)]];
  const expected = truth.filter((c) => c.last_message_at.slice(0, 10) >= from && c.last_message_at.slice(0, 10) <= to).map((c) => c.conversation_id);
  assert.ok(expected.length > 0 && expected.length < truth.length);
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To (included)', { exact: true }).fill(to);
  await page.getByLabel('To (included)', { exact: true }).blur();
  const status = await page.locator('[data-narrowed]').textContent();
  assert.match(status, new RegExp(`Narrowed in this browser .*: ${expected.length} of ${truth.length} conversations`));
  assert.match(await page.locator('.pager-range').textContent(), new RegExp(`of ${expected.length} matching`));
  const csv = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.equal(csv.length, expected.length, 'rows in the CSV');
  assert.deepEqual(csv.map((r) => r.conversation_id), expected);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('shown_from'), from, 'the days are in the link');
  const zip = readZip((await download(page, 'Download all (.zip)')).bytes);
  const manifest = JSON.parse(zip.get('manifest.json').toString('utf8'));
  assert.match(manifest.shown_in_browser, /UTC/);
  assert.equal(manifest.counts.conversations, expected.length);
  await page.context().close();
});
