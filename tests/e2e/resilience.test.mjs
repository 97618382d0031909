// Nothing lost: an export interrupted by injected faults and a cancel, resumed, downloads a
// complete and duplicate-free CSV. And a key revoked mid-export stops with a plain message,
// keeps what was fetched, and Resume finishes the job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, fetchVendor, fetchHumind, waitForEnd, counter, download, parseCsv, simJson, resetSim, setFaults, SIM_URL } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await resetSim();
  await browser?.close();
});

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

test('faults and a cancel, then Resume: the CSV is complete and has no duplicate', async () => {
  const truth = await simJson('/_sim/dataset/huechat');
  await resetSim();
  await latency(40);
  // Server errors, a dropped connection and a rate limit, early and repeatedly.
  await setFaults('at=1:503,3:drop,5:429:1,9:502&every=11&fault=500');
  const page = await openPage(browser);
  await fetchVendor(page, 'huechat');
  await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 200);
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.match(await waitForEnd(page), /^Stopped: /);
  const partial = await counter(page, 'messages');
  assert.ok(partial > 0, 'what was fetched before the cancel is kept');
  assert.ok(await page.getByRole('button', { name: 'Download all (.zip)' }).isVisible(), 'and can be downloaded now');
  await page.getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done/);
  assert.ok((await counter(page, 'retries')) >= 3, 'the faults were retried');
  const conversations = parseCsv((await download(page, 'Conversations CSV')).bytes);
  const ids = conversations.map((r) => r.conversation_id);
  assert.equal(new Set(ids).size, ids.length, 'no conversation twice');
  assert.deepEqual(ids, truth.map((c) => c.id), 'every conversation, in order');
  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  const keys = messages.map((r) => `${r.conversation_id}/${r.message_id}`);
  assert.equal(new Set(keys).size, keys.length, 'no message twice');
  assert.deepEqual(keys, truth.flatMap((c) => c.messages.map((m) => `${c.id}/${m.id}`)), 'every message, in order');
  await page.context().close();
  await resetSim();
});

test('a key revoked mid-export stops with a plain message, keeps the data, and Resume finishes', async () => {
  const truth = await simJson('/_sim/dataset/talktohumans');
  await resetSim();
  await setFaults('from=3:revoked');
  const page = await openPage(browser);
  await fetchVendor(page, 'talktohumans');
  assert.match(await waitForEnd(page), /^The export stopped/);
  assert.match(await page.getByRole('alert').textContent(), /TalkToHumans did not accept this API key/);
  await page.getByText('Technical details').click();
  assert.match(await page.locator('.error pre').textContent(), /page 4 of conversations/, 'the details name what is missing');
  assert.equal(await counter(page, 'conversations'), 75, 'the three pages fetched stay');
  // The user gets the key sorted out, then resumes.
  await setFaults('');
  await page.getByRole('button', { name: 'Resume' }).click();
  assert.match(await waitForEnd(page), /^Done/);
  const rows = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.deepEqual(rows.map((r) => r.conversation_id), truth.map((c) => c.conversation_id));
  await page.context().close();
  await resetSim();
});

test('a rate limit shows the wait instead of a frozen screen', async () => {
  await resetSim();
  await setFaults('at=1:429:3');
  const page = await openPage(browser);
  await fetchHumind(page);
  await page.getByText(/Waiting \d+ s for Humind's rate limit/).waitFor({ timeout: 10_000 });
  assert.match(await waitForEnd(page, 30_000), /^Done/);
  await page.context().close();
  await resetSim();
});
