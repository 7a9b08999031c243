// @ts-check
// Shared helpers of the browser tests: Debian's Chromium driven by playwright-core, axe-core run
// inside every page checked, and the few steps that several tests share (logging in, reading an
// e-mail in the admin outbox).
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Base URL of the live server (scripts/live-tests.sh exports it). */
export const BASE = (process.env.COMMUNS_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');

export const DEMO_PASSWORD = 'communs-demo';
export const ADMIN = { email: 'admin@communs.test', password: DEMO_PASSWORD };
export const DEMO_ORG = 'meteo-cote-d-or';

/** Impacts that fail a page. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = path.join(here, 'artifacts');

/** A run-unique suffix, so that reruns against the same server do not collide. */
export function unique() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Launches headless Chromium (Debian's, never a downloaded build). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (its own cookies) whose browser prefers French, like most of the
 * platform's audience: the site's default language must then be French.
 * @param {import('playwright-core').Browser} browser
 */
export async function newContext(browser, { locale = 'fr-FR', viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale, viewport });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

/**
 * Opens a page that records script errors and Content-Security-Policy violations, which
 * `checkPage` then reports as failures.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function newPage(context) {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP violation: ${m.text()}`);
  });
  pageProblems.set(page, problems);
  return page;
}

/** @type {WeakMap<import('playwright-core').Page, string[]>} */
const pageProblems = new WeakMap();

/**
 * Navigates and asserts the answer's status (200 unless told).
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {{status?: number}} [opts]
 */
export async function visit(page, url, { status = 200 } = {}) {
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.ok(res, `no answer for ${url}`);
  assert.equal(res.status(), status, `GET ${url}: status ${res.status()}, expected ${status} (now at ${page.url()})`);
  return res;
}

/**
 * Runs axe-core in the page and fails on any violation of impact serious or critical, printing
 * each one readably. Milder violations are printed as warnings. Also fails on script errors and
 * CSP violations seen since the page was opened, and checks the page's basic shape (lang,
 * title, one h1).
 * @param {import('playwright-core').Page} page
 * @param {string} [label] how to name the page in messages (its path by default)
 * @param {{artifacts?: boolean}} [opts] keep a screenshot and the HTML of a failing page
 */
export async function checkPage(page, label, { artifacts = true } = {}) {
  const where = label || new URL(page.url()).pathname + new URL(page.url()).search;
  // Evaluated through the DevTools protocol, so the server's CSP (`script-src 'self'`, no inline
  // script) stays in force for the page itself while axe runs.
  const hasAxe = await page.evaluate('typeof window.axe !== "undefined"');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  /** @type {any} */
  const results = await page.evaluate(async () => {
    // @ts-ignore axe is injected above
    const r = await window.axe.run(document, { resultTypes: ['violations', 'incomplete'] });
    const shape = (/** @type {any} */ v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((/** @type {any} */ n) => ({
        target: n.target.join(' '),
        html: n.html,
        summary: n.failureSummary,
        impact: n.impact,
      })),
    });
    return { violations: r.violations.map(shape), incomplete: r.incomplete.map(shape) };
  });
  const failing = results.violations.filter((/** @type {any} */ v) => FAILING_IMPACTS.has(v.impact));
  const minor = results.violations.filter((/** @type {any} */ v) => !FAILING_IMPACTS.has(v.impact));
  if (minor.length) console.log(`axe (minor) on ${where}:\n${formatViolations(minor)}`);
  // What axe could not decide alone (e.g. contrast over an image) is printed for a person to
  // review, not failed on.
  const review = results.incomplete.filter((/** @type {any} */ v) => FAILING_IMPACTS.has(v.impact));
  if (review.length) {
    const lines = review.map((/** @type {any} */ v) => `  [${v.impact}] ${v.id} (${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target}): ${v.help}`);
    console.log(`axe (needs review, not failed on) on ${where}:\n${lines.join('\n')}`);
  }

  const lang = await page.getAttribute('html', 'lang');
  const title = await page.title();
  const h1 = await page.locator('h1').count();
  const problems = [...(pageProblems.get(page) || [])];
  if (!lang || !['fr', 'en'].includes(lang)) problems.push(`<html lang> is ${JSON.stringify(lang)}`);
  if (!title.trim()) problems.push('empty <title>');
  if (h1 !== 1) problems.push(`${h1} <h1> elements (expected exactly one)`);

  if (failing.length || problems.length) {
    if (artifacts) await saveArtifacts(page, where);
    const parts = [];
    if (failing.length) parts.push(`${failing.length} serious/critical axe violation(s):\n${formatViolations(failing)}`);
    if (problems.length) parts.push(problems.map((p) => `  - ${p}`).join('\n'));
    assert.fail(`Accessibility check of ${where} failed:\n${parts.join('\n')}`);
  }
  return results.violations;
}

/** @param {any[]} violations */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((/** @type {any} */ n) => `      at ${n.target}\n        ${n.html.replace(/\s+/g, ' ').slice(0, 200)}\n        ${String(n.summary || '').replace(/\n\s*/g, ' | ')}`)
        .join('\n');
      const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
}

/**
 * Keeps a screenshot and the HTML of a failing page in e2e/artifacts/ (git-ignored).
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
export async function saveArtifacts(page, label) {
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    const name = `${Date.now()}-${label.replace(/[^a-z0-9]+/gi, '_').slice(0, 80)}`;
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    writeFileSync(path.join(ARTIFACTS, `${name}.html`), await page.content());
    console.log(`artifacts: e2e/artifacts/${name}.{png,html}`);
  } catch (e) {
    console.log(`could not save artifacts: ${e}`);
  }
}

/**
 * Visits a page, asserts its status and checks it with axe.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {{status?: number}} [opts]
 */
