// A year in a tab, in this engine: an export is kept in the browser's storage as it arrives.
// A reload mid-export loses nothing; a full quota stops it cleanly and Resume finishes once there
// is room; and only what changed, merged in, gives the files of a fresh full export. Each engine
// has its own IndexedDB and its own answer to "keep this data" (Firefox asks the user; WebKitGTK
// has no navigator.storage), so these run in every engine, not only in Chromium.
import assert from 'node:assert/strict';
import { flow, withPage } from './suite.mjs';
import { fetchVendor, waitForEnd, counter, parseCsv, simJson, resetSim, readZip, SIM_URL, VENDORS } from '../helpers.mjs';

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

/** The newest saved export's row in "Saved on this device". */
const savedRow = (page) => page.locator('li.saved-export').first();

/** The zip's files that describe the data (not the manifest, which says when). */
function dataFiles(zip) {
  return [...readZip(zip.bytes).entries()]
    .filter(([name]) => name !== 'manifest.json')
    .map(([name, bytes]) => [name, bytes.toString('utf8')]);
}

flow('a reload mid-export loses nothing: reopened and resumed with the key, the files equal the ground truth', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/huechat');
  await latency(150);
  try {
    await withPage(async (page) => {
      await fetchVendor(page, 'huechat');
      await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 100, null, { timeout: 60_000 });
      const before = await counter(page, 'conversations');
      await page.reload();
      await latency(0);
      const row = savedRow(page);
      await row.waitFor();
      assert.match(await row.locator('[data-saved-state]').textContent(), /Interrupted .* not finished/);
      assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '', 'no key after a reload');
      await row.getByRole('button', { name: 'Resume' }).click();
      await page.locator('[data-key-needed]').waitFor();
      assert.ok((await counter(page, 'conversations')) >= before, 'what was fetched before the reload is back');
      await page.getByLabel('API key', { exact: true }).fill(VENDORS.huechat.key);
      await page.locator('#progress').getByRole('button', { name: 'Resume' }).click();
      assert.match(await waitForEnd(page, 120_000), /^Done/);
      const json = JSON.parse((await page.download('JSON')).bytes.toString('utf8'));
      assert.deepEqual(json.map((c) => c.id), truth.map((c) => c.id), 'every conversation once, in order');
      const messages = parseCsv((await page.download('Messages CSV')).bytes);
      assert.deepEqual(
        messages.map((m) => `${m.conversation_id}/${m.message_id}`),
        truth.flatMap((c) => c.messages.map((m) => `${c.id}/${m.id}`)),
        'every message once, in order',
      );
      assert.match(await savedRow(page).locator('[data-saved-state]').textContent(), /^Finished/);
    });
  } finally {
    await resetSim();
  }
});

flow('a full quota stops the export cleanly, keeps what was fetched, and Resume finishes once there is room', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  await withPage(async (page) => {
    // The engine's own refusal, as a full disk or quota gives it: IndexedDB's put throws
    // QuotaExceededError once the page has kept `data-room-for-entries` pages. The limit lives
    // in the DOM because Firefox runs each WebDriver script in a global of its own.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      let kept = 0;
      IDBObjectStore.prototype.put = function (...args) {
        const room = document.documentElement.dataset.roomForEntries;
        if (this.name === 'entries' && room !== undefined && kept++ >= Number(room)) {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return put.apply(this, args);
      };
      document.documentElement.dataset.roomForEntries = '3';
    });
    await fetchVendor(page, 'humind');
    assert.match(await waitForEnd(page), /^The export stopped/);
    const alert = await page.locator('#progress .error').textContent();
    assert.match(alert, /space|full/i, `says the storage is full: ${alert}`);
    const kept = await counter(page, 'conversations');
    assert.ok(kept > 0 && kept < truth.length, `what was kept stays (${kept})`);
    await page.evaluate(() => { delete document.documentElement.dataset.roomForEntries; });
    await page.locator('#progress').getByRole('button', { name: 'Resume' }).click();
    assert.match(await waitForEnd(page, 120_000), /^Done/);
    const json = JSON.parse((await page.download('JSON')).bytes.toString('utf8'));
    assert.deepEqual(json.map((c) => c.id), truth.map((c) => c.humind_id), 'every conversation once, in order');
    // All of it was kept: read back from storage after a reload, the same export.
    await page.reload();
    const zip = await page.download(undefined, { button: savedRow(page).getByRole('button', { name: 'Download', exact: true }) });
    assert.match(zip.name, /^humind_.*_export\.zip$/, 'Download in the list gives every file');
    const [, again] = [...readZip(zip.bytes).entries()].find(([name]) => name.endsWith('_conversations.json'));
    assert.deepEqual(JSON.parse(again.toString('utf8')), json, 'read back from storage, the same conversations');
  });
});

// Each vendor's own way: Humind asks for what was active since the mark, the voice widget
// `since`, Mindo reads its date windows again from the mark, HueChat reads its list newest
// first until past the mark, TalkToHumans (no time filter) reads the whole list and keeps
// what moved.
for (const vendor of ['humind', 'talktohumans', 'huechat', 'voice-widget', 'mindo']) {
  flow(`${vendor}: only what changed, merged in, gives the files of a fresh full export`, async () => {
    await resetSim();
    const filters = vendor === 'mindo' ? { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-07-31' } : {};
    try {
      await withPage(async (page) => {
        await fetchVendor(page, vendor, { filters });
        assert.match(await waitForEnd(page, 120_000), /^Done/);
        const full = (await simJson('/_sim/stats')).requests;
        // A day later: some conversations changed, some are new.
        await fetch(`${SIM_URL}/_sim/later?changed=5&new=3`, { method: 'POST' });
        const startedAt = (await simJson('/_sim/stats')).requests;
        await page.locator('#progress').getByRole('button', { name: /^Fetch only what changed since/ }).click();
        await page.locator('[data-update-report]').waitFor({ timeout: 120_000 });
        const requests = (await simJson('/_sim/stats')).requests - startedAt;
        assert.match(await page.locator('[data-update-report]').textContent(), /conversations new or changed/);
        const merged = dataFiles(await page.download('Download all (.zip)'));
        // A fresh full export of the same day, with the same filters, in the same page.
        await page.getByRole('button', { name: 'Fetch conversations' }).click();
        assert.match(await waitForEnd(page, 120_000), /^Done/);
        const expected = dataFiles(await page.download('Download all (.zip)'));
        assert.deepEqual(merged.map(([name]) => name), expected.map(([name]) => name), 'the same files');
        for (const [at, [name, bytes]] of merged.entries()) {
          assert.ok(bytes === expected[at][1], `${vendor}: ${name} equals the fresh export's`);
        }
        // TalkToHumans' list has no time filter: reading it whole is the least it takes.
        if (vendor !== 'talktohumans') assert.ok(requests < full, `only what changed: ${requests} requests, the full export ${full}`);
      });
    } finally {
      await resetSim();
    }
  });
}
