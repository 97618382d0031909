// A link must never send the key to someone else's server (issue: crafted links). A listener on
// loopback plays the stranger's server: it answers CORS preflights as a willing accomplice would
// and records every Authorization and X-API-Key header that reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, openPage, waitForEnd, simRequests, resetSim, VENDORS, APP_URL } from './helpers.mjs';

/** An empty, well-formed answer for each vendor's list, so a run through the listener ends. */
const EMPTY_PAGES = {
  humind: { type: 'application/json', body: '{"data":[],"next_cursor":null}' },
  talktohumans: { type: 'application/json', body: '{"data":{"conversations":[],"pagination":{"has_more":false,"next_cursor":null}}}' },
  huechat: { type: 'application/json', body: '{"data":[],"pagination":{"total":0,"limit":100,"offset":0,"has_more":false}}' },
  'voice-widget': { type: 'application/json', body: '{"data":[],"next_cursor":null}' },
  mindo: { type: 'application/x-ndjson', body: '' },
};

/** Each vendor's key header, and the filters a run needs. */
const CASES = {
  humind: { header: 'authorization', sent: (key) => `Bearer ${key}`, query: '' },
  talktohumans: { header: 'authorization', sent: (key) => `Bearer ${key}`, query: '' },
  huechat: { header: 'x-api-key', sent: (key) => key, query: '' },
  'voice-widget': { header: 'authorization', sent: (key) => `Bearer ${key}`, query: '' },
  mindo: { header: 'x-api-key', sent: (key) => key, query: '&company_id=42&from=2026-05-01&to=2026-05-02' },
};

let browser;
let listener;
let seen = [];
let listenerOrigin;
before(async () => {
  browser = await launch();
  listener = createServer((request, response) => {
    seen.push({
      method: request.method,
      path: request.url,
      authorization: request.headers.authorization,
      apiKey: request.headers['x-api-key'],
    });
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Headers', '*, Authorization, X-API-Key');
    response.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
    if (request.method === 'OPTIONS') return response.writeHead(204).end();
    const vendor = request.url.split('/')[1];
    const page = EMPTY_PAGES[vendor] ?? EMPTY_PAGES.humind;
    response.writeHead(200, { 'Content-Type': page.type }).end(page.body);
  });
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerOrigin = `http://127.0.0.1:${listener.address().port}`;
});
after(async () => {
  await browser?.close();
  listener?.close();
});

const keysSeen = () => seen.filter((r) => r.authorization || r.apiKey);
const keyField = (page) => page.getByLabel('API key', { exact: true });
const check = (page) => page.locator('[data-address-check]');

for (const [vendor, { header, sent, query }] of Object.entries(CASES)) {
  test(`${vendor}: a link to a stranger's address never gets the remembered key`, async () => {
    seen = [];
    await resetSim();
    const key = VENDORS[vendor].key;
    const host = new URL(listenerOrigin).host;
    const page = await openPage(browser, { path: `?vendor=${vendor}${query}` });
    const hasOwnAddress = vendor !== 'voice-widget';
    if (hasOwnAddress) {
      assert.equal(await check(page).count(), 0, "the vendor's own address never warns");
      assert.match(await page.locator('#api-key-help').textContent(), /sent only to api\./);
    }
    await keyField(page).fill(key);
    await page.getByLabel('Remember on this device').check();

    // The crafted link, opened on the same device.
    const link = `?vendor=${vendor}&base_url=${encodeURIComponent(`${listenerOrigin}/${vendor}`)}${query}`;
    await page.goto(new URL(link, APP_URL).toString());
    const warning = page.locator('[data-address-check][role=alert]');
    await warning.waitFor();
    const text = await warning.textContent();
    assert.ok(text.includes(`would send your`) && text.includes(host), text);
    if (hasOwnAddress) assert.match(text, /is not .+'s own address is api\./);
    assert.match(text, /If you did not expect this/);
    assert.equal(await keyField(page).inputValue(), '', 'a remembered key is not filled in');
    assert.match(await page.locator('#api-key-help').textContent(), /sent nowhere until you confirm/);

    // Everything short of trusting the host: Fetch, every other button, and a key typed by hand.
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    await keyField(page).fill(key);
    for (const button of await page.getByRole('button').all()) {
      const name = (await button.textContent()).trim();
      if (/^(Trust |Use |Clear this address|Forget key)/.test(name) || !(await button.isVisible())) continue;
      await button.click();
    }
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    await page.waitForTimeout(500);
    assert.deepEqual(keysSeen(), [], 'no key reached the stranger');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'address-check', 'Fetch points to the question');

    // Confirmed in the form: requests go there, and only there.
    await page.getByRole('button', { name: `Trust ${host} on this device` }).click();
    assert.equal(await check(page).count(), 0);
    assert.match(await page.locator('#api-key-help').textContent(), new RegExp(`sent only to (your relay )?${host}`));
    await page.getByRole('button', { name: 'Fetch conversations' }).click();
    assert.match(await waitForEnd(page), /^Done/);
    const withKey = keysSeen();
    assert.ok(withKey.length >= 1, 'the export went to the trusted host');
    for (const request of withKey) {
      assert.equal(header === 'authorization' ? request.authorization : request.apiKey, sent(key));
    }
    assert.equal(await simRequests(), 0, 'and nowhere else');

    // Removing the trusted host brings the warning back and takes the key out of the form.
    await page.getByRole('button', { name: `Stop trusting ${host}` }).click();
    await check(page).waitFor();
    assert.equal(await keyField(page).inputValue(), '');
    await page.reload();
    await warning.waitFor();
    assert.equal(await keyField(page).inputValue(), '');

    // The other way out: the vendor's own address (or, for the voice widget, a cleared one).
    const before = keysSeen().length;
    await page.getByRole('button', { name: hasOwnAddress ? /^Use .+'s own address$/ : 'Clear this address' }).click();
    assert.equal(await check(page).count(), 0);
    assert.ok(!page.url().includes('base_url'), page.url());
    if (hasOwnAddress) assert.equal(await keyField(page).inputValue(), key, "the vendor's own address is trusted");
    assert.equal(keysSeen().length, before);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
