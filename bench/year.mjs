// The benchmark's "year in a tab" and relay figures: Mindo exports of about 100,000, 500,000 and
// 1,000,000 messages (peak memory, CSV size and download time), an export of only what changed
// after 1% of conversations changed next to a full one, the longest main-thread task with the
// preview searched during a run, and the relay's added time. Each Mindo size gets a simulator of
// its own, started and stopped here.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { VENDORS, fillVendor, waitForEnd } from '../tests/e2e/helpers.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

/** A port nothing listens on now (a fixed one was found taken during benchmark runs). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a release simulator on a free port with `args`; resolves with it and its port once it
 * answers. */
async function startSim(args) {
  const port = await freePort();
  const child = spawn(`${ROOT}target/release/sim-server`, ['--port', String(port), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr.on('data', (chunk) => { said += chunk; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = `exited (${code ?? signal})`; });
  for (let i = 0; i < 600 && !exited; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/_sim/health`)).ok) return { child, port };
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`simulator on ${port} did not start: ${exited ?? 'no answer in 60 s'} ${said.trim()}`);
}

/** Samples WebAssembly memory and the JS heap (with array buffers, where finished CSV chunks go)
 * every `everyMs` until stopped: peaks in bytes. `stop.sofar()` gives the peaks up to now. */
export function sampleMemory(page, everyMs = 200) {
  const client = page.context().newCDPSession(page);
  let wasm = 0;
  let heap = 0;
  let running = true;
  const loop = (async () => {
    const session = await client;
    while (running) {
      try {
        wasm = Math.max(wasm, await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? 0));
        const usage = await session.send('Runtime.getHeapUsage');
        heap = Math.max(heap, usage.usedSize + (usage.backingStorageSize ?? 0));
      } catch {
        // The page may be busy; the next sample counts.
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    return { wasm, heap };
  };
  stop.sofar = () => ({ wasm, heap });
  return stop;
}

async function counters(page) {
  const texts = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-counter]')].map((el) => [el.dataset.counter, el.textContent])));
  const number = (text) => Number((text ?? '').replace(/[^0-9]/g, ''));
  return { conversations: number(texts.conversations), messages: number(texts.messages) };
}

const MINDO = { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-06-30' };

/** A Mindo export of `conversations` conversations (about 4.9 messages each), then its messages CSV. */
export async function mindoAtScale(newPage, conversations, latency) {
  const { child: sim, port } = await startSim(['--latency-ms', String(latency), '--count', `mindo=${conversations}`]);
  try {
    await fetch(`http://127.0.0.1:${port}/_sim/warm/mindo`, { method: 'POST' });
    const page = await newPage();
    await fillVendor(page, 'mindo', { filters: MINDO, base: `http://127.0.0.1:${port}/mindo/api/v1` });
    const stop = sampleMemory(page);
    const started = Date.now();
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    const headline = await waitForEnd(page, 3_600_000);
    const exportMs = Date.now() - started;
    if (!headline.startsWith('Done')) throw new Error(`mindo ${conversations}: ${headline}`);
    const { messages } = await counters(page);
    const exportPeaks = stop.sofar();
    const csvStarted = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 3_600_000 }), page.getByRole('button', { name: 'Messages CSV', exact: true }).click()]);
    const path = await download.path();
    const csvMs = Date.now() - csvStarted;
    const csv = statSync(path).size;
    const peaks = await stop();
    await page.context().close();
    return { conversations, messages, exportMs, csvMs, csv, peaks, exportPeaks };
  } finally {
    sim.kill();
  }
}

/**
 * Humind, 10,000 conversations: a full export with the preview searched every second while it
 * runs (the longest main-thread task then), and, once the simulator moved a day on with 1% of the
 * conversations changed, an export of only what changed (its requests and time).
 */
export async function incremental(newPage, simUrl) {
  const sim = (path, method = 'GET') => fetch(`${simUrl}${path}`, { method });
  await sim('/_sim/warm/humind', 'POST');
  const page = await newPage();
  await fillVendor(page, 'humind');
  await sim('/_sim/reset', 'POST');
  const startedAt = await page.evaluate(() => performance.now());
  let started = Date.now();
  await page.getByRole('button', { name: 'Fetch conversations' }).click();
  // The preview appears with the first page; search it every second while the export runs.
  const words = ['refund', 'order', 'vegan', 'delivery', ''];
  let searching = true;
  const search = (async () => {
    for (let i = 0; searching; i++) {
      const box = page.getByLabel('Search the fetched conversations');
      if (await box.count()) await box.fill(words[i % words.length]).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const headline = await waitForEnd(page, 900_000);
  const fullMs = Date.now() - started;
  searching = false;
  await search;
  if (!headline.startsWith('Done')) throw new Error(`humind: ${headline}`);
  const longest = await page.evaluate((since) => Math.max(0, ...window.__longTasks.filter((t) => t.start >= since).map((t) => t.duration)), startedAt);
  const full = (await (await sim('/_sim/stats')).json()).requests;
  await page.getByLabel('Search the fetched conversations').fill('');
  await sim('/_sim/later?changed=1&new=0', 'POST');
  await sim('/_sim/warm/humind', 'POST');
  const before = (await (await sim('/_sim/stats')).json()).requests;
  started = Date.now();
  await page.locator('#progress').getByRole('button', { name: /^Fetch only what changed since/ }).click();
  await page.locator('[data-update-report]').waitFor({ timeout: 900_000 });
  const updateMs = Date.now() - started;
  const update = (await (await sim('/_sim/stats')).json()).requests - before;
  const report = await page.locator('[data-update-report]').textContent();
  await sim('/_sim/later', 'POST');
  await page.context().close();
  return { fullMs, full, updateMs, update, report, longest };
}

/** Humind's 10,000 conversations straight from the simulator and through the relay, alternately. */
export async function relayOverhead(newPage, simUrl, relayUrl, rounds = 3) {
  const sim = (path, method = 'GET') => fetch(`${simUrl}${path}`, { method });
  await sim('/_sim/warm/humind', 'POST');
  const time = async (base) => {
    const page = await newPage();
    await fillVendor(page, 'humind', { base });
    const started = Date.now();
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    const headline = await waitForEnd(page, 900_000);
    if (!headline.startsWith('Done')) throw new Error(`relay run: ${headline}`);
    const ms = Date.now() - started;
    await page.context().close();
    return ms;
  };
  const direct = [];
  const relayed = [];
  for (let i = 0; i < rounds; i++) {
    direct.push(await time(VENDORS.humind.base()));
    relayed.push(await time(`${relayUrl}/humind`));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { direct: median(direct), relayed: median(relayed) };
}

