// @ts-check
// Every page a person uses, anonymous and signed in as the demo administrator, in French and in
// English, each checked with axe-core (serious and critical violations fail), plus the pages
// that show form errors, the skip link, and every page again on a 320px-wide screen (reflow).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, newPage, visit, visitAndCheck, checkPage, submit, login, ADMIN, DEMO_ORG, unique } from './lib.mjs';

const MODULES = ['weather', 'catalog', 'seedbank', 'lca', 'participation'];

const PUBLIC_PAGES = ['/', '/login', '/register', '/password/forgot', '/organisations', `/organisations/${DEMO_ORG}`, '/api/docs', ...MODULES.map((m) => `/${m}`)];

const SIGNED_IN_PAGES = [
  '/account',
  '/account/tokens',
  '/organisations/new',
  `/organisations/${DEMO_ORG}`,
  '/admin',
  '/admin/users',
  '/admin/groups',
  '/admin/permissions',
  '/admin/jobs',
  '/admin/audit',
  '/admin/outbox',
];

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('the accessibility check itself', () => {
  it('fails on a page with serious violations, and says why', async () => {
    const context = await newContext(browser);
    const page = await newPage(context);
    await page.setContent('<!doctype html><html lang="fr"><head><title>t</title></head><body><main><h1>t</h1><img src="x.png"><input type="text"></main></body></html>');
    await assert.rejects(checkPage(page, 'self-test', { artifacts: false }), (/** @type {any} */ e) => {
      assert.match(e.message, /\[critical\] image-alt/);
      assert.match(e.message, /\[critical\] label/);
      return true;
    });
    await context.close();
  });
});

describe('keyboard and small screens', () => {
  it('the first Tab reaches a visible "skip to content" link that moves the focus to the main content', async () => {
    const context = await newContext(browser);
    const page = await newPage(context);
    await visit(page, '/');
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    assert.equal(await focused.getAttribute('href'), '#main');
    const box = await focused.boundingBox();
    assert.ok(box && box.width > 1 && box.height > 1 && box.y >= 0, `the focused skip link is visible (${JSON.stringify(box)})`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await context.close();
  });

  /**
   * WCAG 1.4.10: at 320 CSS pixels the page scrolls in one direction only (a wide data table
   * scrolls inside its own box), and it stays accessible there.
   * @param {import('playwright-core').Page} page
   * @param {string} url
   */
  async function reflows(page, url) {
    await visit(page, url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${url} is ${overflow}px wider than a 320px screen`);
    await checkPage(page, `${url} (320px)`);
  }

  describe('anonymous, 320px wide', () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser, { viewport: { width: 320, height: 640 } });
      page = await newPage(context);
    });
    after(async () => {
      await context?.close();
    });
    for (const url of ['/', '/login', '/register', '/organisations', `/organisations/${DEMO_ORG}`, '/api/docs', '/weather']) {
      it(`${url} reflows`, async () => reflows(page, url));
    }
  });

  describe('signed-in administrator, 320px wide', () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser, { viewport: { width: 320, height: 640 } });
      page = await newPage(context);
      await login(page, ADMIN);
    });
    after(async () => {
      await context?.close();
    });
    for (const url of SIGNED_IN_PAGES) {
      it(`${url} reflows`, async () => reflows(page, url));
    }
    it('an e-mail of the outbox reflows', async () => {
      await visit(page, '/admin/outbox');
      const first = page.locator('tbody a[href^="/admin/outbox/"]').first();
      if ((await first.count()) === 0) return; // covered by the wide-screen test, which makes one
      const href = /** @type {string} */ (await first.getAttribute('href'));
      await reflows(page, href);
    });
  });
});

for (const lang of ['fr', 'en']) {
  describe(`anonymous pages (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser);
      page = await newPage(context);
      // The switch is remembered in a cookie: every following page is in that language.
      await visit(page, `/?lang=${lang}`);
    });
    after(async () => {
      await context?.close();
    });

    for (const url of PUBLIC_PAGES) {
      it(`${url} is accessible`, async () => {
        await visitAndCheck(page, url);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
      });
    }

    it('a missing page is an accessible 404', async () => {
      await visitAndCheck(page, `/organisations/no-such-org-${unique()}`, { status: 404 });
    });

    it('protected pages send to the login form', async () => {
      for (const url of ['/account', '/account/tokens', '/organisations/new']) {
        await visit(page, url);
        const u = new URL(page.url());
        assert.equal(u.pathname, '/login', `${url} led to ${page.url()}`);
      }
      await checkPage(page);
    });

    it('the registration form with errors is accessible', async () => {
      await visit(page, '/register');
      await page.fill('#email', 'not-an-address');
      await page.fill('#password', 'short');
      await page.fill('#password_confirm', 'different');
      const res = await submit(page, page.locator('form[action="/register"] button[type="submit"]'));
      assert.equal(res?.status(), 422);
      assert.equal(await page.locator('p.error[role="alert"]').count(), 1, 'a summary of the errors is announced');
      const invalid = await page.locator('[aria-invalid="true"]').count();
      assert.ok(invalid >= 2, `fields in error are marked aria-invalid (found ${invalid})`);
      // Each field in error points to its message.
      for (const id of await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-describedby')))) {
        assert.ok(id, 'a field in error has aria-describedby');
        assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `the message #${id} exists`);
      }
      await checkPage(page);
    });

    it('a failed login is accessible', async () => {
      await visit(page, '/login');
      await page.fill('#email', `nobody-${unique()}@communs.test`);
      await page.fill('#password', 'wrong-password');
      await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('p.error[role="alert"]').count(), 1, 'the failure is announced');
      await checkPage(page);
    });
  });
}

