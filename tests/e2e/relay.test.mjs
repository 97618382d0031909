// A vendor that refuses calls from web pages (the simulator answering without CORS headers):
// a direct export fails and the page says why and how to use a relay; "Test connection" tells
// the four cases apart; through the relay the same export equals the ground truth, a 429's
// Retry-After is still obeyed, Mindo's rows still arrive as a stream, and the relay's log never
// holds the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pagesOfOneBrowser, fillVendor, fetchVendor, waitForEnd, counter, download, parseCsv, simJson, resetSim, setFaults, setAddress, SIM_URL, VENDORS, APP_URL } from './helpers.mjs';

const RELAY_URL = process.env.RELAY_URL ?? 'http://127.0.0.1:18790';
const RELAY_LOG = process.env.RELAY_LOG ?? 'target/relay.log';

const newPage = pagesOfOneBrowser();

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });
const testConnection = async (page) => {
  await page.getByRole('button', { name: 'Test connection' }).click();
  const verdict = page.locator('[data-connection]');
  await verdict.waitFor({ timeout: 20_000 });
  return verdict.getAttribute('data-connection');
};

test('a vendor that refuses web pages: the export says so and offers the relay, with the command and the address to type', async () => {
  await resetSim();
  await setFaults('every=1&fault=nocors');
  const page = await newPage();
  await fetchVendor(page, 'humind');
  assert.match(await waitForEnd(page), /could not start|stopped/);
  const offer = page.locator('#progress [data-cors-refused]');
  await offer.waitFor({ timeout: 20_000 });
  const text = await offer.textContent();
  assert.match(text, /refuses calls from web pages/);
  const origin = new URL(APP_URL).origin;
  assert.ok(text.includes(`./scripts/relay.sh --allow-origin ${origin} --upstream humind=${VENDORS.humind.base()} --allow-private-upstreams`), text);
  assert.ok(text.includes('http://127.0.0.1:8788/humind'), 'the address to type');
  assert.equal(await testConnection(page), 'cors', 'Test connection says CORS too');
  await page.context().close();
});

test('Test connection tells working, a refused key, refused by CORS and nothing answering apart', async () => {
  await resetSim();
  const page = await newPage();
  await fillVendor(page, 'humind');
  assert.equal(await testConnection(page), 'working');
  const before = (await simJson('/_sim/stats')).requests;
  assert.equal(before, 1, 'one request');
  await page.getByLabel('API key', { exact: true }).fill('hmd_live_wrong_0000000000');
  assert.equal(await testConnection(page), 'refused');
  await setAddress(page, 'http://127.0.0.1:9/humind/public/v1');
  await page.getByLabel('API key', { exact: true }).fill(VENDORS.humind.key);
  assert.equal(await testConnection(page), 'unreachable');
  await page.context().close();
});

test('through the relay: the export equals the ground truth, Retry-After is obeyed, and the log has no key', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/huechat');
  await setFaults('every=1&fault=nocors');
  const page = await newPage();
  await fillVendor(page, 'huechat', { base: `${RELAY_URL}/huechat` });
  assert.equal(await testConnection(page), 'working', 'the relay answers with CORS');
  // The relay calls the simulator from outside a browser: the missing CORS headers do not
  // matter there. A rate limit on the way still reaches the page, Retry-After included.
  await setFaults('every=1&fault=nocors&at=2:429:2');
  const started = Date.now();
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  assert.match(await waitForEnd(page, 120_000), /^Done/);
  assert.ok(Date.now() - started >= 2000, 'waited the 2 s Retry-After');
  const conversations = parseCsv((await download(page, 'Conversations CSV')).bytes);
  assert.deepEqual(conversations.map((r) => r.conversation_id), truth.map((c) => c.id));
  const messages = parseCsv((await download(page, 'Messages CSV')).bytes);
  assert.equal(messages.length, truth.reduce((n, c) => n + c.messages.length, 0));
  const log = readFileSync(RELAY_LOG, 'utf8');
  assert.ok(log.includes('GET'), 'the relay logs each request');
  assert.ok(!log.includes(VENDORS.huechat.key), 'and never the key');
  await page.context().close();
});

test("through the relay, Mindo's rows arrive as a stream: the first before the last is sent", async () => {
  await resetSim();
  // Every answer: half the rows, a 3 s pause, the rest.
  await setFaults('every=1&fault=pause');
  const page = await newPage();
  await fetchVendor(page, 'mindo', { base: `${RELAY_URL}/mindo`, filters: { 'Company ID': '42', From: '2026-06-01', 'To (not included)': '2026-06-30' } });
  await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 0, null, { timeout: 2500 });
  assert.match(await page.locator('.headline').textContent(), /^Fetching/, 'rows shown while the answer is still coming');
  assert.match(await waitForEnd(page, 60_000), /^Done/);
  await page.context().close();
});
