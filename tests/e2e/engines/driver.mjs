// A small cross-engine harness over classic WebDriver (selenium-webdriver as the client):
// Chromium through chromedriver, Firefox ESR through geckodriver, WebKitGTK's MiniBrowser through
// WebKitWebDriver under a virtual display. One driver process per engine run, a fresh session
// (and so a fresh profile) per test, and a page API close to what the flows need: find by label,
// by role and name, by text or CSS; fill, select, check, click; read text and values; wait.
//
// What no engine reports the same way over classic WebDriver is captured inside the page by an
// injected script: uncaught errors and console errors, the files the app downloads (the Blob
// behind each object URL and the name on the link, read back byte for byte), object-URL
// revocations, and the text the app puts on the clipboard.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, Key } from 'selenium-webdriver';
import { APP_URL, ARTIFACTS, CHROMIUM_FLAGS } from '../helpers.mjs';

export { Key };

// ChromeDriver starts Chromium headed unless told; /dev/shm is small in containers.
const CHROMIUM_ARGS = ['--headless=new', ...CHROMIUM_FLAGS, '--disable-dev-shm-usage'];

/** How each engine's WebDriver starts, and the capabilities that open a fresh browser. */
export const ENGINES = {
  chromium: {
    command: (port) => [process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: ({ downloads }) => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
        prefs: {
          'download.default_directory': downloads,
          'download.prompt_for_download': false,
          'profile.default_content_setting_values.automatic_downloads': 1,
        },
      },
    }),
    savesDownloads: true,
  },
  firefox: {
    command: (port) => [process.env.GECKODRIVER ?? 'geckodriver', [`--port=${port}`, '--log', 'error']],
    capabilities: ({ downloads }) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        args: ['-headless'],
        prefs: {
          'browser.download.folderList': 2,
          'browser.download.dir': downloads,
          'browser.download.useDownloadDir': true,
          'browser.download.always_ask_before_handling_new_types': false,
          'browser.download.alwaysOpenPanel': false,
          'browser.download.panel.shown': true,
          'browser.aboutConfig.showWarning': false,
        },
      },
    }),
    savesDownloads: true,
  },
  webkit: {
    // MiniBrowser is a GTK window: it needs a display, here a virtual one. It saves downloads
    // in the user's download folder (XDG), which is $HOME when there is none: the driver runs
    // with a home of its own, and that is the download folder of every session it starts.
    ownHome: true,
    command: (port) => [
      'xvfb-run',
      ['-a', '-s', '-screen 0 1920x1200x24', process.env.WEBKITWEBDRIVER ?? 'WebKitWebDriver', `--port=${port}`],
    ],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation'],
      },
    }),
    savesDownloads: true,
  },
};

