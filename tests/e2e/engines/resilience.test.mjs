// Nothing lost, in this engine: faults and a cancel, then Resume, give a complete and
// duplicate-free export; a rate limit shows the wait instead of a frozen screen.
import assert from 'node:assert/strict';
import { flow, withPage } from './suite.mjs';
import { fetchVendor, fetchHumind, waitForEnd, counter, parseCsv, simJson, resetSim, setFaults, SIM_URL } from '../helpers.mjs';

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

flow('faults and a cancel, then Resume: every conversation and message once, in order', async () => {
  const truth = await simJson('/_sim/dataset/huechat');
  await resetSim();
  await latency(40);
  // Server errors, a dropped connection and a rate limit, early and repeatedly.
  await setFaults('at=1:503,3:drop,5:429:1,9:502&every=11&fault=500');
  try {
    await withPage(async (page) => {
      await fetchVendor(page, 'huechat');
      await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 200, null, { timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel' }).click();
      assert.match(await waitForEnd(page), /^Stopped: /);
      const partial = await counter(page, 'messages');
      assert.ok(partial > 0, 'what was fetched before the cancel is kept');
      const fetched = await counter(page, 'conversations');
      const label = `Partial: ${fetched.toLocaleString('en-US')} of ${truth.length.toLocaleString('en-US')}`;
      const early = await page.download(`Conversations CSV, ${label}`);
      assert.match(early.name, /_partial\.csv$/);
      assert.equal(parseCsv(early.bytes).length, fetched, 'and can be downloaded now');

      await page.getByRole('button', { name: 'Resume' }).click();
      assert.match(await waitForEnd(page, 120_000), /^Done/);
      assert.ok((await counter(page, 'retries')) >= 3, 'the faults were retried');
      const ids = parseCsv((await page.download('Conversations CSV')).bytes).map((r) => r.conversation_id);
      assert.equal(new Set(ids).size, ids.length, 'no conversation twice');
      assert.deepEqual(ids, truth.map((c) => c.id), 'every conversation, in order');
      const keys = parseCsv((await page.download('Messages CSV')).bytes).map((r) => `${r.conversation_id}/${r.message_id}`);
      assert.equal(new Set(keys).size, keys.length, 'no message twice');
      assert.deepEqual(keys, truth.flatMap((c) => c.messages.map((m) => `${c.id}/${m.id}`)), 'every message, in order');
    });
  } finally {
    await resetSim();
  }
});

flow("a rate limit: “Waiting N s for Humind's rate limit”, then done", async () => {
  await resetSim();
  await setFaults('at=1:429:3');
  try {
    await withPage(async (page) => {
      await fetchHumind(page);
      await page.getByText(/Waiting \d+ s for Humind's rate limit/).waitFor({ timeout: 10_000 });
      assert.match(await waitForEnd(page, 30_000), /^Done/);
    });
  } finally {
    await resetSim();
  }
});
