// A year in a tab: an export is kept in the browser's storage as it arrives. A reload mid-export
// loses nothing (reopened from the list, resumed with the key given again, its files equal the
// ground truth); a full quota stops it cleanly and Resume finishes once there is room; Delete
// removes it; and an export of only what changed, merged in, equals a fresh full export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, fetchVendor, waitForEnd, counter, download, parseCsv, simJson, resetSim, SIM_URL, VENDORS, readZip } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await resetSim();
  await browser?.close();
});

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

/** The saved export's row in "Saved on this device". */
const savedRow = (page) => page.locator('li.saved-export').first();

/** Every conversation id and message text of a JSON download, in order. */
function shape(json) {
  return json.map((c) => ({ id: c.id, messages: c.messages.map((m) => m.text) }));
}

test('a reload mid-export loses nothing: reopened and resumed with the key, the files equal the ground truth', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/huechat');
  await latency(150);
  const page = await openPage(browser);
  await fetchVendor(page, 'huechat');
  await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 100);
  const before = await counter(page, 'conversations');
  await page.reload();
  await latency(0);
  // The page forgot the key (it was never stored), not the export.
  const row = savedRow(page);
  await row.waitFor();
  assert.match(await row.locator('[data-saved-state]').textContent(), /Interrupted .* not finished/);
  assert.match(await row.textContent(), /HueChat/);
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '', 'no key after a reload');
  await row.getByRole('button', { name: 'Resume' }).click();
  await page.locator('[data-key-needed]').waitFor();
  assert.ok((await counter(page, 'conversations')) >= before, 'what was fetched before the reload is back');
  await page.getByLabel('API key', { exact: true }).fill(VENDORS.huechat.key);
  await page.locator('#progress').getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done/);
  const json = JSON.parse((await download(page, 'JSON')).bytes.toString('utf8'));
  assert.deepEqual(json.map((c) => c.id), truth.map((c) => c.id), 'every conversation once, in order');
  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  const expected = truth.flatMap((c) => c.messages.map((m) => `${c.id}/${m.id}`));
  assert.deepEqual(messages.map((m) => `${m.conversation_id}/${m.message_id}`), expected, 'every message once, in order');
  assert.match(await savedRow(page).locator('[data-saved-state]').textContent(), /^Finished/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a full quota stops the export cleanly, keeps what was fetched, and Resume finishes once there is room', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  const page = await openPage(browser);
  // The browser's own refusal, as a full disk or quota gives it: IndexedDB's put throws
  // QuotaExceededError once the page has kept `__roomForEntries` pages.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    let kept = 0;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.name === 'entries' && globalThis.__roomForEntries !== undefined && kept++ >= globalThis.__roomForEntries) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
    globalThis.__roomForEntries = 3;
  });
  await fetchVendor(page, 'humind');
  assert.match(await waitForEnd(page), /^The export stopped/);
  const alert = await page.locator('#progress .error').textContent();
  assert.match(alert, /space|full/i, `says the storage is full: ${alert}`);
  const kept = await counter(page, 'conversations');
  assert.ok(kept > 0 && kept < truth.length, `what was kept stays (${kept})`);
  // Space freed.
  await page.evaluate(() => { globalThis.__roomForEntries = undefined; });
  await page.locator('#progress').getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done/);
  const json = JSON.parse((await download(page, 'JSON')).bytes.toString('utf8'));
  assert.deepEqual(json.map((c) => c.id), truth.map((c) => c.humind_id));
  // And it was all kept: read back after a reload, the same files.
  await page.reload();
  const [zip] = await Promise.all([page.waitForEvent('download'), savedRow(page).getByRole('button', { name: 'Download' }).click()]);
  assert.match(zip.suggestedFilename(), /^humind_.*_export\.zip$/, 'Download in the list gives every file');
  const entries = readZip(readFileSync(await zip.path()));
  const again = JSON.parse([...entries.entries()].find(([name]) => name.endsWith('_conversations.json'))[1].toString('utf8'));
  assert.deepEqual(shape(again), shape(json), 'read back from storage, the same export');
  await page.context().close();
});

test('Delete removes a saved export from this device', async () => {
  await resetSim();
  const page = await openPage(browser);
  await fetchVendor(page, 'voice-widget');
  assert.match(await waitForEnd(page), /^Done/);
  await page.reload();
  const row = savedRow(page);
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Delete for good' }).click();
  await page.waitForFunction(() => !document.querySelector('li.saved-export'));
  const left = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('conversation-export');
    open.onsuccess = () => {
      const count = open.result.transaction('entries').objectStore('entries').count();
      count.onsuccess = () => resolve(count.result);
      count.onerror = () => reject(count.error);
    };
  }));
  assert.equal(left, 0, 'its pages are gone too');
  await page.context().close();
});

/** The files of the zip that describe the data (not the manifest, which says when). */
function dataFiles(zip) {
  const entries = readZip(zip.bytes);
  return [...entries.entries()].filter(([name]) => name !== 'manifest.json').map(([name, bytes]) => [name, bytes.toString('utf8')]);
}

for (const vendor of ['humind', 'talktohumans', 'huechat', 'voice-widget', 'mindo']) {
  test(`${vendor}: only what changed, merged in, gives the files of a fresh full export`, async () => {
    await resetSim();
    const filters = vendor === 'mindo' ? { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-07-31' } : {};
    const page = await openPage(browser);
    await fetchVendor(page, vendor, { filters });
    assert.match(await waitForEnd(page, 120_000), /^Done/);
    const full = (await simJson('/_sim/stats')).requests;
    // A day later: some conversations changed, some are new.
    await fetch(`${SIM_URL}/_sim/later?changed=5&new=3`, { method: 'POST' });
    const startedAt = (await simJson('/_sim/stats')).requests;
    await page.locator('#progress').getByRole('button', { name: /^Fetch only what changed since/ }).click();
    await page.locator('[data-update-report]').waitFor({ timeout: 120_000 });
    const requests = (await simJson('/_sim/stats')).requests - startedAt;
    const report = await page.locator('[data-update-report]').textContent();
    assert.match(report, /conversations new or changed/);
    const merged = dataFiles(await download(page, 'Download all (.zip)'));
    // A fresh full export of the same day, in a new tab.
    const fresh = await openPage(browser);
    await fetchVendor(fresh, vendor, { filters });
    assert.match(await waitForEnd(fresh, 120_000), /^Done/);
    const expected = dataFiles(await download(fresh, 'Download all (.zip)'));
    assert.deepEqual(merged.map(([name]) => name), expected.map(([name]) => name), 'the same files');
    for (const [[name, bytes], [, want]] of merged.map((file, at) => [file, expected[at]])) {
      assert.ok(bytes === want, `${vendor}: ${name} equals the fresh export's`);
    }
    console.log(`${vendor}: only what changed took ${requests} requests; the full export ${full}`);
    if (vendor !== 'talktohumans') assert.ok(requests < full, `${requests} < ${full}`);
    await fresh.context().close();
    await page.context().close();
  });
}