export const ENGINE = process.env.ENGINE ?? 'chromium';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the engine's WebDriver server; `stop()` ends it (and, for WebKit, its display). */
export async function startDriver(engine = ENGINE) {
  const spec = ENGINES[engine];
  if (!spec) throw new Error(`unknown engine ${engine}: one of ${Object.keys(ENGINES).join(', ')}`);
  const port = await freePort();
  const [command, args] = spec.command(port);
  const home = spec.ownHome ? mkdtempSync(join(tmpdir(), `e2e-${engine}-home-`)) : null;
  const env = home ? { ...process.env, HOME: home, XDG_DOWNLOAD_DIR: home } : process.env;
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let exited = null;
  child.on('exit', (code) => {
    exited = code;
  });
  // The driver runs in a process group of its own (so that stopping it ends the browsers and,
  // for WebKit, the display it started): end that group with this process, however it ends.
  const endGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', endGroup);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      endGroup();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited !== null) throw new Error(`${command} exited (${exited}): ${stderr}`);
    try {
      const status = await (await fetch(`${url}/status`)).json();
      if (status.value?.ready !== false) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`${command} did not start: ${stderr}`);
    await sleep(100);
  }
  return {
    engine,
    url,
    downloads: home,
    async stop() {
      if (exited === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        try {
          process.kill(-child.pid, 'SIGTERM');
          await Promise.race([gone, sleep(5000)]);
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (home) rmSync(home, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// In the page: the instrumentation and the finder.

/** Installed on every page load: errors, downloads, revocations and the clipboard, recorded. */
const INSTRUMENT = `
if (!window.__e2e) {
  const e2e = (window.__e2e = { errors: [], downloads: [], revoked: [], copied: [], blobs: new Map() });
  const describe = (value) => (value && value.stack) || (value && value.message) || String(value);
  window.addEventListener('error', (event) => e2e.errors.push('page error: ' + (event.message || describe(event.error))));
  window.addEventListener('unhandledrejection', (event) => e2e.errors.push('unhandled rejection: ' + describe(event.reason)));
  const consoleError = console.error;
  console.error = function (...args) {
    e2e.errors.push('console error: ' + args.map(describe).join(' '));
    return consoleError.apply(this, args);
  };
  const create = URL.createObjectURL;
  URL.createObjectURL = function (object) {
    const url = create.call(URL, object);
    e2e.blobs.set(url, object);
    return url;
  };
  const revoke = URL.revokeObjectURL;
  URL.revokeObjectURL = function (url) {
    e2e.revoked.push({ url, at: performance.now() });
    return revoke.call(URL, url);
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.hasAttribute('download')) {
      e2e.downloads.push({ name: this.download, url: this.href, at: performance.now(), blob: e2e.blobs.get(this.href) });
    }
    return click.apply(this, arguments);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    const write = navigator.clipboard.writeText;
    navigator.clipboard.writeText = function (text) {
      e2e.copied.push({ how: 'clipboard.writeText', text: String(text) });
      return write.apply(this, arguments);
    };
  }
  document.addEventListener('copy', () => {
    const active = document.activeElement;
    const text = active && 'selectionStart' in active && active.value !== undefined
      ? active.value.slice(active.selectionStart, active.selectionEnd)
      : String(document.getSelection());
    e2e.copied.push({ how: 'copy event', text });
  }, true);
}
`;

/** Finds elements as a person would name them. Runs in the page, as source text. */
function find(query) {
  const norm = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
  const test = (text, want, exact) => {
    if (want && typeof want === 'object') return new RegExp(want.source, want.flags).test(text);
    return exact ? text === want : text.toLowerCase().includes(String(want).toLowerCase());
  };
  const shown = (el) => {
    if (el.closest('[aria-hidden="true"]')) return false;
    if (typeof el.checkVisibility === 'function') return el.checkVisibility({ visibilityProperty: true });
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  };
  const textOf = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
    .map((el) => norm(el.textContent)).join(' ');
  const labelOf = (el) => {
    if (el.hasAttribute('aria-labelledby')) return textOf(el.getAttribute('aria-labelledby'));
    if (el.hasAttribute('aria-label')) return norm(el.getAttribute('aria-label'));
    if (el.labels && el.labels.length) return [...el.labels].map((l) => norm(l.textContent)).join(' ');
    return '';
  };
  const nameOf = (el) => labelOf(el)
    || (el.tagName === 'INPUT' ? norm(el.value) : norm(el.textContent))
    || norm(el.getAttribute('title'));
  const ROLES = {
    button: 'button, [role=button], input[type=button], input[type=submit], input[type=reset]',
    checkbox: 'input[type=checkbox], [role=checkbox]',
    radio: 'input[type=radio], [role=radio]',
    dialog: 'dialog, [role=dialog]',
    alert: '[role=alert]',
    status: '[role=status], output',
    note: '[role=note]',
    progressbar: 'progress, [role=progressbar]',
    region: 'section[aria-label], section[aria-labelledby], [role=region]',
    link: 'a[href], [role=link]',
    combobox: 'select, [role=combobox]',
    textbox: 'input:not([type]), input[type=text], input[type=password], input[type=search], textarea',
    heading: 'h1, h2, h3, h4, h5, h6, [role=heading]',
    table: 'table, [role=table]',
    row: 'tr, [role=row]',
  };
  let roots = [document];
  if (query.within) roots = find(query.within);
  const all = (selector) => roots.flatMap((root) => [...root.querySelectorAll(selector)]);
  let found;
  if (query.css) {
    found = all(query.css);
  } else if (query.label) {
    found = all('input, select, textarea, button, [aria-label], [aria-labelledby]')
      .filter((el) => test(labelOf(el), query.label, query.exact));
  } else if (query.role) {
    const selector = ROLES[query.role];
    if (!selector) throw new Error('no role ' + query.role);
    found = all(selector).filter(shown);
    if (query.name !== undefined) found = found.filter((el) => test(nameOf(el), query.name, query.exact));
  } else if (query.text !== undefined) {
    const matching = all('body *').filter((el) => !['SCRIPT', 'STYLE'].includes(el.tagName)
      && test(norm(el.textContent), query.text, query.exact));
    found = matching.filter((el) => !matching.some((other) => other !== el && el.contains(other)));
  } else {
    throw new Error('empty query ' + JSON.stringify(query));
  }
  if (query.hasNotText !== undefined) found = found.filter((el) => !test(norm(el.textContent), query.hasNotText, false));
  if (query.hasText !== undefined) found = found.filter((el) => test(norm(el.textContent), query.hasText, false));
  if (query.nth !== undefined) found = found.slice(query.nth < 0 ? found.length + query.nth : query.nth).slice(0, 1);
  return found;
}

/** A query with regular expressions turned into something JSON can carry. */
function portable(query) {
  const out = {};
  for (const [key, value] of Object.entries(query)) {
    if (value instanceof RegExp) out[key] = { source: value.source, flags: value.flags };
    else if (key === 'within' && value) out[key] = portable(value);
    else out[key] = value;
  }
  return out;
}

const FIND = `const find = ${find.toString()};`;

// ---------------------------------------------------------------------------------------------
// The page API.

class Locator {
  constructor(page, query) {
    this.page = page;
    this.query = query;
  }

  /** A narrower locator inside this one. */
  locator(css) {
    return new Locator(this.page, { css, within: this.query });
  }
  getByRole(role, { name, exact } = {}) {
    return new Locator(this.page, { role, name, exact, within: this.query });
  }
  getByText(text, { exact } = {}) {
    return new Locator(this.page, { text, exact, within: this.query });
  }
  getByLabel(label, { exact } = {}) {
    return new Locator(this.page, { label, exact, within: this.query });
  }
  first() {
    return new Locator(this.page, { ...this.query, nth: 0 });
  }
  nth(n) {
    return new Locator(this.page, { ...this.query, nth: n });
  }
  filter({ hasText, hasNotText }) {
    return new Locator(this.page, { ...this.query, hasText, hasNotText });
  }

  describe() {
    return JSON.stringify(portable(this.query));
  }

  /** Runs `body` in the page with `els` (the matches) and `arg`; returns its result. */
  async evalAll(body, arg) {
    return this.page.driver.executeScript(
      `${FIND} const els = find(arguments[0]); const arg = arguments[1]; ${body}`,
      portable(this.query),
      arg,
    );
  }

  async count() {
    return this.evalAll('return els.length;');
  }

  /** The first match, waiting for it to exist. */
  async element(timeout = this.page.timeout) {
    this.page.note(`find ${this.describe()}`);
    const deadline = Date.now() + timeout;
    for (;;) {
      const element = await this.evalAll('return els[0] ?? null;');
      if (element) return element;
      if (Date.now() > deadline) throw new Error(`${this.page.engine}: no element ${this.describe()}`);
      await sleep(50);
    }
  }

  /** Waits until the locator matches something (or, with `{ state: 'detached' }`, nothing). */
  async waitFor({ timeout = this.page.timeout, state = 'attached' } = {}) {
    this.page.note(`wait for ${this.describe()} ${state}`);
    const deadline = Date.now() + timeout;
    for (;;) {
      const n = await this.count();
      if (state === 'detached' ? n === 0 : n > 0) return;
      if (Date.now() > deadline) throw new Error(`${this.page.engine}: waited ${timeout} ms for ${this.describe()} to be ${state}`);
      await sleep(50);
    }
  }

  /** Playwright's `locator.evaluate`: `fn(element, arg)` in the page. */
  async evaluate(fn, arg) {
    return this.eval(`return (${fn.toString()})(el, arg);`, arg);
  }
  async evaluateAll(fn, arg) {
    return this.evalAll(`return (${fn.toString()})(els, arg);`, arg);
  }

  async eval(body, arg) {
    const element = await this.element();
    return this.page.driver.executeScript(`const el = arguments[0]; const arg = arguments[1]; ${body}`, element, arg);
  }

  async textContent() {
    return this.eval('return el.textContent;');
  }
  async innerText() {
    return this.eval('return el.innerText;');
  }
  async allTextContents() {
    return this.evalAll('return els.map((el) => el.textContent);');
  }
  async inputValue() {
    return this.eval('return el.value;');
  }
  async getAttribute(name) {
    return this.eval('return el.getAttribute(arg);', name);
  }
  async isChecked() {
    return this.eval('return el.checked;');
  }
  async isDisabled() {
    return this.eval('return el.disabled;');
  }
  async isVisible() {
    return this.evalAll(
      'const el = els[0]; if (!el) return false; return typeof el.checkVisibility === "function" ? el.checkVisibility({ visibilityProperty: true }) : !!el.getClientRects().length;',
    );
  }
  async focus() {
    await this.eval('el.focus();');
  }
  async blur() {
    await this.eval('el.blur();');
  }

  /** A real click (the WebDriver element click: trusted events, user activation). */
  async click() {
    let element = await this.element();
    this.page.note(`click ${this.describe()}`);
    // geckodriver and WebKitWebDriver refuse to click a table row itself ("could not be scrolled
    // into view"): a person clicking a row clicks one of its cells, and so do we.
    // Like a person, wait until it stops moving and nothing covers it: a click sent while the
    // page is still laying itself out after the previous action lands beside the button.
    element = await this.page.driver.executeAsyncScript(
      `const el = arguments[0];
       const done = arguments[arguments.length - 1];
       const target = el.tagName === 'TR' ? el.querySelector('td, th') ?? el : el;
       target.scrollIntoView({ block: 'center', inline: 'nearest' });
       let last = null;
       let stable = 0;
       const started = performance.now();
       const check = () => {
         const r = target.getBoundingClientRect();
         const now = [r.x, r.y, r.width, r.height].join();
         const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
         stable = now === last && hit && (target.contains(hit) || hit.contains(target)) ? stable + 1 : 0;
         last = now;
         if (stable >= 2 || performance.now() - started > 2000) return done(target);
         requestAnimationFrame(check);
       };
       requestAnimationFrame(check);`,
      element,
    );
    try {
      await element.click();
    } catch (error) {
      if (!/intercepted|not interactable|obscured|could not be scrolled/i.test(error.message)) throw error;
      // Something drawn over the element (a sticky bar): wait a moment and click once more.
      await sleep(200);
      await element.click();
    }
  }

  /** Replaces the value as typing would: cleared (without leaving the field), then typed. */
  async fill(value) {
    const element = await this.element();
    this.page.note(`fill ${this.describe()}`);
    await this.page.driver.executeScript(
      `const el = arguments[0];
       el.scrollIntoView({ block: 'center' });
       el.focus();
       const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
       setter.call(el, '');
       el.dispatchEvent(new Event('input', { bubbles: true }));`,
      element,
    );
    if (value !== '') await element.sendKeys(value);
  }

  /** Picks an option by value or by its text, as a person choosing from the list. */
  async selectOption(value) {
    this.page.note(`select ${value} in ${this.describe()}`);
    const chosen = await this.eval(
      `const option = [...el.options].find((o) => o.value === arg) ?? [...el.options].find((o) => o.textContent.trim() === arg);
       if (!option) return null;
       el.focus();
       el.value = option.value;
       el.dispatchEvent(new Event('input', { bubbles: true }));
       el.dispatchEvent(new Event('change', { bubbles: true }));
       return option.value;`,
      value,
    );
    if (chosen === null) throw new Error(`${this.page.engine}: no option ${value} in ${this.describe()}`);
  }

  async setChecked(checked) {
    if ((await this.isChecked()) !== checked) await this.click();
    if ((await this.isChecked()) !== checked) throw new Error(`${this.page.engine}: ${this.describe()} did not become ${checked}`);
  }
  async check() {
    await this.setChecked(true);
  }
  async uncheck() {
    await this.setChecked(false);
  }
}

export class Page {
  constructor(driver, engine, { downloads, ownsDownloads, savesDownloads }) {
    this.driver = driver;
    this.engine = engine;
    this.downloads = downloads;
    this.ownsDownloads = ownsDownloads;
    this.savesDownloads = savesDownloads;
    this.timeout = 30_000;
    this.seen = [];
    this.trail = [];
  }

  /** Keeps the last few actions, to say where a flow got stuck. */
  note(action) {
    this.trail.push(`${new Date().toISOString().slice(11, 23)} ${action}`);
    if (this.trail.length > 8) this.trail.shift();
  }

  getByLabel(label, { exact } = {}) {
    return new Locator(this, { label, exact });
  }
  getByRole(role, { name, exact } = {}) {
    return new Locator(this, { role, name, exact });
  }
  getByText(text, { exact } = {}) {
    return new Locator(this, { text, exact });
  }
  locator(css) {
    return new Locator(this, { css });
  }

  async instrument() {
    await this.driver.executeScript(INSTRUMENT);
  }

  async waitForApp() {
    await this.getByRole('button', { name: 'Fetch conversations' }).waitFor();
  }

  async goto(path = '') {
    this.note(`go to ${path || '/'}`);
    await this.collectProblems();
    await this.driver.get(path.startsWith('about:') ? path : new URL(path, APP_URL).toString());
    await this.instrument();
    if (!path.startsWith('about:')) await this.waitForApp();
  }
  async reload() {
    this.note('reload');
    await this.collectProblems();
    await this.driver.navigate().refresh();
    await this.instrument();
    await this.waitForApp();
  }
  async goBack() {
    await this.driver.navigate().back();
  }
  async url() {
    return this.driver.getCurrentUrl();
  }

  /** Runs a function (or a script body) in the page. */
  async evaluate(fn, arg) {
    const body = typeof fn === 'function' ? `return (${fn.toString()})(arguments[0]);` : fn;
    return this.driver.executeScript(body, arg);
  }

  /** Waits until `fn(arg)` is truthy in the page. */
  async waitForFunction(fn, arg, { timeout = this.timeout } = {}) {
    this.note(`wait for ${String(fn).replace(/\s+/g, ' ').slice(0, 80)}`);
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`${this.engine}: waited ${timeout} ms for ${fn}`);
      await sleep(100);
    }
  }

  /** Sets the size of the page's viewport (the window, adjusted for the browser's own chrome). */
  async setViewport(width, height) {
    const window = this.driver.manage().window();
    await window.setRect({ width, height });
    for (let i = 0; i < 3; i++) {
      const inner = await this.evaluate(() => [window.innerWidth, window.innerHeight]);
      if (inner[0] === width && inner[1] === height) break;
      const rect = await window.getRect();
      await window.setRect({ width: rect.width + width - inner[0], height: rect.height + height - inner[1] });
    }
    return this.evaluate(() => [window.innerWidth, window.innerHeight]);
  }

  async keyboardPress(key) {
    this.note(`press ${JSON.stringify(key)}`);
    await this.driver.actions().sendKeys(key).perform();
  }

  async screenshot(name) {
    writeFileSync(join(ARTIFACTS, `${this.engine}-${name}.png`), await this.driver.takeScreenshot(), 'base64');
  }

  /** Moves the errors the page has recorded to this side, before the page goes away. */
  async collectProblems() {
    const fresh = await this.evaluate(() => {
      const e2e = window.__e2e;
      if (!e2e) return [];
      const fresh = e2e.errors.slice(e2e.reported ?? 0);
      e2e.reported = e2e.errors.length;
      return fresh;
    }).catch(() => []);
    this.seen.push(...(fresh ?? []));
  }

  /** Uncaught errors, rejected promises and console errors seen since the last call. */
  async problems() {
    await this.collectProblems();
    const seen = this.seen;
    this.seen = [];
    return seen;
  }

  /** What the app has put on the clipboard, most recent last. */
  async copied() {
    return this.evaluate(() => window.__e2e.copied);
  }

  /**
   * Clicks a download button and returns the file as the user gets it: the name on the link and
   * the bytes of the Blob behind it. Checks that the object URL is still alive after the click
   * (revoking it at once loses the download in Firefox and Safari) and, where the engine saves
   * downloads in a folder we chose, that the file saved there holds the very same bytes.
   */
  async download(buttonName, { button } = {}) {
    this.note(`download ${buttonName ?? ''}`);
    const before = await this.evaluate(() => window.__e2e.downloads.length);
    const savedBefore = this.savesDownloads ? this.savedSoFar() : null;
    await (button ?? this.getByRole('button', { name: buttonName, exact: true })).click();
    await this.waitForFunction((n) => window.__e2e.downloads.length > n, before, { timeout: 60_000 });
    // Let the engine start its own download before looking at the URL.
    await sleep(300);
    const file = await this.driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       const e2e = window.__e2e;
       const d = e2e.downloads[arguments[0]];
       const revoked = e2e.revoked.find((r) => r.url === d.url);
       if (!d.blob) return done({ error: 'no Blob behind ' + d.url });
       const reader = new FileReader();
       reader.onload = () => done({
         name: d.name,
         type: d.blob.type,
         size: d.blob.size,
         base64: String(reader.result).replace(/^data:[^,]*,/, ''),
         revokedAfterMs: revoked ? revoked.at - d.at : null,
       });
       reader.onerror = () => done({ error: String(reader.error) });
       reader.readAsDataURL(d.blob);`,
      before,
    );
    if (file.error) throw new Error(`${this.engine}: ${file.error}`);
    if (file.revokedAfterMs !== null) {
      throw new Error(`${this.engine}: the object URL of ${file.name} was revoked ${Math.round(file.revokedAfterMs)} ms after the click`);
    }
    const bytes = Buffer.from(file.base64, 'base64');
    if (bytes.length !== file.size) throw new Error(`${this.engine}: read ${bytes.length} of ${file.size} bytes of ${file.name}`);
    writeFileSync(join(ARTIFACTS, `${this.engine}-${file.name.replace(/[^\w.-]/g, '_')}`), bytes);
    if (savedBefore) await this.savedFile(savedBefore, file.name, bytes);
    return { name: file.name, type: file.type, bytes };
  }

  /** Each file in the download folder and when it was last written. */
  savedSoFar() {
    return new Map(readdirSync(this.downloads).map((f) => [f, statSync(join(this.downloads, f)).mtimeMs]));
  }

  /**
   * Waits for the engine to finish saving a new file in the download folder (or writing one
   * again: MiniBrowser saves a second file of the same name over the first); checks its bytes.
   */
  async savedFile(before, name, bytes) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const fresh = [...this.savedSoFar()]
        .filter(([f, written]) => before.get(f) !== written && !/\.(part|crdownload)$/.test(f))
        .map(([f]) => f);
      for (const candidate of fresh) {
        const path = join(this.downloads, candidate);
        if (statSync(path).size !== bytes.length) continue;
        if (!readFileSync(path).equals(bytes)) throw new Error(`${this.engine}: ${candidate} saved with other bytes than ${name}`);
        return candidate;
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.engine}: ${name} was not saved in the download folder (seen: ${readdirSync(this.downloads).join(', ')})`);
      }
      await sleep(100);
    }
  }

  async close() {
    try {
      await this.driver.quit();
    } finally {
      if (this.ownsDownloads) rmSync(this.downloads, { recursive: true, force: true });
    }
  }
}

