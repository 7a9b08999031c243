// @ts-check
// The journey of a new person, as the acceptance describes it: register, verify the
// e-mail address from the outbox, log in, switch to English, create an organisation, invite a
// member (who registers and accepts), create an API token and call the API with it (and revoke
// it), log out; then reset a forgotten password.
// Every page on the way is checked with axe-core. Steps run in order; once one fails, the
// following ones are skipped rather than failing for the same reason.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  launch,
  newContext,
  newPage,
  visit,
  checkPage,
  submit,
  login,
  submitLogin,
  adminSession,
  linkFromOutbox,
  registerAndVerify,
  unique,
} from './lib.mjs';

const id = unique();
const person = { display_name: `Ada E2E ${id}`, email: `ada-${id}@e2e.communs.test`, password: `mot-de-passe-${id}` };
const invitee = { display_name: `Bob E2E ${id}`, email: `bob-${id}@e2e.communs.test`, password: `mot-de-passe-${id}` };
const org = { name: `Coopérative E2E ${id}`, slug: `e2e-${id}`, description: 'Organisation créée par les tests de navigateur.' };

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').BrowserContext[]} */
const contexts = [];
/** @type {import('playwright-core').Page} the new person's tab */
let page;
/** @type {import('playwright-core').Page} the demo administrator's tab, reading the outbox */
let admin;
/** @type {string} */
let token = '';

let failed = '';
/**
 * One step of the journey: skipped once an earlier one failed.
 * @param {string} name
 * @param {() => Promise<void>} fn
 */
function step(name, fn) {
  it(name, async (t) => {
    if (failed) {
      t.skip(`an earlier step failed: ${failed}`);
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed = name;
      throw e;
    }
  });
}

/** @param {import('playwright-core').Page} p */
async function notice(p) {
  const n = p.locator('main p.notice[role="status"]');
  assert.equal(await n.count(), 1, `a notice is shown on ${p.url()}`);
  return (await n.innerText()).trim();
}

