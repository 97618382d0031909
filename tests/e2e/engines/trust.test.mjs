// Trust what you see, in this engine: a partial export says so on every button, file name and
// transcript; Resume never mixes two sets of filters; an empty result says what to try; people's
// words on screen and the vendor's codes in the CSV; each vendor's own columns; the days narrowed
// in the browser; and on the narrowest window the engine allows, progress and transcripts in view.
import assert from 'node:assert/strict';
import { flow, withPage, partialLabel, ENGINE } from './suite.mjs';
import { fetchVendor, fillVendor, fillFilters, waitForEnd, counter, parseCsv, readZip, simJson, resetSim, SIM_URL } from '../helpers.mjs';

const latency = (ms) => fetch(`${SIM_URL}/_sim/latency?ms=${ms}`, { method: 'POST' });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where an element is on screen, as the page lays it out. */
const box = (page, selector) => page.evaluate((css) => {
  const rect = document.querySelector(css)?.getBoundingClientRect();
  return rect && { y: rect.y, height: rect.height, width: rect.width };
}, selector);

/** The header row of a CSV download. */
const header = (bytes) => bytes.toString('utf8').replace(/^\ufeff/, '').split('\r\n')[0].split(',');

flow('a partial export says "partial" on every button, in every file name and atop each transcript; Resume makes it whole', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/huechat');
  try {
    await withPage(async (page) => {
      await latency(60);
      await fetchVendor(page, 'huechat');
      await page.waitForFunction(() => Number(document.querySelector('[data-counter="messages"]')?.textContent.replace(/[^0-9]/g, '')) > 100, null, { timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel' }).click();
      assert.match(await waitForEnd(page), /^Stopped: /);
      await latency(0);
      const fetched = await counter(page, 'conversations');
      const label = await partialLabel(page, truth.length);
      for (const name of ['Conversations CSV', 'Messages CSV', 'JSON', 'Raw NDJSON (as sent)', 'Download all (.zip)']) {
        assert.equal(await page.getByRole('button', { name: `${name}, ${label}`, exact: true }).count(), 1, name);
      }
      assert.match(await page.locator('.summary [data-partial]').textContent(), new RegExp(label));
      const zip = await page.download(`Download all (.zip), ${label}`);
      assert.match(zip.name, /_export_partial\.zip$/);
      const entries = readZip(zip.bytes);
      assert.equal(JSON.parse(entries.get('manifest.json').toString('utf8')).complete, false);
      const names = [...entries.keys()];
      for (const name of names.filter((n) => !n.startsWith('transcripts/') && n !== 'manifest.json')) {
        assert.match(name, /_partial\./, `${name} says partial`);
      }
      assert.match(entries.get(names.find((n) => n.endsWith('.txt'))).toString('utf8'), /^Partial export: /);
      await page.getByRole('button', { name: 'Resume' }).click();
      assert.match(await waitForEnd(page, 120_000), /^Done/);
      assert.equal(await page.locator('[data-partial]').count(), 0);
      const whole = await page.download('Conversations CSV');
      assert.doesNotMatch(whole.name, /partial/);
      assert.deepEqual(parseCsv(whole.bytes).map((r) => r.conversation_id), truth.map((c) => c.id));
    });
  } finally {
    await resetSim();
  }
});

flow('Resume after the filters changed: put the old filters back, or start anew with the new ones, never a mix', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  try {
    await withPage(async (page) => {
      // Slow pages (Humind sends 100 a page): time to stop after the first.
      await latency(1500);
      await fetchVendor(page, 'humind');
      await page.waitForFunction(() => Number(document.querySelector('[data-counter="conversations"]')?.textContent.replace(/[^0-9]/g, '')) >= 100, null, { timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel' }).click();
      await waitForEnd(page);
      await latency(0);
      const linkBefore = await page.url();
      await fillFilters(page, { 'Handled by': 'ai_active' });
      assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0, 'no Resume under other filters');
      assert.match(await page.locator('[data-run-changed]').textContent(), /changed since this export stopped/);
      assert.equal(await page.url(), linkBefore, 'the address still describes the data on screen');

      await page.getByRole('button', { name: 'Put back the filters of the stopped export' }).click();
      assert.equal(await page.getByLabel('Handled by', { exact: true }).inputValue(), '');
      await page.getByRole('button', { name: 'Resume' }).click();
      assert.match(await waitForEnd(page), /^Done/);
      assert.equal(await counter(page, 'conversations'), truth.length, 'the old filters, every conversation');

      await fillFilters(page, { 'Handled by': 'ai_active' });
      await page.getByRole('button', { name: 'Start a new export with these filters' }).click();
      assert.match(await waitForEnd(page), /^Done/);
      const rows = parseCsv((await page.download('Conversations CSV')).bytes);
      const expected = truth.filter((c) => c.handoff_status === 'ai_active');
      assert.deepEqual(rows.map((r) => r.conversation_id), expected.map((c) => c.humind_id));
      assert.equal(new URL(await page.url()).searchParams.get('handoff_status'), 'ai_active');
    });
  } finally {
    await resetSim();
  }
});

flow('an empty result says which filters gave nothing and what to try', async () => {
  await resetSim();
  await withPage(async (page) => {
    await fetchVendor(page, 'humind', { filters: { 'Started on or after': '2031-01-01' } });
    assert.match(await waitForEnd(page), /^Done: Humind has no conversations that match these filters/);
    const empty = await page.locator('[data-empty-result]').textContent();
    assert.match(empty, /Started on or after: 2031-01-01/);
    assert.match(empty, /Try a wider date range/);
  });
});

flow("people's words on screen, the vendor's codes in the CSV; dates in words; why some vendors have none", async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/humind');
  await withPage(async (page) => {
    for (const vendor of ['talktohumans', 'huechat']) {
      await page.getByLabel('Vendor', { exact: true }).selectOption(vendor);
      assert.match(await page.locator('[data-no-dates]').textContent(), /API has no date filter, so every conversation is fetched/);
    }
    await page.getByLabel('Vendor', { exact: true }).selectOption('humind');
    assert.equal(await page.locator('[data-no-dates]').count(), 0);
    await page.getByRole('button', { name: 'This month' }).click();
    assert.match(await page.locator('[data-range-words]').textContent(), /^1–(28|29|30|31) [A-Z][a-z]{2} \d{4}, UTC/);
    await page.getByLabel('Started on or after', { exact: true }).fill('');
    await page.getByLabel('Started on or before', { exact: true }).fill('');

    await fetchVendor(page, 'humind');
    assert.match(await waitForEnd(page), /^Done/);
    const shown = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    assert.ok(shown.length > 0);
    for (const status of shown) assert.match(status.trim(), /^(The AI assistant|Waiting for a human|A human operator)$/);
    const chart = await page.locator('[data-chart="status"]').getAttribute('aria-label');
    assert.match(chart, /^Handled by, now: /);
    assert.doesNotMatch(chart, /ai_active|human_active|queued/);
    await page.locator('tbody tr').first().locator('button').click();
    await page.locator('#transcript-heading').filter({ hasNotText: /^Transcript$/ }).waitFor();
    assert.doesNotMatch(await page.locator('.transcript .facts').textContent(), /ai_active|human_active|queued/);
    const rows = parseCsv((await page.download('Conversations CSV')).bytes);
    assert.deepEqual(rows.map((r) => r.status), truth.map((c) => c.handoff_status), 'the CSV keeps the codes');
  });
});

