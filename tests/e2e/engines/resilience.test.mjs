// Nothing lost, in this engine: faults and a cancel, then Resume, give a complete and
// duplicate-free export; a rate limit shows the wait instead of a frozen screen.
import assert from 'node:assert/strict';
import { flow, withPage, partialLabel, ENGINE } from './suite.mjs';
import {
  fetchVendor, fetchHumind, setAddress, waitForEnd, counter, parseCsv, simJson, resetSim, setFaults, SIM_URL,
} from '../helpers.mjs';

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
      const label = await partialLabel(page, truth.length);
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

flow('a streamed body that breaks (dropped, cut short, an _error line) is read again: every Mindo message once', async () => {
  const truth = await simJson('/_sim/dataset/mindo');
  const instant = (text) => new Date(text).getTime();
  const range = { from: '2026-04-01', to: '2026-06-30' };
  const expected = truth.filter((m) => instant(`${m.occurred_at}Z`) >= instant(`${range.from}T00:00:00Z`) && instant(`${m.occurred_at}Z`) < instant(`${range.to}T00:00:00Z`));
  await resetSim();
  // The three date windows start side by side: each first response fails in its own way.
  await setFaults('at=0:drop,1:truncate,2:stream_error,4:drop');
  try {
    await withPage(async (page) => {
      await fetchVendor(page, 'mindo', { filters: { 'Company ID': '42,57', From: range.from, 'To (not included)': range.to } });
      assert.match(await waitForEnd(page, 120_000), /^Done/);
      // Every broken body is asked again; how many of them the app counts as retries depends
      // on which window meets which fault, as the windows race.
      assert.ok((await simJson('/_sim/stats')).requests >= 7, 'each broken body was asked again');
      assert.ok((await counter(page, 'retries')) >= 2, `${ENGINE}: retries`);
      const ids = parseCsv((await page.download('Messages CSV')).bytes).map((r) => r.message_id);
      assert.equal(new Set(ids).size, ids.length, 'no message twice');
      assert.deepEqual(new Set(ids), new Set(expected.map((m) => m.message_id)), 'every message');
    });
  } finally {
    await resetSim();
  }
});

flow('a vendor that refuses calls from web pages (CORS) and an unreachable host: the same plain words', async () => {
  await resetSim();
  await setFaults('every=1&fault=nocors');
  try {
    await withPage(async (page) => {
      await fetchHumind(page);
      assert.equal(await waitForEnd(page), 'The export could not start.');
      const message = await page.getByRole('alert').textContent();
      assert.match(message, /does not accept calls from web pages \(a browser rule called CORS\)/);
      assert.match(message, /relay/);
      assert.equal(await page.getByLabel('API address (base URL)').getAttribute('aria-invalid'), 'true', 'the address is marked');
      // The browser's own words (each engine has its own) wait one click away.
      await page.getByText('Technical details').click();
      assert.ok((await page.locator('.error pre').textContent()).trim().length > 0);

      await resetSim();
      await setAddress(page, 'http://127.0.0.1:9/humind/public/v1');
      await page.getByRole('button', { name: 'Fetch conversations' }).click();
      assert.equal(await waitForEnd(page), 'The export could not start.');
      assert.match(await page.getByRole('alert').textContent(), /could not reach Humind/);
    });
  } finally {
    await resetSim();
  }
});
