// A transcript opened, copied and saved, and the app's own date picker, in this engine.
import assert from 'node:assert/strict';
import { flow, withPage, ENGINE } from './suite.mjs';
import { fetchHumind, waitForEnd, simJson, openTranscript, displayTitle } from '../helpers.mjs';

flow('a transcript: turns, times, cart events as text; copied; saved as text and Markdown', async () => {
  const truth = await simJson('/_sim/dataset/humind');
  await withPage(async (page) => {
    await fetchHumind(page);
    await waitForEnd(page);
    const withCart = truth.find((c) => c.messages.length > 2 && c.messages.some((m) => (m.events ?? []).some((e) => e.type === 'add_product')));
    await openTranscript(page, withCart.humind_id);
    const transcript = page.getByRole('region', { name: displayTitle(withCart), exact: true });
    await transcript.waitFor();
    const bubbles = transcript.locator('.messages > li');
    assert.equal(await bubbles.count(), withCart.messages.length);
    const label = { user: 'Customer', assistant: 'Assistant', operator: 'Operator' };
    assert.deepEqual(await bubbles.locator('.author').allTextContents(), withCart.messages.map((m) => label[m.from]));
    const added = withCart.messages.flatMap((m) => m.events ?? []).find((e) => e.type === 'add_product');
    const events = await transcript.locator('.event').allTextContents();
    assert.ok(events.includes(`Added to cart: ${added.product_title ?? `product ${added.product_id}`} at ${added.price_at_event.toFixed(2)}`), events.join('\n'));
    const times = await bubbles.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    assert.deepEqual(times, withCart.messages.map((m) => m.created_at));
    await page.getByLabel(/Show times in UTC/).check();
    assert.equal(await bubbles.first().locator('time').textContent(), `${withCart.messages[0].created_at.slice(0, 16).replace('T', ' ')} UTC`);

    await page.getByRole('button', { name: 'Copy transcript' }).click();
    await page.getByText('Transcript copied.').waitFor();
    const copied = (await page.copied()).at(-1).text;
    assert.ok(copied.includes(withCart.messages[0].content[0].split('\n')[0]), copied.slice(0, 200));

    const text = await page.download('Transcript (.txt)');
    assert.equal(text.name, `humind_${withCart.humind_id}_transcript.txt`);
    const body = text.bytes.toString('utf8');
    assert.equal(body, copied, 'the file holds what was copied');
    for (const message of withCart.messages) {
      for (const line of message.content.join('\n\n').split('\n')) assert.ok(body.includes(line.trimEnd()), line);
    }
    const markdown = await page.download('Transcript (.md)');
    assert.equal(markdown.name, `humind_${withCart.humind_id}_transcript.md`);
    assert.ok(markdown.bytes.toString('utf8').startsWith('# '));

    // Vendor text is text: the message holding <script> shows those characters.
    const hostile = truth.find((c) => c.messages.some((m) => m.content.join('').includes('<script>')));
    await openTranscript(page, hostile.humind_id);
    assert.ok((await page.locator('.messages').textContent()).includes("<script>alert('xss')</script>"));
    assert.equal(await page.locator('.messages script, .messages img').count(), 0);
  });
});

flow('the date picker: one Tab stop, a month of labelled days, fills the field, Escape closes', async () => {
  await withPage(async (page) => {
    const field = page.getByLabel('Started on or after', { exact: true });
    const active = () => page.evaluate(() => [document.activeElement.id, document.activeElement.getAttribute('aria-label')]);
    // A wrong date is pointed out when the user leaves the field, not while typing.
    await field.fill('2026-02-30');
    assert.equal(await page.locator('#filter-created-after-error').count(), 0, 'no complaint while typing');
    await field.blur();
    assert.match(await page.locator('#filter-created-after-error').textContent(), /Use a date like/);
    await field.fill('2026-02-28');
    assert.equal(await page.locator('#filter-created-after-error').count(), 0, 'the message goes as soon as it is right');

    await field.focus();
    await page.keyboardPress('\uE004'); // Tab
    assert.deepEqual((await active())[1], 'Pick a date for Started on or after');
    await page.keyboardPress('\uE004');
    assert.equal((await active())[0], 'filter-created-before', 'one stop, then the next field');

    // Typed, then picked: the picker opens on the field's month; days are named in words.
    await field.fill('2026-05-20');
    await page.getByRole('button', { name: 'Pick a date for Started on or after' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a date for Started on or after' });
    await dialog.getByRole('button', { name: '3 May 2026', exact: true }).click();
    assert.equal(await field.inputValue(), '2026-05-03');
    assert.equal(await dialog.count(), 0, 'the picker closes');
    assert.equal(new URL(await page.url()).searchParams.get('created_after'), '2026-05-03', 'the link follows');

    // By keyboard: the picker opens with the focus on the field's day; Tab, Enter picks the next.
    await page.getByRole('button', { name: 'Pick a date for Started on or after' }).click();
    await page.waitForFunction(() => document.activeElement.id === 'filter-created-after-day-2026-05-03', null, { timeout: 2000 });
    await page.keyboardPress('\uE004'); // Tab
    await page.keyboardPress('\uE007'); // Enter
    assert.equal(await field.inputValue(), '2026-05-04');
    assert.equal(await dialog.count(), 0);

    await page.getByRole('button', { name: 'Pick a date for Started on or after' }).click();
    await dialog.getByRole('button', { name: 'Previous month' }).click();
    await dialog.locator('button.day:not(.outside)').first().click();
    assert.equal(await field.inputValue(), '2026-04-01');

    await page.getByRole('button', { name: 'Pick a date for Started on or after' }).click();
    await dialog.waitFor();
    await page.keyboardPress('\uE00C'); // Escape
    await dialog.waitFor({ state: 'detached', timeout: 2000 });
    assert.equal((await active())[1], 'Pick a date for Started on or after', `${ENGINE}: the focus goes back to the button`);

  });
});
