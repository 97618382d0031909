// Takes the README's screenshots from the running app (not a test):
//   node tests/e2e/readme-screenshots.mjs   (with the app on APP_URL and the simulator on SIM_URL)
import { launch, fetchHumind, waitForEnd, simJson, openTranscript } from './helpers.mjs';

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
await browser.close();
console.log(`screenshots in ${out}`);
