// What every cross-engine flow file shares: the engine's WebDriver for the whole file, a fresh
// session per test that must end without a page error, axe-core, and the zip's own checks.
//   ENGINE=firefox node --test --test-concurrency=1 tests/e2e/engines/*.test.mjs
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { startDriver, openPage, ENGINE } from './driver.mjs';
import { readZip, parseCsv, resetSim, counter } from '../helpers.mjs';

export { ENGINE };

let server;
before(async () => {
  server = await startDriver(ENGINE);
  await resetSim();
});
after(async () => {
  await resetSim();
  await server?.stop();
});

/** A test in this engine, its name prefixed with the engine's. */
export function flow(name, body, options = {}) {
  test(`[${ENGINE}] ${name}`, { timeout: options.timeout ?? 420_000 }, body);
}

/** A WebDriver command that never answered: the engine's driver is stuck, not the test. */
class Stuck extends Error {}

const within = (ms, promise, what) => {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Stuck(what())), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

/**
 * Runs `body` on a fresh page (a new profile); the page must end with no error in it. A flow
 * whose browser stops answering (a WebDriver command that never returns: seen once in a few
 * hundred WebKit sessions) fails with its last actions, its browser is closed all the same, and
 * it runs once more in a fresh one; a flow that fails an assertion is never run again.
 */
export async function withPage(body, options = {}) {
  for (let attempt = 1; ; attempt++) {
    let page;
    try {
      page = await within(60_000, openPage(server, options), () => `${ENGINE}: the browser did not start`);
      const current = page;
      await within(options.timeout ?? 150_000, body(page), () => `${ENGINE}: stuck; last actions:\n  ${current.trail.join('\n  ')}`);
      assert.deepEqual(await page.problems(), [], `${ENGINE}: no page error`);
      return;
    } catch (error) {
      if (page) await within(10_000, page.screenshot(`failure-${Date.now()}`), () => 'screenshot').catch(() => {});
      if (!(error instanceof Stuck) || attempt >= 2) throw error;
      console.log(`${error.message}\n${ENGINE}: once more, in a fresh browser`);
    } finally {
      if (page) await within(30_000, page.close(), () => `${ENGINE}: the browser did not close`).catch((e) => console.log(e.message));
    }
  }
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page; returns its serious and critical violations. */
export async function audit(page) {
  const result = await page.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     if (!window.axe) { ${AXE} }
     window.axe.run(document, { resultTypes: ['violations'] })
       .then((r) => done({ violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })) }))
       .catch((e) => done({ error: String(e && e.stack || e) }));`,
  );
  if (result.error) throw new Error(`${ENGINE}: axe failed: ${result.error}`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`);
}

/**
 * Checks a "Download all" zip: its manifest, every file it lists, a transcript pair per
 * conversation, and each file downloaded on its own holding the very same bytes in the zip.
 */
export function checkZip(zip, vendor, conversations, separately = []) {
  assert.match(zip.name, new RegExp(`^${vendor}_.*_export\\.zip$`));
  const entries = readZip(zip.bytes);
  const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
  assert.equal(manifest.vendor, vendor);
  assert.equal(manifest.complete, true);
  assert.equal(manifest.counts.conversations, conversations, `${vendor}: conversations in the manifest`);
  for (const file of manifest.files) {
    assert.ok(entries.has(file.name), `${vendor}: ${file.name} listed and present`);
    assert.equal(entries.get(file.name).length, file.bytes, `${vendor}: ${file.name} size`);
  }
  const names = [...entries.keys()];
  for (const kind of ['conversations.csv', 'conversations.json', 'raw.ndjson']) {
    assert.ok(names.some((n) => n.endsWith(`_${kind}`)), `${vendor}: ${kind}`);
  }
  // TalkToHumans' API has no messages, only each conversation's last one: no messages file.
  assert.equal(names.some((n) => n.endsWith('_messages.csv')), vendor !== 'talktohumans', `${vendor}: a messages file only where the vendor has messages`);
  assert.equal(names.filter((n) => /^transcripts\/.*\.txt$/.test(n)).length, conversations, `${vendor}: a text transcript each`);
  assert.equal(names.filter((n) => /^transcripts\/.*\.md$/.test(n)).length, conversations, `${vendor}: a Markdown transcript each`);
  assert.equal(parseCsv(entries.get(names.find((n) => n.endsWith('_conversations.csv')))).length, conversations);
  assert.ok(!JSON.stringify(manifest).includes('_sim_'), `${vendor}: no key in the manifest`);
  for (const file of separately) {
    assert.ok(entries.has(file.name), `${vendor}: ${file.name} in the zip`);
    assert.ok(entries.get(file.name).equals(file.bytes), `${vendor}: ${file.name} in the zip is the file downloaded alone`);
  }
  return entries;
}

/** Lines of an NDJSON file, parsed. */
export const ndjson = (bytes) => bytes.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));

/** JSON with keys sorted, to compare records as sets. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The "Partial: …" label a stopped export's download buttons carry, checked against what was
 * fetched: "Partial: 120 of 250" while conversations are still being listed, "Partial: messages
 * for 25 of 250 conversations" once all are listed and some of their messages are not.
 */
export async function partialLabel(page, total) {
  const fetched = await counter(page, 'conversations');
  const name = await page.evaluate(() => [...document.querySelectorAll('button')]
    .map((button) => button.textContent.replace(/\s+/g, ' ').trim())
    .find((text) => text.startsWith('Conversations CSV, Partial: ')));
  assert.ok(name, `${ENGINE}: a partial Conversations CSV button`);
  const label = name.slice('Conversations CSV, '.length);
  const of = total.toLocaleString('en-US');
  if (fetched < total) {
    assert.equal(label, `Partial: ${fetched.toLocaleString('en-US')} of ${of}`);
  } else {
    const messages = label.match(new RegExp(`^Partial: messages for ([\\d,]+) of ${of} conversations$`));
    assert.ok(messages && Number(messages[1].replace(/,/g, '')) < total, label);
  }
  return label;
}
