// Takes the README's screenshots from the running app (not a test):
//   node tests/e2e/readme-screenshots.mjs   (with the app on APP_URL and the simulator on SIM_URL)
import { launch, fetchHumind, fetchVendor, waitForEnd, simJson, openTranscript, SIM_URL } from './helpers.mjs';

const out = new URL('../../docs/screenshots/', import.meta.url).pathname;
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
await page.goto(process.env.APP_URL ?? 'http://127.0.0.1:18080/');
await fetchHumind(page, { filters: { 'Started on or after': '2026-05-01', 'Started on or before': '2026-06-01' } });
await waitForEnd(page);
await page.screenshot({ path: `${out}/main.png` });
const truth = await simJson('/_sim/dataset/humind');
const rich = truth.find((c) => c.title && c.messages.length >= 5 && c.created_at >= '2026-05-01' && c.created_at < '2026-06-01' && c.messages.some((m) => m.events));
await openTranscript(page, rich.humind_id);
await page.locator('.results').scrollIntoViewIfNeeded();
await page.evaluate(() => window.scrollTo(0, document.querySelector('.results').offsetTop - 10));
await page.screenshot({ path: `${out}/transcript.png` });

// A partial export: HueChat slowed down and cancelled part way.
const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });
const partial = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
await partial.goto(process.env.APP_URL ?? 'http://127.0.0.1:18080/');
await latency(60);
await fetchVendor(partial, 'huechat');
await partial.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 300);
await partial.getByRole('button', { name: 'Cancel' }).click();
await waitForEnd(partial);
await latency(0);
await partial.evaluate(() => window.scrollTo(0, document.querySelector('#progress').offsetTop - 10));
await partial.screenshot({ path: `${out}/partial.png` });

// A phone: progress in view after Fetch, then a transcript as a view of its own.
const phone = await browser.newPage({ viewport: { width: 390, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
await phone.goto(process.env.APP_URL ?? 'http://127.0.0.1:18080/');
await fetchHumind(phone, { filters: { 'Started on or after': '2026-05-01', 'Started on or before': '2026-06-01' } });
await waitForEnd(phone);
await phone.screenshot({ path: `${out}/phone-progress.png` });
await phone.locator('tbody tr').first().locator('button').click();
await phone.locator('#transcript-heading').waitFor();
await phone.waitForTimeout(300);
await phone.screenshot({ path: `${out}/phone-transcript.png` });
await browser.close();
console.log(`screenshots in ${out}`);
