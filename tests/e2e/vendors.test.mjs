// TalkToHumans, HueChat, the voice widget and Mindo end to end: the release build in headless
// Chromium exports from the simulator server, and the files are checked against its ground truth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchVendor, fillFilters, setAddress, waitForEnd, counter, download, parseCsv, simJson, resetSim,
  simRequests, openTranscript, VENDORS,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
  await resetSim();
});
after(async () => browser?.close());

const neutral = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
const instant = (text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text).getTime();

test('TalkToHumans: conversations, participants, and a plain word about the missing transcript', async () => {
  const truth = await simJson('/_sim/dataset/talktohumans');
  const page = await openPage(browser);
  await fetchVendor(page, 'talktohumans');
  assert.match(await waitForEnd(page), /^Done/);
  assert.equal(await counter(page, 'conversations'), truth.length);
  assert.equal(await counter(page, 'requests'), Math.ceil(truth.length / 25), 'pages of 25, the clamped maximum');

  const conversations = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.deepEqual(conversations.map((r) => r.conversation_id), truth.map((c) => c.conversation_id));
  assert.deepEqual(conversations.map((r) => r.last_message_preview), truth.map((c) => neutral(c.last_message_text)));
  assert.ok(conversations.every((r) => 'extra_sequence' in r && 'extra_account' in r), 'account and sequence are kept');
  const participants = parseCsv((await download(page, 'Participants CSV')).bytes);
  const expected = truth.flatMap((c) => c.participants.map((p) => [c.conversation_id, p.contact_id, p.linkedin_url]));
  assert.deepEqual(participants.map((r) => [r.conversation_id, r.contact_id, r.linkedin_url]), expected);

  await openTranscript(page, truth[0].conversation_id);
  assert.match(await page.locator('[data-transcript-note]').textContent(), /offers no full transcript/);
  assert.equal(await page.locator('.messages .text').textContent(), truth[0].last_message_text);
  await page.context().close();
});

test('TalkToHumans: a contact ID that breaks the documented pattern is refused before sending', async () => {
  const page = await openPage(browser);
  await resetSim();
  await fetchVendor(page, 'talktohumans', { filters: { 'Contact ID': '0123' } });
  assert.match(await page.locator('#filter-contact-id-error').textContent(), /whole number without leading zeros/);
  assert.equal(await simRequests(), 0);
  await page.context().close();
});

