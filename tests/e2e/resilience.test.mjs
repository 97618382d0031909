// A key revoked mid-export stops with a plain message, keeps what was fetched, and Resume
// finishes the job. (Faults, a cancel and Resume, and a rate limit run in every engine:
// tests/e2e/engines/resilience.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagesOfOneBrowser, fetchVendor, fetchHumind, waitForEnd, counter, download, parseCsv, simJson, resetSim, setFaults, SIM_URL } from './helpers.mjs';

const newPage = pagesOfOneBrowser();

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });

test('a key revoked mid-export stops with a plain message, keeps the data, and Resume finishes', async () => {
  const truth = await simJson('/_sim/dataset/talktohumans');
  await resetSim();
  await setFaults('from=3:revoked');
  const page = await newPage();
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