/** A fresh session (a new profile) on the app, instrumented. */
export async function openPage(server, { path = '', width = 1280, height = 900, waitForApp = true } = {}) {
  const spec = ENGINES[server.engine];
  const downloads = server.downloads ?? mkdtempSync(join(tmpdir(), `e2e-${server.engine}-downloads-`));
  let driver;
  for (let attempt = 1; ; attempt++) {
    try {
      driver = await new Builder().usingServer(server.url).withCapabilities(spec.capabilities({ downloads })).build();
      break;
    } catch (error) {
      // A browser that fails to start under load gets one more try.
      if (attempt >= 2) throw error;
      await sleep(1000);
    }
  }
  await driver.manage().setTimeouts({ script: 60_000, pageLoad: 60_000 });
  if (!server.version) {
    // Which browser this engine's flows ran in, once per file, for the log.
    const caps = await driver.getCapabilities();
    server.version = `${caps.get('browserName')} ${caps.get('browserVersion')}`;
    console.log(`${server.engine}: ${server.version}`);
  }
  const page = new Page(driver, server.engine, {
    downloads,
    ownsDownloads: !server.downloads,
    savesDownloads: spec.savesDownloads,
  });
  await page.setViewport(width, height);
  if (path === 'about:blank' || !waitForApp) await driver.get(path.startsWith('about:') ? path : new URL(path, APP_URL).toString());
  else await page.goto(path);
  return page;
}
