// The key and the link, in this engine: Demo with no key and no network, remember and forget the
// key, a wrong key's message, and a bookmarked link that restores the view without the key.
import assert from 'node:assert/strict';
import { flow, withPage } from './suite.mjs';
import {
  fetchHumind, setAddress, waitForEnd, parseCsv, resetSim, simRequests, humindBase, openTranscript, HUMIND_KEY, VENDORS, APP_URL,
} from '../helpers.mjs';

const stored = (page) => page.evaluate(() => localStorage.getItem('conversation-export:key:humind'));

flow('Demo: the whole pipeline on built-in data, with no key and no request', async () => {
  await resetSim();
  await withPage(async (page) => {
    await page.getByLabel('Demo data (no key, nothing leaves this page)').check();
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.match(await waitForEnd(page), /^Done: 400 conversations/);
    assert.equal(new URL(await page.url()).searchParams.get('demo'), '1');
    const csv = parseCsv((await page.download('Conversations CSV')).bytes);
    assert.equal(csv.length, 400);
    const talkative = csv.find((r) => Number(r.message_count) > 1);
    await openTranscript(page, talkative.conversation_id);
    await page.locator('.messages > li').first().waitFor();
    assert.equal(await page.locator('.messages > li').count(), Number(talkative.message_count));
    // Nothing left the page: the simulator saw nothing, and every resource came from the app.
    assert.equal(await simRequests(), 0);
    const origins = await page.evaluate(() => [...new Set(performance.getEntriesByType('resource').map((e) => new URL(e.name).origin))]);
    assert.deepEqual(origins.filter((o) => o !== new URL(APP_URL).origin && o !== 'null'), []);
  });
});

flow('the key: masked, remembered only when asked, kept over a reload, forgotten everywhere', async () => {
  await resetSim();
  await withPage(async (page) => {
    const key = page.getByLabel('API key', { exact: true });
    assert.equal(await key.getAttribute('type'), 'password', 'masked by default');
    await key.fill(HUMIND_KEY);
    await page.getByRole('button', { name: 'Show' }).click();
    assert.equal(await key.getAttribute('type'), 'text');
    await page.getByRole('button', { name: 'Hide' }).click();
    assert.match(await page.locator('#api-key-hint').textContent(), /looks like a Humind key/);
    await key.fill('mindo_global_abc');
    await key.blur();
    assert.match(await page.locator('#api-key-error').textContent(), /looks like a Mindo key, not a Humind key/);
    await setAddress(page, VENDORS.humind.base());
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.equal(await simRequests(), 0, "another vendor's key is never sent");
    assert.equal(await stored(page), null, 'no key stored unless asked');

    await key.fill(HUMIND_KEY);
    await page.getByLabel('Remember on this device').check();
    assert.equal(await stored(page), HUMIND_KEY);
    await page.reload();
    assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), HUMIND_KEY, 'remembered after a reload');
    assert.ok(await page.getByLabel('Remember on this device').isChecked());
    await page.getByRole('button', { name: 'Forget key' }).click();
    assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');
    assert.equal(await stored(page), null, 'forgotten everywhere');
    await page.reload();
    assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');
  });
});

flow("a wrong key: the vendor's refusal in words, the field marked, the key nowhere, Try again", async () => {
  await resetSim();
  await withPage(async (page) => {
    const wrong = 'hmd_live_this_key_is_wrong_42';
    await fetchHumind(page, { key: wrong });
    assert.equal(await waitForEnd(page), 'The export could not start.');
    assert.match(await page.getByRole('alert').textContent(), /Humind does not recognise this API key/);
    assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0);
    assert.equal(await page.getByLabel('API key', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#api-key-error').textContent(), /Humind does not recognise this API key/);
    assert.ok(!(await page.url()).includes(wrong));
    assert.ok(!(await page.locator('body').innerText()).includes(wrong), 'the key is not shown in any message');
    await page.getByLabel('API key', { exact: true }).fill(HUMIND_KEY);
    assert.equal(await page.locator('#api-key-error').count(), 0, 'a new key clears the mark');
    await page.getByRole('button', { name: 'Try again' }).click();
    assert.match(await waitForEnd(page), /^Done/);
  });
});

flow('a bookmarked link restores the view and asks only for the key', async () => {
  await resetSim();
  let link;
  await withPage(async (page) => {
    await fetchHumind(page, {
      filters: { 'Started on or after': '2026-05-01', 'Handled by': 'human_active', 'Include contact details (name, email, phone)': true },
    });
    await waitForEnd(page);
    assert.ok(await page.getByRole('note').filter({ hasText: 'personal data' }).isVisible(), 'contact warning');
    await page.getByRole('button', { name: 'Copy link to this view' }).click();
    await page.getByText(/^Link copied/).waitFor();
    link = (await page.copied()).at(-1).text;
    assert.equal(link, await page.url());
  });
  const url = new URL(link);
  assert.equal(url.searchParams.get('vendor'), 'humind');
  assert.equal(url.searchParams.get('created_after'), '2026-05-01');
  assert.equal(url.searchParams.get('handoff_status'), 'human_active');
  assert.equal(url.searchParams.get('include_contact'), '1');
  assert.equal(url.searchParams.get('base_url'), humindBase());
  assert.ok(!link.includes(HUMIND_KEY));

  // Opened later in a browser that has never seen it (a new profile; geckodriver runs one
  // session at a time, so the first one is closed by now).
  await withPage(async (reopened) => {
    assert.equal(await reopened.getByLabel('Started on or after', { exact: true }).inputValue(), '2026-05-01');
    assert.equal(await reopened.getByLabel('Handled by', { exact: true }).inputValue(), 'human_active');
    assert.ok(await reopened.getByLabel('Include contact details (name, email, phone)').isChecked());
    assert.equal(await reopened.getByLabel('API address (base URL)').inputValue(), humindBase());
    assert.equal(await reopened.getByLabel('API key', { exact: true }).inputValue(), '', 'asks only for the key');
    // An address that came in a link is not trusted by the link alone.
    assert.ok(await reopened.locator('[data-address-check][role=alert]').isVisible());
  }, { path: url.search });
});

flow('copying without the Clipboard API (a page that is not a secure context) still copies the link', async () => {
  await withPage(async (page) => {
    await page.getByLabel('Vendor', { exact: true }).selectOption('huechat');
    // Served over plain http from a host name, no engine offers navigator.clipboard.
    await page.evaluate(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
    });
    assert.equal(await page.evaluate(() => typeof navigator.clipboard), 'undefined');
    await page.getByRole('button', { name: 'Copy link to this view' }).click();
    await page.getByText(/^(Link copied|Could not copy)/).waitFor();
    assert.match(await page.getByText(/^(Link copied|Could not copy)/).textContent(), /^Link copied/);
    const copied = (await page.copied()).at(-1);
    assert.equal(copied.how, 'copy event');
    assert.equal(copied.text, await page.url());
  });
});
