// The same view, twice: downloaded in the browser, and written by `conversation-export export
// --link` from the page's own link. Every file in the two zips holds the same bytes (the
// manifest apart, which says when). Needs target/debug/conversation-export (built by the test
// command before these run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pagesOfOneBrowser, fetchVendor, waitForEnd, download, readZip, resetSim, VENDORS } from './helpers.mjs';

const CLI = new URL('../../target/debug/conversation-export', import.meta.url).pathname;
const run = promisify(execFile);

const newPage = pagesOfOneBrowser();

const VIEWS = {
  humind: { 'Started on or after': '2026-05-01', 'Handled by': 'ai_active' },
  mindo: { 'Company ID': '42,57', From: '2026-04-01', 'To (not included)': '2026-06-15' },
};

for (const [vendor, filters] of Object.entries(VIEWS)) {
  test(`${vendor}: the command line, given the page's link, writes the very files the browser downloads`, async () => {
    await resetSim();
    const page = await newPage();
    await fetchVendor(page, vendor, { filters });
    assert.match(await waitForEnd(page, 120_000), /^Done/);
    const inBrowser = readZip((await download(page, 'Download all (.zip)')).bytes);
    const link = page.url();
    await page.context().close();

    const out = mkdtempSync(join(tmpdir(), `cli-${vendor}-`));
    try {
      // The link carries the simulator's address: trusted only when given again by flag.
      await run(CLI, ['export', '--link', link, '--base-url', VENDORS[vendor].base(), '--out', out, '--quiet'], {
        env: { ...process.env, CONVERSATION_EXPORT_KEY: VENDORS[vendor].key },
      });
      const zip = readdirSync(out).find((name) => name.endsWith('.zip'));
      assert.ok(zip, `a zip in ${readdirSync(out).join(', ')}`);
      const fromCli = readZip(readFileSync(join(out, zip)));
      const names = (entries) => [...entries.keys()].filter((name) => name !== 'manifest.json').sort();
      assert.deepEqual(names(fromCli), names(inBrowser), 'the same files');
      assert.ok(names(inBrowser).filter((name) => !name.startsWith('transcripts/')).length >= 4, `the data files: ${names(inBrowser).slice(0, 6)}`);
      assert.ok(inBrowser.get(names(inBrowser).find((name) => name.endsWith('_messages.csv'))).length > 10_000, 'messages in them');
      for (const name of names(inBrowser)) {
        assert.ok(fromCli.get(name).equals(inBrowser.get(name)), `${vendor}: ${name} holds the same bytes`);
      }
      const manifest = (entries) => JSON.parse(entries.get('manifest.json').toString('utf8'));
      assert.deepEqual(manifest(fromCli).counts, manifest(inBrowser).counts, 'the same counts in the manifest');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
