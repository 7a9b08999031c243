// @ts-check
// The seed bank's pages in a real browser, each checked with axe-core, in French and in English:
// Camille, who runs the demo conservatory, finds a demo lot by its taxon, reads its stock,
// ledger, tests and forecast; records a harvest (errors shown in place first), a lot from it,
// a deposit in grams, a germination test taking its seeds from the stock, and its counts; the
// metrics follow. The same lot page on a 320px-wide screen.
//
// Each run records its own harvest (the year's next number), so reruns do not depend on one another.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, launch, newContext, newPage, visit, checkPage, submit, login } from './lib.mjs';

const CAMILLE = { email: 'camille@communs.test', password: DEMO_PASSWORD };

/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

for (const lang of /** @type {const} */ (['fr', 'en'])) {
  describe(`seed bank pages (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser, { locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
      page = await newPage(context);
      await visit(page, `/seedbank?lang=${lang}`);
    });
    after(async () => {
      await context?.close();
    });

    it('anonymous visitors are told the data is for members', async () => {
      await visit(page, '/seedbank');
      await checkPage(page);
      assert.equal(await page.locator('a[href="/login?next=/seedbank"]').count(), 1);
    });

    it('a member finds a demo lot by its taxon and reads its stock, tests and forecast', async () => {
      await login(page, CAMILLE);
      await visit(page, '/seedbank');
      await page.fill('#q', 'gentiana');
      await submit(page, page.locator('form[role="search"] button[type="submit"]'));
      await checkPage(page);
      const lot = page.locator('table a[href^="/seedbank/lots/"]').first();
      assert.ok(await lot.count(), 'the demo has a lot of Gentiana lutea');
      await submit(page, lot);
      await checkPage(page);
      assert.match(await page.locator('.lead i').first().innerText(), /Gentiana lutea/);
      assert.ok(await page.locator('#stock-h + ul li').count() >= 2, 'stock at two places (the safety duplicate)');
      const germination = page.locator('table tr', { hasText: /Test de germination|Germination test/ }).locator('a[href^="/seedbank/tests/"]');
      assert.ok(await germination.count() >= 1, 'a germination test');
      assert.ok(await page.locator('table tr', { hasText: /Semis S\d{4}_\d{4}|Sowing S\d{4}_\d{4}/ }).count() >= 1, 'a sowing with its code');
      await submit(page, germination.first());
      await checkPage(page);
      assert.match(await page.locator('table.metrics').innerText(), /80[.,]00 %/);
      await page.setViewportSize({ width: 320, height: 800 });
      await page.goBack();
      await checkPage(page, `lot page at 320 px (${lang})`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(Number(overflow) <= 1, `no horizontal scroll at 320 px (${overflow})`);
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  });
}

describe('recording: harvest, lot, stock, test and counts through the forms', () => {
  /** @type {import('playwright-core').BrowserContext} */
  let context;
  /** @type {import('playwright-core').Page} */
  let page;
  before(async () => {
    context = await newContext(browser);
    page = await newPage(context);
    await login(page, CAMILLE);
  });
  after(async () => {
    await context?.close();
  });

  it('a harvest with errors, then recorded', async () => {
    await visit(page, '/seedbank/harvests/new?lang=fr');
    await checkPage(page);
    await page.fill('#date_start', '2026-07-14');
    await page.fill('#commune_insee', '5181');
    await page.fill('#lat', '45,03');
    const res = await submit(page, page.locator('#harvest-form button[type="submit"]'));
    assert.equal(res?.status(), 422);
    assert.equal(await page.locator('#commune_insee[aria-invalid="true"]').count(), 1);
    assert.match(await page.locator('#commune_insee-error').innerText(), /zéros initiaux/);
    assert.match(await page.locator('#lon-error').innerText(), /obligatoire/);
    await checkPage(page);
    await page.fill('#commune_insee', '05181');
    await page.fill('#lon', '6,40');
    await page.fill('#locality', 'Col du Lautaret (E2E)');
    await submit(page, page.locator('#harvest-form button[type="submit"]'));
    assert.match(new URL(page.url()).pathname, /^\/seedbank\/harvests\/\d+$/);
    assert.match(await page.locator('h1').innerText(), /Récolte 2026_\d{4}/);
    await checkPage(page);
  });

  it('a lot from the harvest, stock in grams, a test and its counts', async () => {
    await submit(page, page.locator('a[href^="/seedbank/lots/new?harvest_id="]'));
    await checkPage(page);
    await page.fill('#taxa', 'Eryngium alpinum');
    await page.fill('#thousand_seed_mass_g', '2,5');
    await page.fill('#storage_temperature_c', '-20');
    await page.fill('#moisture_percent', '6');
    await submit(page, page.locator('#lot-form button[type="submit"]'));
    assert.match(new URL(page.url()).pathname, /^\/seedbank\/lots\/\d+$/);
    await checkPage(page);
    await page.locator('#movement-form').evaluate((f) => f.closest('details')?.setAttribute('open', ''));
    await page.selectOption('#m-kind', 'deposit');
    await page.fill('#m-place', 'Chambre froide E2E');
    await page.fill('#m-quantity', '1,5');
    await page.selectOption('#m-unit', 'g');
    await submit(page, page.locator('#movement-form button[type="submit"]'));
    assert.match(await page.locator('#stock-h + ul').innerText(), /Chambre froide E2E : 600 graines/);
    await checkPage(page);
    await page.locator('#test-form').evaluate((f) => f.closest('details')?.setAttribute('open', ''));
    await page.fill('#t-started_on', '2026-07-20');
    await page.fill('#t-seeds_tested', '25');
    await page.fill('#t-withdraw_from', 'Chambre froide E2E');
    await submit(page, page.locator('#test-form button[type="submit"]'));
    assert.match(new URL(page.url()).pathname, /^\/seedbank\/tests\/\d+$/);
    await checkPage(page);
    await page.fill('#counted_on_0', '2026-07-25');
    await page.fill('#germinated_0', '10');
    await page.fill('#counted_on_1', '2026-07-27');
    await page.fill('#germinated_1', '5');
    await submit(page, page.locator('#counts-form button[type="submit"]'));
    assert.match(await page.locator('table.metrics').innerText(), /60[.,]00 %/, '15 of 25 seeds');
    await checkPage(page);
  });
});
