// Each of the five vendors, fetched with a filter from the simulator over HTTP, in this engine.
// Every file the user downloads (CSV, JSON, raw NDJSON, the zip) is read back byte for byte and
// checked against the simulator's ground truth.
import assert from 'node:assert/strict';
import { flow, withPage, checkZip, ndjson, canonical } from './suite.mjs';
import {
  fetchVendor, fillVendor, fillFilters, waitForEnd, counter, parseCsv, simJson, resetSim, humindSelect, openTranscript, VENDORS,
} from '../helpers.mjs';

// What a spreadsheet-safe CSV holds for a vendor's text.
const neutral = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
const instant = (text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text).getTime();

flow('Humind: a date filter; CSV, JSON, raw NDJSON and the zip match the ground truth', async () => {
  const truth = await simJson('/_sim/dataset/humind');
  const MAY = { createdAfter: '2026-05-01', createdBefore: '2026-06-01' };
  const expected = humindSelect(truth, MAY);
  assert.ok(expected.length > 20 && expected.length < truth.length, 'the filter selects a real subset');
  await withPage(async (page) => {
    await fetchVendor(page, 'humind', { filters: { 'Started on or after': MAY.createdAfter, 'Started on or before': MAY.createdBefore } });
    assert.match(await waitForEnd(page), /^Done/);
    assert.equal(await counter(page, 'conversations'), expected.length);
    const messageCount = expected.reduce((n, c) => n + c.messages.length, 0);
    assert.equal(await counter(page, 'messages'), messageCount);

    const conversations = await page.download('Conversations CSV');
    assert.equal(conversations.name, 'humind_2026-05-01_2026-06-01_conversations.csv');
    assert.match(conversations.type, /^text\/csv/);
    assert.deepEqual([...conversations.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for spreadsheets');
    const rows = parseCsv(conversations.bytes);
    assert.deepEqual(rows.map((r) => r.conversation_id), expected.map((c) => c.humind_id));
    assert.deepEqual(rows.map((r) => r.tags), expected.map((c) => neutral(c.tags.join(' | '))));

    const messagesFile = await page.download('Messages CSV');
    const messages = parseCsv(messagesFile.bytes);
    const texts = expected.flatMap((c) => c.messages.map((m) => m.content.join('\n\n')));
    assert.equal(messages.length, messageCount);
    for (const [i, row] of messages.entries()) {
      if (texts[i].length <= 32767) assert.equal(row.text, neutral(texts[i]), `message ${i}`);
    }

    const jsonFile = await page.download('JSON');
    const json = JSON.parse(jsonFile.bytes.toString('utf8'));
    assert.deepEqual(json.map((c) => c.messages.length), expected.map((c) => c.messages.length));

    // Every record exactly as the vendor sent it, in its order. The app fetches without
    // include=contact, so each record has contact_id where the ground truth has the contact.
    const raw = await page.download('Raw NDJSON (as sent)');
    const withoutContact = ({ contact, ...rest }) => (contact ? { ...rest, contact_id: contact.id } : rest);
    const lines = ndjson(raw.bytes);
    assert.equal(lines.length, expected.length);
    lines.forEach((line, i) => assert.deepEqual(line, withoutContact(expected[i]), `line ${i + 1}`));

    const zip = await page.download('Download all (.zip)');
    checkZip(zip, 'humind', expected.length, [conversations, messagesFile, jsonFile, raw]);
  });
});

flow('TalkToHumans: a contact filter; conversations, participants and the raw records', async () => {
  const truth = await simJson('/_sim/dataset/talktohumans');
  // A contact who takes part in more than one conversation, where there is one.
  const contacts = truth.flatMap((c) => c.participants.map((p) => p.contact_id));
  const contact = contacts.find((id, i) => contacts.indexOf(id) !== i) ?? contacts[0];
  const expected = truth.filter((c) => c.participants.some((p) => p.contact_id === contact));
  assert.ok(expected.length >= 1 && expected.length < truth.length);
  await withPage(async (page) => {
    await fetchVendor(page, 'talktohumans', { filters: { 'Contact ID': contact } });
    assert.match(await waitForEnd(page), /^Done/);
    assert.equal(await counter(page, 'conversations'), expected.length);

    const conversationsFile = await page.download('Conversations CSV');
    const conversations = parseCsv(conversationsFile.bytes);
    assert.deepEqual(conversations.map((r) => r.conversation_id), expected.map((c) => c.conversation_id));
    assert.deepEqual(conversations.map((r) => r.last_message_preview), expected.map((c) => neutral(c.last_message_text)));
    const participantsFile = await page.download('Participants CSV');
    assert.deepEqual(
      parseCsv(participantsFile.bytes).map((r) => [r.conversation_id, r.contact_id, r.linkedin_url]),
      expected.flatMap((c) => c.participants.map((p) => [c.conversation_id, p.contact_id, p.linkedin_url])),
    );
    const jsonFile = await page.download('JSON');
    assert.deepEqual(JSON.parse(jsonFile.bytes.toString('utf8')).map((c) => c.id ?? c.conversation_id), expected.map((c) => c.conversation_id));
    const raw = await page.download('Raw NDJSON (as sent)');
    assert.deepEqual(ndjson(raw.bytes), expected, 'every record as sent, in order');
    checkZip(await page.download('Download all (.zip)'), 'talktohumans', expected.length, [conversationsFile, participantsFile, jsonFile, raw]);

    await openTranscript(page, expected[0].conversation_id);
    assert.match(await page.locator('[data-transcript-note]').textContent(), /offers no full transcript/);
    assert.equal(await page.locator('.messages .text').textContent(), expected[0].last_message_text);
  });
});

flow('HueChat: status and channel filters, concurrency, every message in order, the zip', async () => {
  const truth = await simJson('/_sim/dataset/huechat');
  const expected = truth.filter((c) => c.status === 'closed' && c.channel === 'whatsapp');
  assert.ok(expected.length > 0);
  await withPage(async (page) => {
    await page.getByLabel('Vendor', { exact: true }).selectOption('huechat');
    await page.getByLabel('Requests at once').fill('4');
    await page.getByLabel('Requests at once').blur();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('concurrency') === '4');
    await fetchVendor(page, 'huechat', { filters: { Status: 'closed', Channel: 'whatsapp' } });
    assert.match(await waitForEnd(page), /^Done/);
    assert.equal(await counter(page, 'conversations'), expected.length);
    const messageCount = expected.reduce((n, c) => n + c.messages.length, 0);
    assert.equal(await counter(page, 'messages'), messageCount);

    const conversationsFile = await page.download('Conversations CSV');
    assert.deepEqual(parseCsv(conversationsFile.bytes).map((r) => r.conversation_id), expected.map((c) => c.id));
    const messagesFile = await page.download('Messages CSV');
    assert.deepEqual(
      parseCsv(messagesFile.bytes).map((r) => [r.conversation_id, r.position, r.message_id, r.author_name.replace(/^'/, '')]),
      expected.flatMap((c) => c.messages.map((m, i) => [c.id, String(i), m.id, m.sender?.name ?? ''])),
    );
    const jsonFile = await page.download('JSON');
    assert.deepEqual(JSON.parse(jsonFile.bytes.toString('utf8')).map((c) => c.messages.length), expected.map((c) => c.messages.length));
    // The raw file holds the list records and the message records, each as sent.
    const raw = await page.download('Raw NDJSON (as sent)');
    const sent = ndjson(raw.bytes).map(canonical).sort();
    const truthRecords = expected.flatMap(({ messages, ...conversation }) => [conversation, ...messages]).map(canonical).sort();
    assert.deepEqual(sent, truthRecords);
    checkZip(await page.download('Download all (.zip)'), 'huechat', expected.length, [conversationsFile, messagesFile, jsonFile, raw]);

    const operator = expected.find((c) => c.messages.some((m) => m.sent_by === 'user'));
    if (operator) {
      await openTranscript(page, operator.id);
      const sender = operator.messages.find((m) => m.sent_by === 'user').sender.name;
      assert.ok((await page.locator('.bubble.operator .author').first().textContent()).includes(sender));
    }
  });
});

flow("Voice widget: dates and outcome; tool calls, criteria, the raw records and the vendor's transcript file", async () => {
  const truth = await simJson('/_sim/dataset/voice-widget');
  const expected = truth.filter((c) => c.outcome === 'completed' && instant(c.started_at) >= instant('2026-04-15') && instant(c.started_at) < instant('2026-06-15'));
  assert.ok(expected.length > 0 && expected.length < truth.length);
  await withPage(async (page) => {
    await page.getByLabel('Vendor', { exact: true }).selectOption('voice-widget');
    assert.equal(await page.getByLabel('API address (base URL)').inputValue(), '');
    await page.getByLabel('API key', { exact: true }).fill(VENDORS['voice-widget'].key);
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.match(await page.locator('#base-url-error').textContent(), /Enter the vendor's API address/);

    await fetchVendor(page, 'voice-widget', { filters: { 'Started on or after': '2026-04-15', 'Started before': '2026-06-15', Outcome: 'completed' } });
    assert.match(await waitForEnd(page), /^Done/);
    assert.equal(await counter(page, 'conversations'), expected.length);
    const conversationsFile = await page.download('Conversations CSV');
    assert.deepEqual(parseCsv(conversationsFile.bytes).map((r) => r.conversation_id), expected.map((c) => c.id));
    const callsFile = await page.download('Tool calls CSV');
    const calls = parseCsv(callsFile.bytes);
    assert.deepEqual(calls.map((r) => [r.conversation_id, r.name]), expected.flatMap((c) => c.tool_calls.map((t) => [c.id, t.name])));
    assert.deepEqual(calls.map((r) => JSON.parse(r.arguments)), expected.flatMap((c) => c.tool_calls.map((t) => t.args)));
    const criteriaFile = await page.download('Criteria CSV');
    assert.deepEqual(
      parseCsv(criteriaFile.bytes).map((r) => [r.conversation_id, r.criterion, r.passed]),
      expected.flatMap((c) => Object.entries(c.criteria_results ?? {}).sort().map(([name, r]) => [c.id, name, String(r.passed)])),
    );
    const jsonFile = await page.download('JSON');
    assert.equal(JSON.parse(jsonFile.bytes.toString('utf8')).length, expected.length);
    const raw = await page.download('Raw NDJSON (as sent)');
    assert.deepEqual(ndjson(raw.bytes), expected, 'every record as sent, in order');
    checkZip(await page.download('Download all (.zip)'), 'voice-widget', expected.length, [conversationsFile, callsFile, criteriaFile, jsonFile, raw]);

    const withTools = expected.find((c) => c.tool_calls.length > 0);
    await openTranscript(page, withTools.id);
    assert.equal(await page.locator('.messages > li').count(), withTools.transcript.length);
    await page.getByText(`Tool calls (${withTools.tool_calls.length})`).click();
    assert.ok((await page.locator('.tool-calls').textContent()).includes(withTools.tool_calls[0].name));
    assert.equal(await page.locator('.criteria li').count(), Object.keys(withTools.criteria_results).length);
    // Fetched from the vendor on demand, then saved.
    const file = await page.download("Voice widget's transcript (.md)");
    assert.equal(file.name, `voice-widget_${withTools.id}_transcript.md`);
    assert.ok(file.bytes.toString('utf8').startsWith(`# Conversation ${withTools.id}`));
  });
});

flow('Mindo: required filters, 31-day windows, NDJSON read as it streams, every message', async () => {
  const truth = await simJson('/_sim/dataset/mindo');
  const range = { from: '2026-04-01', to: '2026-06-30' };
  const expected = truth.filter((m) => instant(`${m.occurred_at}Z`) >= instant(range.from) && instant(`${m.occurred_at}Z`) < instant(range.to));
  assert.ok(expected.length > 0 && expected.length < truth.length);
  await withPage(async (page) => {
    await resetSim();
    await fillVendor(page, 'mindo');
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    for (const id of ['company-id', 'from', 'to']) {
      assert.match(await page.locator(`#filter-${id}-error`).textContent(), /is required/);
    }
    assert.equal((await simJson('/_sim/stats')).requests, 0, 'nothing sent');

    await fillFilters(page, { 'Company ID': '42,57', From: range.from, 'To (not included)': range.to });
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.match(await waitForEnd(page), /^Done/);
    const windows = await page.locator('table.windows tbody tr').allTextContents();
    assert.equal(windows.length, 3, '90 days in three windows');
    assert.ok(windows.every((r) => r.trim().endsWith('done')), windows.join(' / '));
    assert.equal(await counter(page, 'messages'), expected.length);
    assert.equal(await counter(page, 'conversations'), new Set(expected.map((m) => m.conversation_id)).size);

    const messagesFile = await page.download('Messages CSV');
    const messages = parseCsv(messagesFile.bytes);
    assert.deepEqual(new Set(messages.map((r) => r.message_id)), new Set(expected.map((m) => m.message_id)));
    const sample = messages.find((r) => r.classifications);
    const original = expected.find((m) => m.message_id === sample.message_id);
    assert.equal(sample.classifications, neutral(original.classifications.map((c) => `${c.label}=${c.value}`).join(' | ')));
    assert.equal(sample.sent_at, `${original.occurred_at}Z`, 'no zone in the source: written as UTC');
    const conversationsFile = await page.download('Conversations CSV');
    const jsonFile = await page.download('JSON');
    assert.equal(JSON.parse(jsonFile.bytes.toString('utf8')).length, new Set(expected.map((m) => m.conversation_id)).size);
    // Each line as sent: the ground truth's record less what was not asked for (include).
    const raw = await page.download('Raw NDJSON (as sent)');
    const byId = new Map(expected.map((m) => [m.message_id, m]));
    const lines = ndjson(raw.bytes);
    assert.equal(lines.length, expected.length);
    for (const line of lines) {
      const { extractions, tool_calls: toolCalls, trace_id: traceId, ...asked } = byId.get(line.message_id);
      assert.deepEqual(line, asked, line.message_id);
    }
    checkZip(await page.download('Download all (.zip)'), 'mindo', new Set(expected.map((m) => m.conversation_id)).size, [messagesFile, conversationsFile, jsonFile, raw]);
  });
});
