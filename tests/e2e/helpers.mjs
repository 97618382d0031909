import { createRequire } from 'node:module';
import { before, after } from 'node:test';
const require = createRequire(import.meta.url);
// Shared helpers for the end-to-end tests: a headless Chromium driven by playwright-core, the
// simulator's ground truth, and a strict RFC 4180 CSV reader to check downloaded files.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:18080/';
export const SIM_URL = process.env.SIM_URL ?? 'http://127.0.0.1:18787';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

export const HUMIND_KEY = 'hmd_live_sim_0123456789abcdef';
export const humindBase = () => `${SIM_URL}/humind/public/v1`;

/** Each vendor's simulator key and base URL (the vendor's own path after its slug). */
export const VENDORS = {
  humind: { key: HUMIND_KEY, base: () => `${SIM_URL}/humind/public/v1` },
  talktohumans: { key: 'tth_sim_0123456789abcdef', base: () => `${SIM_URL}/talktohumans/v1` },
  huechat: { key: 'sk_live_sim_0123456789abcdef', base: () => `${SIM_URL}/huechat/v2` },
  'voice-widget': { key: 'vw_sim_0123456789abcdef', base: () => `${SIM_URL}/voice-widget` },
  mindo: { key: 'mindo_global_sim_0123456789abcdef', base: () => `${SIM_URL}/mindo/api/v1` },
};

/** Fills the form for a vendor on the simulator and sets filters by label. */
export async function fillVendor(page, vendor, { filters = {}, key = VENDORS[vendor].key, base = VENDORS[vendor].base() } = {}) {
  await page.getByLabel('Vendor', { exact: true }).selectOption(vendor);
  await page.getByLabel('My account (API key)').check();
  await page.getByLabel('API key', { exact: true }).fill(key);
  await setAddress(page, base);
  await fillFilters(page, filters);
}

/** Types an API address, opening "Advanced" where the vendor's own address waits there, and
 * trusts it as the user would (an address that is not the vendor's must be confirmed once). */
export async function setAddress(page, base) {
  await openAdvanced(page);
  await page.getByLabel('API address (base URL)').fill(base);
  await trustAddress(page);
}

/** Opens the "Advanced: API address" disclosure if the vendor has one and it is closed. */
export async function openAdvanced(page) {
  const advanced = page.locator('details.advanced');
  if ((await advanced.count()) && !(await advanced.evaluate((d) => d.open))) {
    await advanced.locator('summary').click();
  }
}

/** Confirms, as the user would in the form, that the address typed may receive the key (once
 * per device: an address trusted before is not asked about again). */
export async function trustAddress(page) {
  const trust = page.getByRole('button', { name: /^Trust .+ on this device$/ });
  if (await trust.count()) await trust.click();
}

/** Fills the form for a vendor on the simulator, sets filters by label, and fetches. */
export async function fetchVendor(page, vendor, options = {}) {
  await fillVendor(page, vendor, options);
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
}

export async function fillFilters(page, filters) {
  for (const [label, value] of Object.entries(filters)) {
    const field = page.getByLabel(label, { exact: true });
    if (typeof value === 'boolean') {
      await field.setChecked(value);
    } else if ((await field.evaluate((el) => el.tagName)) === 'SELECT') {
      await field.selectOption(value);
    } else {
      await field.fill(value);
    }
  }
}

/** Opens the transcript of a conversation, paging the preview to it. */
export async function openTranscript(page, id) {
  const row = page.locator(`tr[data-conversation-id="${id}"]`);
  while (!(await row.count())) {
    const next = page.getByRole('button', { name: 'Next' });
    if (await next.isDisabled()) throw new Error(`conversation ${id} is not in the preview`);
    await next.click();
  }
  await row.click();
  await page.locator('#transcript-heading').filter({ hasNotText: /^Transcript$/ }).waitFor();
}

/** Chromium's flags for every suite and the benchmark: no sandbox (containers), no GPU, and no
 * background traffic of its own (QUIC, updates, sync) beside the app's requests. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
}

/** One browser for the test file that calls this: launched before its tests; after them the
 * simulator is reset and the browser closed. Returns how to open a page in it (`openPage`'s
 * options). */
