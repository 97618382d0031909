// The files' options in headless Chromium: separator and database mode, and the column picker,
// all kept in the page URL. Every file of every vendor (Download all, raw NDJSON, transcripts) is
// checked in every engine: tests/e2e/engines/.
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