flow('on the narrowest window: progress in view after Fetch, the transcript as a view of its own, a table that says it scrolls', async () => {
  await resetSim();
  try {
    await withPage(async (page) => {
      const [width, height] = await page.setViewport(390, 800);
      await latency(30);
      await fetchVendor(page, 'humind');
      await sleep(300);
      const status = await box(page, '#run-status');
      assert.ok(status.y >= 0 && status.y + status.height <= height, `${ENGINE}: progress in view at ${width}px (${status.y})`);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'run-status', 'focus on the status');
      await waitForEnd(page);
      await latency(0);
      assert.ok(await page.locator('.scroll-hint').isVisible(), 'the table says it scrolls sideways');
      await page.locator('tbody tr').first().locator('button').click();
      await page.locator('#transcript-heading').filter({ hasNotText: /^Transcript$/ }).waitFor();
      await sleep(300);
      const heading = await box(page, '#transcript-heading');
      assert.ok(heading.y >= 0 && heading.y < height, `the transcript opens in view (${heading.y})`);
      const visible = await page.evaluate(() => document.documentElement.clientWidth);
      assert.ok((await box(page, '.transcript')).width >= visible - 2, `the full width (${visible}px beside the scroll bar)`);
      await page.getByRole('button', { name: '‹ Back to the list' }).click();
      assert.equal(await page.locator('.transcript.open').count(), 0);
      assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.conversationId != null), true, 'back on its row');
    }, { width: 390, height: 800 });
  } finally {
    await resetSim();
  }
});

