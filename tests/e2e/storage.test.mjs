// Delete removes a saved export and every page it kept. The other storage flows (a reload
// mid-export, a full quota, only what changed for each vendor) run in every engine:
// tests/e2e/engines/storage.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagesOfOneBrowser, fetchVendor, waitForEnd, resetSim } from './helpers.mjs';

const newPage = pagesOfOneBrowser();

/** The saved export's row in "Saved on this device". */
const savedRow = (page) => page.locator('li.saved-export').first();

test('Delete removes a saved export from this device', async () => {
  await resetSim();
  const page = await newPage();
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
