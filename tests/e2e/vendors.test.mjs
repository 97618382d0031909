// A vendor's own rule checked in the form before anything is sent (Chromium). Each vendor's
// export, checked file by file against the simulator's ground truth, runs in every engine:
// tests/e2e/engines/vendors.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, fetchVendor, resetSim, simRequests } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
  await resetSim();
});
after(async () => browser?.close());

test('TalkToHumans: a contact ID that breaks the documented pattern is refused before sending', async () => {
  const page = await openPage(browser);
  await resetSim();
  await fetchVendor(page, 'talktohumans', { filters: { 'Contact ID': '0123' } });
  assert.match(await page.locator('#filter-contact-id-error').textContent(), /whole number without leading zeros/);
  assert.equal(await simRequests(), 0);
  await page.context().close();
});