export function pagesOfOneBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await resetSim();
    await browser?.close();
  });
  return (options) => openPage(browser, options);
}

/** What the app calls a Humind conversation (simulator ground truth): its title, or (empty or
 * missing) its first words. */
export function displayTitle(conversation) {
  const title = (conversation.title ?? '').trim();
  if (title) return title;
  const text = conversation.messages.map((m) => m.content.join('\n\n').trim()).find((t) => t) ?? '';
  if (!text) return `Conversation ${conversation.humind_id}`;
  const short = [...text].slice(0, 60).join('');
  return short.length < text.length ? `“${short}…”` : `“${short}”`;
}

/** A fresh page; fails the test on any uncaught page error or CSP violation. */
export async function openPage(browser, { path = '', width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width, height } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(APP_URL).origin });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.problems = problems;
  await page.goto(new URL(path, APP_URL).toString());
  await page.getByRole('button', { name: 'Fetch conversations' }).waitFor();
  return page;
}

export async function simJson(path, init) {
  const response = await fetch(`${SIM_URL}${path}`, init);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export async function resetSim() {
  await fetch(`${SIM_URL}/_sim/reset`, { method: 'POST' });
}

export async function setFaults(query) {
  await fetch(`${SIM_URL}/_sim/faults?${query}`, { method: 'POST' });
}

export async function simRequests() {
  return (await simJson('/_sim/stats')).requests;
}

/** Fills the Humind form for the simulator and fetches. */
export async function fetchHumind(page, { key = HUMIND_KEY, filters = {} } = {}) {
  await fetchVendor(page, 'humind', { key, filters });
}

/** Waits until the export ends; returns the headline. */
export async function waitForEnd(page, timeout = 60_000) {
  const headline = page.locator('#progress-heading ~ .headline');
  await page.waitForFunction(
    () => {
      const text = document.querySelector('.headline')?.textContent ?? '';
      return /^(Done|Stopped|The export stopped|The export could not start)/.test(text);
    },
    null,
    { timeout },
  );
  return headline.textContent();
}

export async function counter(page, name) {
  const text = await page.locator(`[data-counter="${name}"]`).textContent();
  return Number(text.replace(/[^0-9]/g, ''));
}

/** Clicks a download button and returns the file's name and bytes. */
export async function download(page, buttonName) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  const path = join(ARTIFACTS, file.suggestedFilename());
  await file.saveAs(path);
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into an array of objects. */
export function parseCsv(bytes, delimiter = ',') {
  let text = Buffer.from(bytes).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else if (c === '\n') throw new Error(`bare LF at ${i}: rows must end with CRLF`);
    else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...data] = rows;
  return data.map((cells) => {
    if (cells.length !== header.length) throw new Error(`row has ${cells.length} cells, header ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name, cells[i]]));
  });
}

/** The Humind conversations a filter selects, computed from the ground truth. */
export function humindSelect(dataset, { createdAfter, createdBefore } = {}) {
  const instant = (text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text).getTime();
  return dataset.filter((c) => {
    const created = instant(c.created_at);
    if (createdAfter && created < instant(createdAfter)) return false;
    if (createdBefore && created > instant(createdBefore)) return false;
    return true;
  });
}

/** Lists and reads a zip's entries (stored or deflated): enough to check a download. */
export function readZip(bytes) {
  const { inflateRawSync } = require('node:zlib');
  const buffer = Buffer.from(bytes);
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buffer.readUInt16LE(offset + 10);
    const compressed = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 8 ? inflateRawSync(data) : data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The app served from a sub-path by a second simulator, with 10,000 voice widget calls. */
export const SUBPATH_URL = process.env.SUBPATH_URL ?? 'http://127.0.0.1:18081/tools/export/';
export const SIM2_URL = process.env.SIM2_URL ?? 'http://127.0.0.1:18788';

/** A page whose CSP is bypassed so axe-core can be injected; runs axe and returns serious and
 * critical violations. */
export async function audit(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const results = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