for (const lang of ['fr', 'en']) {
  describe(`pages of the signed-in administrator (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser);
      page = await newPage(context);
      await login(page, ADMIN);
      await visit(page, `/account?lang=${lang}`);
    });
    after(async () => {
      await context?.close();
    });

    for (const url of SIGNED_IN_PAGES) {
      it(`${url} is accessible`, async () => {
        await visitAndCheck(page, url);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
      });
    }

    it('an e-mail in the outbox is accessible', async () => {
      await visit(page, '/admin/outbox');
      const first = page.locator('tbody a[href^="/admin/outbox/"]').first();
      if ((await first.count()) === 0) {
        // A fresh server may have sent nothing yet: ask for a password reset to have one.
        const other = await newContext(browser);
        const p2 = await newPage(other);
        await visit(p2, '/password/forgot');
        await p2.fill('#email', 'camille@communs.test');
        await submit(p2, p2.locator('form button[type="submit"]'));
        await other.close();
        await visit(page, '/admin/outbox');
      }
      await submit(page, page.locator('tbody a[href^="/admin/outbox/"]').first());
      assert.match(new URL(page.url()).pathname, /^\/admin\/outbox\/\d+$/);
      await checkPage(page);
    });

    it('the token form with errors is accessible', async () => {
      await visit(page, '/account/tokens');
      // No name, no scope: the form comes back with its errors (the browser's own check is
      // lifted so that the server's answer is what is tested).
      await page.locator('#name').evaluate((el) => el.removeAttribute('required'));
      const res = await submit(page, page.locator('form[action="/account/tokens"] button[type="submit"]'));
      assert.equal(res?.status(), 422);
      await checkPage(page);
    });

    it('the new organisation form with errors is accessible', async () => {
      await visit(page, '/organisations/new');
      await page.fill('#slug', 'Not A Slug!');
      await page.locator('#slug').evaluate((el) => el.removeAttribute('pattern'));
      await page.locator('#name').evaluate((el) => el.removeAttribute('required'));
      const res = await submit(page, page.locator('form[action="/organisations/new"] button[type="submit"]'));
      assert.equal(res?.status(), 422);
      await checkPage(page);
    });
  });
}