flow("each vendor's own columns and files, the address under Advanced; the same columns for every vendor on request", async () => {
  await resetSim();
  await withPage(async (page) => {
    assert.equal(await page.getByLabel('API address (base URL)').isVisible(), false, 'Humind: under Advanced');
    await page.getByLabel('Vendor', { exact: true }).selectOption('voice-widget');
    assert.ok(await page.getByLabel('API address (base URL)').isVisible(), 'the voice widget needs it up front');
    assert.match(await page.locator('#base-url-help').textContent(), /dashboard/);

    await fetchVendor(page, 'talktohumans');
    assert.match(await waitForEnd(page), /^Done/);
    assert.equal(await page.getByRole('button', { name: 'Messages CSV', exact: true }).count(), 0, 'no header-only messages file');
    assert.equal(await page.getByRole('button', { name: 'Participants CSV', exact: true }).count(), 1);

    await fillVendor(page, 'humind');
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.match(await waitForEnd(page), /^Done/);
    const own = header((await page.download('Conversations CSV')).bytes);
    assert.ok(!own.includes('criteria_passed') && !own.includes('participant_count'), own.join(','));
    await page.getByText('Choose and order CSV columns', { exact: true }).click();
    const files = await page.getByLabel('File', { exact: true }).locator('option').allTextContents();
    assert.deepEqual(files.map((f) => f.trim()), ['conversations.csv', 'messages.csv', 'events.csv'], "only Humind's files");
    await page.getByLabel('Same columns for every vendor (to combine exports of several vendors in one table)').check();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('layout') === 'unified');
    const shared = await page.download('Conversations CSV');
    assert.ok(header(shared.bytes).includes('criteria_passed'));
    assert.ok(parseCsv(shared.bytes).every((row) => row.criteria_passed === ''), 'empty, not 0, for a vendor without criteria');
  });
});

flow('TalkToHumans has no date filter: narrowing by date in the browser changes what is shown and downloaded, and says so', async () => {
  await resetSim();
  const truth = await simJson('/_sim/dataset/talktohumans');
  await withPage(async (page) => {
    await fetchVendor(page, 'talktohumans');
    assert.match(await waitForEnd(page), /^Done/);
    const days = [...new Set(truth.map((c) => c.last_message_at.slice(0, 10)))].sort();
    const [from, to] = [days[Math.floor(days.length / 3)], days[Math.floor((2 * days.length) / 3)]];
    const expected = truth.filter((c) => c.last_message_at.slice(0, 10) >= from && c.last_message_at.slice(0, 10) <= to).map((c) => c.conversation_id);
    assert.ok(expected.length > 0 && expected.length < truth.length);
    // A day picked in the engine's own date control (typing into one differs per engine and
    // locale): the value set, and the change it announces.
    const pick = (label, day) => page.getByLabel(label, { exact: true }).eval(
      `el.focus(); el.value = arg; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
      day,
    );
    await pick('From', from);
    await pick('To (included)', to);
    await page.waitForFunction(() => /Narrowed in this browser/.test(document.querySelector('[data-narrowed]')?.textContent ?? ''));
    assert.match(await page.locator('[data-narrowed]').textContent(), new RegExp(`: ${expected.length} of ${truth.length} conversations`));
    const csv = parseCsv((await page.download('Conversations CSV')).bytes);
    assert.deepEqual(csv.map((r) => r.conversation_id), expected, 'the rows in the CSV');
    assert.equal(new URL(await page.url()).searchParams.get('shown_from'), from, 'the days are in the link');
    const zip = readZip((await page.download('Download all (.zip)')).bytes);
    const manifest = JSON.parse(zip.get('manifest.json').toString('utf8'));
    assert.match(manifest.shown_in_browser, /UTC/);
    assert.equal(manifest.counts.conversations, expected.length);
  });
});