describe('journey of a new person', () => {
  before(async () => {
    browser = await launch();
    const context = await newContext(browser);
    contexts.push(context);
    page = await newPage(context);
    const a = await adminSession(browser);
    contexts.push(a.context);
    admin = a.page;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
  });

  step('the home page is in French by default', async () => {
    await visit(page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await checkPage(page);
  });

  step('registers and is asked to verify the address', async () => {
    await visit(page, '/');
    await submit(page, page.locator('header a[href="/register"]'));
    await checkPage(page);
    await page.fill('#display_name', person.display_name);
    await page.fill('#email', person.email);
    await page.fill('#password', person.password);
    await page.fill('#password_confirm', person.password);
    await submit(page, page.locator('form[action="/register"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await notice(page), /Compte créé/);
    await checkPage(page);
  });

  step('verifies the address with the link of the e-mail (read in the outbox)', async () => {
    const link = await linkFromOutbox(admin, person.email, '/verify-email', { check: true });
    assert.match(link, /^\/verify-email\?token=/);
    await visit(page, link);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await notice(page), /vérifiée/);
    await checkPage(page);
  });

  step('logs in', async () => {
    await submitLogin(page, person);
    await checkPage(page);
    await visit(page, '/account');
    assert.equal(await page.locator('main').getByText(person.email).count(), 1, 'the account page shows the address');
    assert.equal(await page.locator('main p.warning').count(), 0, 'no "address not verified" warning');
    await checkPage(page);
  });

  step('switches to English', async () => {
    const english = page.locator('header a', { hasText: 'English' });
    assert.equal(await english.getAttribute('hreflang'), 'en');
    await submit(page, english);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(new URL(page.url()).pathname, '/account', 'the switch stays on the same page');
    assert.equal(await page.locator('header a', { hasText: 'Français' }).count(), 1, 'the switch now offers French');
    await checkPage(page);
    // The choice is remembered on the following pages.
    await visit(page, '/organisations');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await checkPage(page);
  });

  step('creates an organisation', async () => {
    await visit(page, '/organisations/new');
    await checkPage(page);
    await page.fill('#name', org.name);
    await page.fill('#slug', org.slug);
    await page.fill('#description', org.description);
    await submit(page, page.locator('form[action="/organisations/new"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/organisations/${org.slug}`);
    assert.equal((await page.locator('h1').innerText()).trim(), org.name);
    assert.match(await page.locator('main').innerText(), /Administrator|admin/i);
    await checkPage(page);
    await visit(page, '/organisations');
    assert.equal(await page.locator(`main a[href="/organisations/${org.slug}"]`).count(), 1, 'the list shows the new organisation');
  });

  step('invites a member', async () => {
    await visit(page, `/organisations/${org.slug}`);
    await page.fill('#invite-email', invitee.email);
    await page.selectOption('#invite-role', 'editor');
    await submit(page, page.locator(`form[action="/organisations/${org.slug}/invite"] button[type="submit"]`));
    assert.equal(new URL(page.url()).pathname, `/organisations/${org.slug}`);
    assert.equal(await notice(page), 'Invitation sent.');
    assert.match(await page.locator('main').innerText(), new RegExp(invitee.email.replace(/[.]/g, '\\.')), 'the pending invitation is listed');
    await checkPage(page);
  });

  step('the invited person registers, logs in and accepts the invitation', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const other = await newPage(context);
    await registerAndVerify(other, admin, invitee);
    const link = await linkFromOutbox(admin, invitee.email, '/invitations/');
    // Not logged in yet: the invitation sends to the login form, which comes back to it.
    await visit(other, link);
    assert.equal(new URL(other.url()).pathname, '/login');
    await submitLogin(other, invitee);
    assert.equal(new URL(other.url()).pathname, new URL(link, BASE).pathname, 'back on the invitation after logging in');
    await checkPage(other);
    await submit(other, other.locator('main form button[type="submit"]'));
    assert.equal(new URL(other.url()).pathname, `/organisations/${org.slug}`);
    assert.match(await notice(other), /rejoint|joined/);
    await checkPage(other);
    // The owner now sees the new member, with the role of the invitation.
    await visit(page, `/organisations/${org.slug}`);
    const row = page.locator('main tbody tr', { hasText: invitee.email });
    assert.equal(await row.count(), 1, 'the new member is listed');
    assert.equal(await row.locator('select').inputValue(), 'editor');
    await checkPage(page);
  });

  step('creates an API token and calls the API with it', async () => {
    await visit(page, '/account/tokens');
    await checkPage(page);
    await page.fill('#name', `e2e ${id}`);
    await page.check('#all');
    await page.fill('#expires_in_days', '7');
    const res = await submit(page, page.locator('form[action="/account/tokens"] button[type="submit"]'));
    assert.equal(res?.status(), 201);
    token = (await page.locator('code#new-token').innerText()).trim();
    assert.ok(token.length >= 20, `a secret is shown (${token.length} characters)`);
    assert.equal(await page.locator('main tbody tr', { hasText: `e2e ${id}` }).count(), 1, 'the token is listed');
    await checkPage(page);

    const me = await fetch(`${BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.email, person.email);
    assert.equal(body.display_name, person.display_name);
    assert.equal(body.email_verified, true);

    const anonymous = await fetch(`${BASE}/api/v1/me`, { headers: { Accept: 'application/json' } });
    assert.equal(anonymous.status, 401);
  });

  step('revokes the token, which the API then refuses', async () => {
    await visit(page, '/account/tokens');
    const row = page.locator('main tbody tr', { hasText: `e2e ${id}` });
    await submit(page, row.locator('button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/account/tokens');
    await checkPage(page);
    const me = await fetch(`${BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    assert.equal(me.status, 401);
  });

  step('logs out', async () => {
    await visit(page, '/account');
    const logout = page.locator('header form[action="/logout"] button');
    assert.equal((await logout.innerText()).trim(), 'Log out');
    await submit(page, logout);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await notice(page), 'You are logged out.');
    assert.equal(await page.locator('header form[action="/logout"]').count(), 0, 'no more log-out button');
    await checkPage(page);
    await visit(page, '/account');
    assert.equal(new URL(page.url()).pathname, '/login', '/account now asks to log in');
    await checkPage(page);
  });

  step('resets a forgotten password with the link of the e-mail, then logs in with it', async () => {
    await visit(page, '/login');
    await submit(page, page.locator('main a[href="/password/forgot"]'));
    await checkPage(page);
    await page.fill('#email', person.email);
    await submit(page, page.locator('form[action="/password/forgot"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await notice(page), /a link has just been sent/);
    const link = await linkFromOutbox(admin, person.email, '/password/reset');
    await visit(page, link);
    await checkPage(page);
    // Too short first: the form comes back with the error, then a good one.
    await page.fill('#password', 'court');
    const res = await submit(page, page.locator('form[action="/password/reset"] button[type="submit"]'));
    assert.equal(res?.status(), 422);
    assert.equal(await page.locator('#password-error').count(), 1, 'the error is shown by the field');
    await checkPage(page);
    person.password = `nouveau-${person.password}`;
    await page.fill('#password', person.password);
    await submit(page, page.locator('form[action="/password/reset"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await notice(page), /^Password changed/);
    await submitLogin(page, person);
    await visit(page, '/account');
    assert.equal(await page.locator('main').getByText(person.email).count(), 1);
  });
});
