// The files, downloaded from the app as a user would: Download all, raw NDJSON, transcripts,
// separator and database mode, and the column picker, all kept in the page URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openPage, fetchVendor, fetchHumind, waitForEnd, download, parseCsv, simJson, readZip, openTranscript,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const FULL = {
  humind: {},
  talktohumans: {},
  huechat: {},
  'voice-widget': {},
  mindo: { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-06-30' },
};

test('Download all: every file, a transcript pair per conversation and a manifest, for every vendor', async () => {
  for (const [vendor, filters] of Object.entries(FULL)) {
    const page = await openPage(browser);
    await fetchVendor(page, vendor, { filters });
    assert.match(await waitForEnd(page), /^Done/, vendor);
    const zip = await download(page, 'Download all (.zip)');
    assert.match(zip.name, new RegExp(`^${vendor}_.*_export\\.zip$`));
    const entries = readZip(zip.bytes);
    const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
    assert.equal(manifest.vendor, vendor);
    assert.equal(manifest.complete, true);
    const conversations = manifest.counts.conversations;
    assert.ok(conversations > 0, vendor);
    for (const file of manifest.files) {
      assert.ok(entries.has(file.name), `${vendor}: ${file.name} listed and present`);
      assert.equal(entries.get(file.name).length, file.bytes, `${vendor}: ${file.name} size`);
    }
    const names = [...entries.keys()];
    // TalkToHumans' API has no messages, only each conversation's last one: no messages file.
    const kinds = ['conversations.csv', 'conversations.json', 'raw.ndjson', ...(vendor === 'talktohumans' ? [] : ['messages.csv'])];
    for (const kind of kinds) {
      assert.ok(names.some((n) => n.endsWith(`_${kind}`)), `${vendor}: ${kind}`);
    }
    assert.equal(names.some((n) => n.endsWith('_messages.csv')), vendor !== 'talktohumans', `${vendor}: a messages file only where the vendor has messages`);
    assert.equal(names.filter((n) => /^transcripts\/.*\.txt$/.test(n)).length, conversations, `${vendor}: one text transcript each`);
    assert.equal(names.filter((n) => /^transcripts\/.*\.md$/.test(n)).length, conversations, `${vendor}: one Markdown transcript each`);
    const csv = parseCsv(entries.get(names.find((n) => n.endsWith('_conversations.csv'))));
    assert.equal(csv.length, conversations);
    assert.ok(!JSON.stringify(manifest).includes('_sim_'), `${vendor}: no key in the manifest`);
    await page.context().close();
  }
});

test('raw NDJSON holds every record exactly as the vendor sent it', async () => {
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const raw = await download(page, 'Raw NDJSON (as sent)');
  const lines = raw.bytes.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.equal(lines.length, truth.length);
  // The app fetches without include=contact, so each record carries contact_id where the
  // ground truth (every opt-in) carries the contact object.
  const withoutContact = (c) => {
    const { contact, ...rest } = c;
    return contact ? { ...rest, contact_id: contact.id } : rest;
  };
  // Every line, in the vendor's order: a record dropped, altered or moved anywhere fails.
  lines.forEach((line, index) => {
    assert.deepEqual(line, withoutContact(truth[index]), `line ${index + 1} (${truth[index].humind_id})`);
  });
  await page.context().close();
});

test('separator and database mode are kept in the link and used by the files', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  await page.getByLabel('CSV separator').selectOption('semicolon');
  await page.getByLabel(/For a database, not a spreadsheet/).check();
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('delimiter'), 'semicolon');
  assert.equal(url.searchParams.get('csv'), 'database');
  const file = await download(page, 'Messages CSV');
  assert.notDeepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no byte-order mark for a database');
  const rows = parseCsv(file.bytes, ';');
  assert.ok(rows.length > 0 && 'text' in rows[0]);
  assert.ok(rows.some((r) => r.text.startsWith('=')), 'formula-like text exactly as sent');
  await page.context().close();
});

test('the column picker chooses and orders columns, and the link remembers', async () => {
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  await page.getByText('Choose and order CSV columns').click();
  await page.getByLabel('File', { exact: true }).selectOption('messages');
  const picker = page.locator('.column-picker');
  // Humind's own columns (columns other vendors fill are not offered).
  assert.equal(await picker.getByRole('checkbox', { name: 'delivery_status', exact: true }).count(), 0, 'a HueChat column is not offered for Humind');
  for (const name of ['vendor', 'position', 'vendor_role', 'source', 'product_ids', 'referenced_product_ids', 'attachments', 'event_count', 'extra_role']) {
    await picker.getByRole('checkbox', { name, exact: true }).uncheck();
  }
  // Left: conversation_id, message_id, sent_at, author_role, text. Text moves up three places.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Move text up' }).click();
  // The row moves, and the focus follows it on the next frame.
  await page.waitForFunction(() => document.activeElement?.id === 'column-up-text', null, { timeout: 2000 });
  const chosen = new URL(page.url()).searchParams.get('columns.messages');
  assert.equal(chosen, 'conversation_id,text,message_id,sent_at,author_role');
  const file = await download(page, 'Messages CSV');
  const header = file.bytes.toString('utf8').replace(/^\ufeff/, '').split('\r\n')[0];
  assert.equal(header, 'conversation_id,text,message_id,sent_at,author_role');
  const reopened = await openPage(browser, { path: new URL(page.url()).search });
  assert.equal(new URL(reopened.url()).searchParams.get('columns.messages'), chosen);
  await reopened.context().close();
  await page.context().close();
});

test('the transcript on screen downloads as text and Markdown', async () => {
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  await fetchHumind(page);
  await waitForEnd(page);
  const conversation = truth.find((c) => c.messages.length > 2);
  await openTranscript(page, conversation.humind_id);
  const text = await download(page, 'Transcript (.txt)');
  assert.equal(text.name, `humind_${conversation.humind_id}_transcript.txt`);
  const body = text.bytes.toString('utf8');
  for (const message of conversation.messages) {
    for (const line of message.content.join('\n\n').split('\n')) assert.ok(body.includes(line.trimEnd()), line);
  }
  const markdown = (await download(page, 'Transcript (.md)')).bytes.toString('utf8');
  assert.ok(markdown.startsWith('# '));
  assert.ok(!markdown.includes('<script>'), 'HTML in a message is escaped in Markdown');
  await page.context().close();
});