export async function visitAndCheck(page, url, opts) {
  await visit(page, url, opts);
  await checkPage(page);
}

/**
 * Submits a form and waits for the navigation it causes.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} button
 */
export async function submit(page, button) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  return res;
}

/**
 * Logs in through the login form.
 * @param {import('playwright-core').Page} page
 * @param {{email: string, password: string}} who
 */
export async function login(page, who, { check = false } = {}) {
  await visit(page, '/login');
  if (check) await checkPage(page);
  await submitLogin(page, who);
}

/**
 * Fills and sends the login form of the current page (e.g. /login?next=…).
 * @param {import('playwright-core').Page} page
 * @param {{email: string, password: string}} who
 */
export async function submitLogin(page, who) {
  await page.locator('form[action="/login"] #email').fill(who.email);
  await page.locator('form[action="/login"] #password').fill(who.password);
  await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
  const url = new URL(page.url());
  assert.notEqual(url.pathname, '/login', `login of ${who.email} failed: still on ${page.url()}`);
  assert.equal(await page.locator('header form[action="/logout"]').count(), 1, 'the header offers to log out after logging in');
}

/** A context logged in as the demo platform administrator. @param {import('playwright-core').Browser} browser */
export async function adminSession(browser) {
  const context = await newContext(browser);
  const page = await newPage(context);
  await login(page, ADMIN);
  return { context, page };
}

/**
 * Finds the e-mails to `to` in the admin outbox, opens them, and returns the first link they list
 * (a path with its query, resolved against the live server) whose path starts with `prefix`.
 * Polls a little, as an e-mail may be queued just after the answer that causes it.
 * @param {import('playwright-core').Page} adminPage a page of a context logged in as an admin
 * @param {string} to
 * @param {string} prefix
 * @param {{check?: boolean}} [opts] also run axe on the outbox and on the e-mail's page
 */
export async function linkFromOutbox(adminPage, to, prefix, { check = false } = {}) {
  const deadline = Date.now() + 10_000;
  /** @type {string[]} */
  let seen = [];
  for (;;) {
    await visit(adminPage, '/admin/outbox');
    const rows = adminPage.locator('tbody tr', { has: adminPage.locator('td', { hasText: to }) });
    const emails = await rows.locator('a[href^="/admin/outbox/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') || ''));
    if (emails.length && check) await checkPage(adminPage);
    for (const email of emails) {
      await visit(adminPage, email);
      if (check) await checkPage(adminPage);
      const hrefs = await adminPage.locator('main ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href') || ''));
      seen = seen.concat(hrefs);
      const link = hrefs.map((h) => new URL(h, BASE)).find((u) => u.pathname.startsWith(prefix));
      if (link) return link.pathname + link.search;
    }
    if (Date.now() > deadline) {
      assert.fail(`no e-mail to ${to} with a link to ${prefix}… in the outbox (${emails.length} e-mail(s) to that address; links seen: ${JSON.stringify(seen)})`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Registers an account through the form and verifies its address through the outbox.
 * @param {import('playwright-core').Page} page a page of the new person's context
 * @param {import('playwright-core').Page} adminPage
 * @param {{display_name: string, email: string, password: string}} who
 */
export async function registerAndVerify(page, adminPage, who, { check = false } = {}) {
  await visit(page, '/register');
  if (check) await checkPage(page);
  await page.fill('#display_name', who.display_name);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.fill('#password_confirm', who.password);
  await submit(page, page.locator('form[action="/register"] button[type="submit"]'));
  assert.equal(new URL(page.url()).pathname, '/login', `after registering, expected /login, got ${page.url()}`);
  assert.equal(await page.locator('p.notice[role="status"]').count(), 1, 'a notice asks to check the e-mail');
  if (check) await checkPage(page);
  const link = await linkFromOutbox(adminPage, who.email, '/verify-email', { check });
  await visit(page, link);
  return link;
}

/**
 * Creates an API token with every scope through the form of /account/tokens and returns its
 * secret (shown once).
 * @param {import('playwright-core').Page} page a page of a logged-in context
 * @param {string} name
 * @param {{days?: number}} [opts] days before it expires
 */
export async function createToken(page, name, { days = 1 } = {}) {
  await visit(page, '/account/tokens');
  await page.fill('#name', name);
  await page.check('#all');
  await page.fill('#expires_in_days', String(days));
  const res = await submit(page, page.locator('form[action="/account/tokens"] button[type="submit"]'));
  assert.equal(res?.status(), 201, `creating the token ${name}: status ${res?.status()}`);
  const token = (await page.locator('code#new-token').innerText()).trim();
  assert.ok(token.length >= 20, `a secret is shown (${token.length} characters)`);
  return token;
}

/**
 * Polls `probe` until it returns a truthy value (which is returned), failing with `what` after
 * `timeout` ms.
 * @template T
 * @param {string} what
 * @param {() => Promise<T>} probe
 * @param {{timeout?: number, interval?: number}} [opts]
 * @returns {Promise<T>}
 */
export async function poll(what, probe, { timeout = 10_000, interval = 500 } = {}) {
  const deadline = Date.now() + timeout;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