test('HueChat: every conversation with its messages, exact progress, adjustable concurrency', async () => {
  const truth = await simJson('/_sim/dataset/huechat');
  const page = await openPage(browser);
  await fillFilters(page, {});
  await page.getByLabel('Vendor', { exact: true }).selectOption('huechat');
  await page.getByLabel('Requests at once').fill('4');
  await page.getByLabel('Requests at once').blur();
  assert.equal(new URL(page.url()).searchParams.get('concurrency'), '4');
  await fetchVendor(page, 'huechat');
  assert.match(await waitForEnd(page), /^Done/);
  assert.equal(await counter(page, 'conversations'), truth.length);
  assert.equal(await page.locator('#run-step').textContent(), `Messages for ${truth.length} of ${truth.length} conversations`);
  const messageCount = truth.reduce((n, c) => n + c.messages.length, 0);
  assert.equal(await counter(page, 'messages'), messageCount);
  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  const expected = truth.flatMap((c) => c.messages.map((m, i) => [c.id, String(i), m.id, m.sender?.name ?? '']));
  assert.deepEqual(messages.map((r) => [r.conversation_id, r.position, r.message_id, r.author_name.replace(/^'/, '')]), expected);
  const operator = truth.find((c) => c.messages.some((m) => m.sent_by === 'user'));
  await openTranscript(page, operator.id);
  const sender = operator.messages.find((m) => m.sent_by === 'user').sender.name;
  assert.ok((await page.locator('.bubble.operator .author').first().textContent()).includes(sender));
  await page.context().close();
});

test('HueChat: filters reach the vendor and the result matches them', async () => {
  const truth = await simJson('/_sim/dataset/huechat');
  const page = await openPage(browser);
  await fetchVendor(page, 'huechat', { filters: { Status: 'closed', Channel: 'whatsapp' } });
  await waitForEnd(page);
  const expected = truth.filter((c) => c.status === 'closed' && c.channel === 'whatsapp');
  assert.ok(expected.length > 0);
  const rows = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.deepEqual(rows.map((r) => r.conversation_id), expected.map((c) => c.id));
  await page.context().close();
});

test('Voice widget: the base URL is required; transcripts, tool calls, criteria and the vendor file', async () => {
  const truth = await simJson('/_sim/dataset/voice-widget');
  const page = await openPage(browser);
  await page.getByLabel('Vendor', { exact: true }).selectOption('voice-widget');
  assert.equal(await page.getByLabel('API address (base URL)').inputValue(), '');
  await page.getByLabel('API key', { exact: true }).fill(VENDORS['voice-widget'].key);
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await page.locator('#base-url-error').textContent(), /Enter the vendor's API address/);

  await fetchVendor(page, 'voice-widget', { filters: { 'Started on or after': '2026-04-15', 'Started before': '2026-06-15', Outcome: 'completed' } });
  assert.match(await waitForEnd(page), /^Done/);
  const expected = truth.filter((c) => c.outcome === 'completed' && instant(c.started_at) >= instant('2026-04-15') && instant(c.started_at) < instant('2026-06-15'));
  assert.equal(await counter(page, 'conversations'), expected.length);
  const calls = parseCsv((await download(page, 'Tool calls CSV')).bytes);
  assert.deepEqual(calls.map((r) => [r.conversation_id, r.name]), expected.flatMap((c) => c.tool_calls.map((t) => [c.id, t.name])));
  assert.deepEqual(calls.map((r) => JSON.parse(r.arguments)), expected.flatMap((c) => c.tool_calls.map((t) => t.args)));
  const criteria = parseCsv((await download(page, 'Criteria CSV')).bytes);
  const expectedCriteria = expected.flatMap((c) => Object.entries(c.criteria_results ?? {}).sort().map(([name, r]) => [c.id, name, String(r.passed)]));
  assert.deepEqual(criteria.map((r) => [r.conversation_id, r.criterion, r.passed]), expectedCriteria);

  const withTools = expected.find((c) => c.tool_calls.length > 0);
  await openTranscript(page, withTools.id);
  assert.equal(await page.locator('.messages > li').count(), withTools.transcript.length);
  await page.getByText(`Tool calls (${withTools.tool_calls.length})`).click();
  assert.ok((await page.locator('.tool-calls').textContent()).includes(withTools.tool_calls[0].name));
  assert.equal(await page.locator('.criteria li').count(), Object.keys(withTools.criteria_results).length);
  const file = await download(page, "Voice widget's transcript (.md)");
  assert.equal(file.name, `voice-widget_${withTools.id}_transcript.md`);
  assert.ok(file.bytes.toString('utf8').startsWith(`# Conversation ${withTools.id}`));
  await page.context().close();
});

test('Mindo: required filters, 31-day windows, every message grouped into conversations', async () => {
  const truth = await simJson('/_sim/dataset/mindo');
  const page = await openPage(browser);
  await resetSim();
  await page.getByLabel('Vendor', { exact: true }).selectOption('mindo');
  await page.getByLabel('API key', { exact: true }).fill(VENDORS.mindo.key);
  await setAddress(page, VENDORS.mindo.base());
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  for (const id of ['company-id', 'from', 'to']) {
    assert.match(await page.locator(`#filter-${id}-error`).textContent(), /is required/);
  }
  assert.equal(await simRequests(), 0);

  const range = { from: '2026-04-01', to: '2026-06-30' };
  await fetchVendor(page, 'mindo', { filters: { 'Company ID': '42,57', From: range.from, 'To (not included)': range.to } });
  assert.match(await waitForEnd(page), /^Done/);
  const rows = await page.locator('table.windows tbody tr').allTextContents();
  assert.equal(rows.length, 3, '90 days in three windows');
  assert.ok(rows.every((r) => r.endsWith('done')));
  const expected = truth.filter((m) => instant(`${m.occurred_at}Z`) >= instant(range.from) && instant(`${m.occurred_at}Z`) < instant(range.to));
  assert.equal(await counter(page, 'messages'), expected.length);
  assert.equal(await counter(page, 'conversations'), new Set(expected.map((m) => m.conversation_id)).size);
  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  assert.deepEqual(new Set(messages.map((r) => r.message_id)), new Set(expected.map((m) => m.message_id)));
  const sample = messages.find((r) => r.classifications);
  const original = expected.find((m) => m.message_id === sample.message_id);
  assert.equal(sample.classifications, neutral(original.classifications.map((c) => `${c.label}=${c.value}`).join(' | ')));
  assert.equal(sample.sent_at, `${original.occurred_at}Z`, 'no zone in the source: written as UTC');
  await page.context().close();
});
