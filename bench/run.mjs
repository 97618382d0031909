// The benchmark: drives the release app in headless Chromium against the simulator server
// (started by scripts/bench.sh with a chosen latency), exports from each vendor, and prints one
// table of requests, wall time and the network floor. Not part of the test command.
import { launch, fillVendor, waitForEnd, counter, SIM_URL, APP_URL } from '../tests/e2e/helpers.mjs';

const LATENCY = Number(process.env.LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 6);
const only = process.env.VENDORS?.split(',');

// Filters per vendor: everything the simulator holds (Mindo needs a range and a company).
const RUNS = [
  { vendor: 'humind', filters: {} },
  { vendor: 'talktohumans', filters: {} },
  { vendor: 'huechat', filters: {} },
  { vendor: 'voice-widget', filters: {} },
  { vendor: 'mindo', filters: { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-06-30' } },
].filter((run) => !only || only.includes(run.vendor));

async function stats() {
  return (await fetch(`${SIM_URL}/_sim/stats`)).json();
}

/** The least time the requests could take: chains of dependent requests run one after
 * another; independent ones share the concurrency allowed. */
function floor(vendor, requests, conversations) {
  const ms = LATENCY;
  switch (vendor) {
    case 'huechat': {
      const listPages = Math.ceil(conversations / 100);
      return (listPages + Math.ceil((requests - listPages) / CONCURRENCY)) * ms;
    }
    case 'mindo':
      // The 31-day windows run side by side (three here); each is its own chain of pages.
      return Math.ceil(requests / Math.min(3, CONCURRENCY)) * ms;
    default:
      return requests * ms;
  }
}

const browser = await launch();
const rows = [];
for (const { vendor, filters } of RUNS) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(APP_URL);
  await page.getByRole('button', { name: 'Fetch conversations' }).waitFor();
  await page.getByLabel('Vendor', { exact: true }).selectOption(vendor);
  if (await page.getByLabel('Requests at once').count()) {
    await page.getByLabel('Requests at once').fill(String(CONCURRENCY));
    await page.getByLabel('Requests at once').blur();
  }
  // The simulator generates a vendor's data on first use: do it before the clock starts.
  await fetch(`${SIM_URL}/_sim/dataset/${vendor}`).then((r) => r.arrayBuffer());
  await fillVendor(page, vendor, { filters });
  await fetch(`${SIM_URL}/_sim/reset`, { method: 'POST' });
  const started = Date.now();
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  const headline = await waitForEnd(page, 600_000);
  const wall = Date.now() - started;
  if (!headline.startsWith('Done')) throw new Error(`${vendor}: ${headline}`);
  const requests = (await stats()).requests;
  // "1,000 of 1,000" where the vendor gives a total: the first number.
  const conversations = Number((await page.locator('[data-counter="conversations"]').textContent()).split(' of ')[0].replace(/[^0-9]/g, ''));
  const messages = await counter(page, 'messages');
  const networkFloor = floor(vendor, requests, conversations);
  rows.push({ vendor, conversations, messages, requests, wall, floor: networkFloor, ratio: wall / networkFloor });
  await context.close();
}
await browser.close();

const pad = (text, width) => String(text).padStart(width);
console.log(`\nLatency ${LATENCY} ms, ${CONCURRENCY} requests at once where the vendor allows it.\n`);
console.log(`${'vendor'.padEnd(14)}${pad('conversations', 14)}${pad('messages', 10)}${pad('requests', 10)}${pad('wall ms', 10)}${pad('floor ms', 10)}${pad('ratio', 8)}`);
for (const r of rows) {
  console.log(`${r.vendor.padEnd(14)}${pad(r.conversations, 14)}${pad(r.messages, 10)}${pad(r.requests, 10)}${pad(r.wall, 10)}${pad(r.floor, 10)}${pad(r.ratio.toFixed(2), 8)}`);
}
