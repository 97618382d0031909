// axe-core on each screen in this engine (form, form with problems, results, transcript, error,
// demo), wide and as narrow as the engine's window goes: no serious or critical violation, and
// no sideways scrolling.
import assert from 'node:assert/strict';
import { flow, withPage, audit, ENGINE } from './suite.mjs';
import { fetchHumind, waitForEnd } from '../helpers.mjs';

// A phone's width; Firefox's and MiniBrowser's windows stop shrinking near 450-500 pixels, so
// there the narrowest they allow is checked (the Playwright suite covers 390 in Chromium).
for (const width of [1440, 390]) {
  flow(`accessibility at ${width} pixels: axe finds nothing serious on any screen`, async () => {
    await withPage(async (page) => {
      const [actual] = await page.setViewport(width, 900);
      const screens = [
        ['form', async () => {}],
        ['form with problems', async () => {
          await page.getByRole('button', { name: 'Fetch conversations' }).click();
        }],
        ['results', async () => {
          await fetchHumind(page);
          await waitForEnd(page);
        }],
        ['transcript', async () => {
          await page.locator('tbody tr').nth(1).click();
          await page.locator('#transcript-heading').filter({ hasNotText: /^Transcript$/ }).waitFor();
        }],
        ['error', async () => {
          // On a phone the transcript covers the page: back to the list first, as a user would.
          const back = page.getByRole('button', { name: '‹ Back to the list' });
          if (await back.isVisible()) await back.click();
          await page.getByLabel('API key', { exact: true }).fill('hmd_live_wrong_key');
          await page.getByRole('button', { name: 'Fetch conversations' }).click();
          await waitForEnd(page);
        }],
        ['demo', async () => {
          await page.getByLabel('Vendor', { exact: true }).selectOption('mindo');
          await page.getByLabel('Demo data (no key, nothing leaves this page)').check();
          await page.getByRole('button', { name: 'Fetch conversations' }).click();
          await waitForEnd(page);
        }],
      ];
      for (const [name, reach] of screens) {
        await reach();
        assert.deepEqual(await audit(page), [], `${ENGINE}: ${name} at ${actual}px`);
        await page.screenshot(`${name.replace(/ /g, '-')}-${width}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 1, `${ENGINE}: ${name} at ${actual}px: no sideways scrolling (${overflow}px)`);
      }
      if (actual !== width) console.log(`${ENGINE}: the narrowest window is ${actual} pixels wide, checked there`);
    });
  });
}
