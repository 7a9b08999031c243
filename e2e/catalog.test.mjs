// @ts-check
// The catalog's pages in a real browser, in French and in English, each checked with axe-core:
// search with a facet, a dataset page (escaped Markdown, resources with their link status,
// quality reasons, DCAT links), the upload of a CSV with its progress bar by a demo publisher
// (Camille, editor of the demo organisations), the table preview of that CSV (sort, filter,
// pages) once the loader job has read it, and the same pages on a 320px-wide screen; the forms
// to edit a resource (its URL, or a replacement file), to clear a temporal coverage and to
// declare, edit and delete a reuse.
//
// Each run creates its own dataset (run-unique title) through the pages, so that reruns against
// the same server do not depend on one another.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DEMO_PASSWORD, launch, newContext, newPage, visit, checkPage, submit, login, poll, unique } from './lib.mjs';

const CAMILLE = { email: 'camille@communs.test', password: DEMO_PASSWORD };
const DEMO_DATASET = 'arbres-d-alignement-de-quimper';
const run = unique();

/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** @param {string} path */
async function getJson(path) {
  const r = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json' } });
  assert.equal(r.status, 200, `GET ${path}: ${r.status}`);
  return r.json();
}

/** A CSV of 45 rows, French-style (semicolons, decimal commas). */
function csv() {
  const lines = ['commune;code_insee;population;surface_km2'];
  for (let i = 1; i <= 45; i++) lines.push(`Commune ${String(i).padStart(2, '0')};29${String(i).padStart(3, '0')};${1000 + i * 37};${i},5`);
  return lines.join('\n') + '\n';
}

for (const lang of /** @type {const} */ (['fr', 'en'])) {
  describe(`catalog pages (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      context = await newContext(browser, { locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
      page = await newPage(context);
      await visit(page, `/catalog?lang=${lang}`);
    });
    after(async () => {
      await context?.close();
    });

    it('search: words, then a facet narrows the results with exact counts, and can be removed', async () => {
      await visit(page, '/catalog');
      await checkPage(page);
      const total = Number((await getJson('/api/v1/catalog/datasets?page_size=1')).total);
      assert.ok(total >= 4, `the demo publishes datasets (${total})`);
      await page.fill('#q', 'arbres');
      await submit(page, page.locator('form[role="search"] button[type="submit"]'));
      assert.equal(new URL(page.url()).searchParams.get('q'), 'arbres');
      await assert.doesNotReject(page.locator(`a[href="/catalog/datasets/${DEMO_DATASET}"]`).first().waitFor());
      await checkPage(page);
      // A keyword facet: its count is the number of results once it is chosen.
      await visit(page, '/catalog');
      const link = page.locator('ul.facet[aria-labelledby="facet-tag"] a', { hasText: 'arbres' }).first();
      const count = Number(((await link.locator('.count').innerText()).match(/\d+/) || ['0'])[0]);
      assert.ok(count >= 1);
      await submit(page, link);
      assert.equal(new URL(page.url()).searchParams.get('tag'), 'arbres');
      assert.equal(await page.locator('li.result').count(), Math.min(count, 20), 'as many results as the facet said');
      assert.equal(await page.locator('ul.facet a[aria-current="true"]').count(), 1, 'the chosen facet is marked');
      await checkPage(page);
      await submit(page, page.locator('.active-filters ul a').first());
      assert.equal(new URL(page.url()).searchParams.get('tag'), null, 'the filter is removed');
    });

    it('dataset page: description, metadata, resources with link status and preview, quality reasons, DCAT', async () => {
      await visit(page, `/catalog/datasets/${DEMO_DATASET}`);
      await checkPage(page);
      assert.equal((await page.locator('h1').innerText()).trim(), "Arbres d'alignement de Quimper");
      assert.ok(await page.locator('a[rel="license"]').count(), 'the licence links to its text');
      const preview = page.locator('a[href^="/catalog/tables/"]').first();
      assert.equal(await preview.count(), 1, 'the CSV has a table preview link');
      assert.ok(await page.locator('ul.criteria li').count() === 9, 'nine quality criteria');
      assert.ok(await page.locator('a[href$="/rdf.ttl"]').count(), 'DCAT Turtle link');
      assert.ok(await page.locator('article.thread').count() >= 1, 'the demo discussion');
      // The remote resources of the demo's bathing-water dataset carry a link status.
      await visit(page, '/catalog/datasets/qualite-des-eaux-de-baignade-2025');
      assert.ok(await page.locator('td .status').count() >= 3, 'each remote resource shows a link status');
      await checkPage(page);
      await visit(page, '/catalog/organizations/quimper');
      await checkPage(page);
      assert.ok(await page.locator('li.result').count() >= 2);
    });
  });
}

describe('publishing: a demo publisher creates a dataset, uploads a CSV with progress, previews the table', () => {
  /** @type {import('playwright-core').BrowserContext} */
  let context;
  /** @type {import('playwright-core').Page} */
  let page;
  const title = `Populations E2E ${run}`;
  let slug = '';
  before(async () => {
    context = await newContext(browser);
    page = await newPage(context);
    await login(page, CAMILLE);
  });
  after(async () => {
    await context?.close();
  });

  it('the creation form shows errors in place, then creates the dataset', async () => {
    await visit(page, '/catalog/datasets/new?lang=fr');
    await checkPage(page);
    await page.fill('#temporal_start', '2024-06-01');
    await page.fill('#temporal_end', '2024-01-01');
    // The browser's own check would stop an empty title; the server's errors are what is tested.
    await page.fill('#title', ' ');
    const res = await submit(page, page.locator('form.stack button[type="submit"]'));
    assert.equal(res?.status(), 422);
    assert.equal(await page.locator('#title[aria-invalid="true"]').count(), 1);
    assert.match(await page.locator('#temporal_coverage-error').innerText(), /après le début/);
    await checkPage(page);
    await page.fill('#title', title);
    await page.fill('#description', 'Populations **municipales** des communes du Finistère, pour les tests de bout en bout.');
    await page.fill('#tags', 'population, e2e');
    await page.fill('#temporal_start', '2021-01-01');
    await page.fill('#temporal_end', '2021-12-31');
    await page.fill('#zones', 'fr:departement:29');
    await page.selectOption('#license', 'lov2');
    await page.selectOption('#organization', 'quimper');
    await submit(page, page.locator('form.stack button[type="submit"]'));
    const url = new URL(page.url());
    assert.match(url.pathname, /^\/catalog\/datasets\/[a-z0-9-]+\/resources\/new$/);
    slug = url.pathname.split('/')[3];
    assert.equal(await page.locator('p.notice[role="status"]').count(), 1);
    await checkPage(page);
  });

  it('the upload island posts to the API and shows the progress, then the dataset lists the file', async () => {
    assert.ok(slug, 'created above');
    await visit(page, `/catalog/datasets/${slug}/resources/new`);
    // The bar's values are kept in sessionStorage: the page navigates away once the upload is done.
    await page.evaluate(() => {
      const bar = /** @type {HTMLProgressElement} */ (document.getElementById('upload-bar'));
      sessionStorage.setItem('progress', '[]');
      new MutationObserver(() => {
        const seen = JSON.parse(sessionStorage.getItem('progress') || '[]');
        seen.push(bar.value);
        sessionStorage.setItem('progress', JSON.stringify(seen));
      }).observe(bar, { attributes: true, childList: true });
    });
    await page.setInputFiles('#file', { name: `populations-${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv(), 'utf8') });
    await page.fill('#upload-title', 'Populations 2021 (CSV)');
    const [apiRes] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/upload') && r.request().method() === 'POST'),
      page.waitForURL((u) => u.pathname === `/catalog/datasets/${slug}`),
      page.click('#upload-form button[type="submit"]'),
    ]);
    assert.equal(apiRes.status(), 201, 'the island posted to the API with the CSRF header');
    assert.equal(new URL(apiRes.url()).pathname.startsWith('/api/v1/catalog/datasets/'), true);
    await page.waitForLoadState('load');
    const seen = JSON.parse((await page.evaluate(() => sessionStorage.getItem('progress'))) || '[]');
    assert.ok(seen.includes(100), `the progress bar reached 100 (seen ${JSON.stringify(seen)})`);
    assert.equal(await page.locator('#upload-progress').count(), 0, 'now on the dataset page');
    assert.ok(await page.locator('th[scope="row"]', { hasText: 'Populations 2021 (CSV)' }).count(), 'the dataset lists the file');
    await checkPage(page);
  });

  it('the table preview sorts by a header, filters a column and pages', async () => {
    await visit(page, `/catalog/datasets/${slug}?lang=fr`);
    const href = await page.locator('a[href^="/catalog/tables/"]').first().getAttribute('href');
    assert.ok(href);
    const rid = href.split('/').pop();
    await poll('the loader job to read the CSV', async () => (await getJsonAuthless(`/api/v1/catalog/tables/${rid}`))?.available, { timeout: 30_000 });
    await visit(page, href);
    await checkPage(page);
    assert.equal(await page.locator('#preview-table tbody tr').count(), 20, 'first page');
    assert.match(await page.locator('#preview-status').innerText(), /45/);
    // Sort by population, descending (two clicks on the header link).
    await submit(page, page.locator('#preview-table a.sort', { hasText: 'population' }));
    assert.equal(await page.locator('th[aria-sort="ascending"]').count(), 1);
    await submit(page, page.locator('#preview-table a.sort', { hasText: 'population' }));
    assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
    assert.equal((await page.locator('#preview-table tbody tr').first().locator('td').first().innerText()).trim(), 'Commune 45');
    await checkPage(page);
    // Filter the commune column; the sort is kept.
    await page.fill('input[name="commune__contains"]', 'Commune 1');
    await submit(page, page.locator('#table-preview button[type="submit"]'));
    assert.equal(await page.locator('#preview-table tbody tr').count(), 10, 'Commune 10 to 19');
    assert.equal((await page.locator('#preview-table tbody tr').first().locator('td').first().innerText()).trim(), 'Commune 19');
    // Pages: clear the filter, go to page 3 (rows 41–45).
    await visit(page, `${href}?page=3`);
    assert.equal(await page.locator('#preview-table tbody tr').count(), 5);
    await submit(page, page.locator('.pager a[rel="prev"]'));
    assert.equal(new URL(page.url()).searchParams.get('page'), '2');
    await visit(page, `${href}?lang=en`);
    await checkPage(page);
  });

  it('the same pages fit a 320px-wide screen', async () => {
    const small = await newContext(browser, { viewport: { width: 320, height: 640 } });
    try {
      const p = await newPage(small);
      await login(p, CAMILLE);
      const href = await (async () => {
        await visit(p, `/catalog/datasets/${slug}`);
        return p.locator('a[href^="/catalog/tables/"]').first().getAttribute('href');
      })();
      for (const url of ['/catalog', '/catalog?tag=arbres', `/catalog/datasets/${DEMO_DATASET}`, `/catalog/datasets/${slug}/edit`, `/catalog/datasets/${slug}/resources/new`, '/catalog/moderation', String(href)]) {
        await visit(p, url);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${url} is ${overflow}px wider than a 320px screen`);
        await checkPage(p, `${url} (320px)`);
      }
    } finally {
      await small.close();
    }
  });
});

/** @param {string} path */
async function getJsonAuthless(path) {
  const r = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json' } });
  return r.status === 200 ? r.json() : null;
}

describe('editing: a demo publisher edits a resource, clears a coverage, declares, edits and deletes a reuse', () => {
  /** @type {import('playwright-core').BrowserContext} */
  let context;
  /** @type {import('playwright-core').Page} */
  let page;
  const title = `Reuses E2E ${run}`;
  let slug = '';
  before(async () => {
    context = await newContext(browser);
    page = await newPage(context);
    await login(page, CAMILLE);
    // A dataset of its own, with a coverage and a link, through the pages.
    await visit(page, '/catalog/datasets/new?lang=fr');
    await page.fill('#title', title);
    await page.fill('#temporal_start', '2022-01-01');
    await page.fill('#temporal_end', '2022-12-31');
    await submit(page, page.locator('form.stack button[type="submit"]'));
    slug = new URL(page.url()).pathname.split('/')[3];
    await page.fill('#url', 'https://exemple.fr/export.json');
    await page.fill('#title', 'Export JSON');
    await submit(page, page.locator('form[aria-labelledby="remote-h"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
  });
  after(async () => {
    await context?.close();
  });

  it('the resource form keeps the input and shows errors in place, then saves', async () => {
    await visit(page, `/catalog/datasets/${slug}?lang=fr`);
    // The dataset's only resource so far.
    await submit(page, page.locator('a[href*="/resources/"][href$="/edit"]'));
    assert.match(new URL(page.url()).pathname, /\/resources\/[0-9a-f-]+\/edit$/);
    await checkPage(page);
    assert.equal(await page.locator('#url').inputValue(), 'https://exemple.fr/export.json');
    await page.fill('#title', 'Export JSON 2022');
    // A scheme the browser accepts and the server refuses.
    await page.fill('#url', 'ftp://exemple.fr/export.json');
    await page.selectOption('#type', 'documentation');
    const res = await submit(page, page.locator('#resource-edit button[type="submit"]'));
    assert.equal(res?.status(), 422);
    assert.equal(await page.locator('#url[aria-invalid="true"]').count(), 1);
    assert.match(await page.locator('#url-error').innerText(), /http/);
    assert.equal(await page.locator('#title').inputValue(), 'Export JSON 2022', 'the input is kept');
    assert.equal(await page.locator('#type').inputValue(), 'documentation');
    await checkPage(page);
    await page.fill('#url', 'https://exemple.fr/export-2022.json');
    await submit(page, page.locator('#resource-edit button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    assert.equal(await page.locator('p.notice[role="status"]').count(), 1);
    assert.ok(await page.locator('th[scope="row"]', { hasText: 'Export JSON 2022' }).count(), 'the new title is listed');
    const d = await getJson(`/api/v1/catalog/datasets/${slug}`);
    assert.equal(d.resources[0].url, 'https://exemple.fr/export-2022.json');
    assert.equal(d.resources[0].type, 'documentation');
  });

  it('an uploaded file is replaced from the same form, keeping its permanent link', async () => {
    await visit(page, `/catalog/datasets/${slug}/resources/new`);
    await page.setInputFiles('#file', { name: `communes-${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv(), 'utf8') });
    await Promise.all([page.waitForURL((u) => u.pathname === `/catalog/datasets/${slug}`), page.click('#upload-form button[type="submit"]')]);
    await page.waitForLoadState('load');
    const before = (await getJson(`/api/v1/catalog/datasets/${slug}`)).resources.find((/** @type {any} */ r) => r.filetype === 'file');
    await visit(page, `/catalog/datasets/${slug}/resources/${before.id}/edit?lang=en`);
    await checkPage(page);
    assert.equal(await page.locator('#url').count(), 0, 'an uploaded file has no address to edit');
    await page.setInputFiles('#file', { name: `communes-${run}.json`, mimeType: 'application/json', buffer: Buffer.from('[{"commune": "Quimper"}]', 'utf8') });
    await submit(page, page.locator('#resource-edit button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    const after = (await getJson(`/api/v1/catalog/datasets/${slug}`)).resources.find((/** @type {any} */ r) => r.id === before.id);
    assert.equal(after.format, 'json', 'the format follows the new file');
    assert.notDeepEqual(after.checksum, before.checksum);
    const r = await fetch(`${BASE}/api/1/datasets/r/${before.id}`, { redirect: 'manual' });
    assert.ok(String(r.headers.get('location')).endsWith(`communes-${run}.json`), 'the permanent link leads to the new file');
  });

  it('the temporal coverage is cleared from the edit form', async () => {
    await visit(page, `/catalog/datasets/${slug}/edit?lang=fr`);
    assert.equal(await page.locator('#temporal_start').inputValue(), '2022-01-01');
    await page.fill('#temporal_start', '');
    await page.fill('#temporal_end', '');
    await submit(page, page.locator('form.stack button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    assert.equal((await getJson(`/api/v1/catalog/datasets/${slug}`)).temporal_coverage, null);
  });

  it('a reuse is declared from the dataset page, then edited and deleted by its author', async () => {
    await visit(page, `/catalog/datasets/${slug}?lang=fr`);
    await submit(page, page.locator(`a[href="/catalog/datasets/${slug}/reuses/new"]`));
    await checkPage(page);
    await page.fill('#title', 'Carte des communes');
    await page.fill('#url', 'ftp://carte.exemple.fr/');
    await page.fill('#description', 'Une carte interactive.');
    await page.selectOption('#type', 'visualization');
    const res = await submit(page, page.locator('#reuse-form button[type="submit"]'));
    assert.equal(res?.status(), 422);
    assert.equal(await page.locator('#url[aria-invalid="true"]').count(), 1);
    assert.equal(await page.locator('#description').inputValue(), 'Une carte interactive.', 'the input is kept');
    await checkPage(page);
    await page.fill('#url', 'https://carte.exemple.fr/');
    await submit(page, page.locator('#reuse-form button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    const item = page.locator('ul.reuses li', { hasText: 'Carte des communes' });
    assert.equal(await item.count(), 1, 'the reuse is listed');
    assert.equal((await getJson(`/api/v1/catalog/datasets/${slug}`)).metrics.reuses, 1);
    await checkPage(page);

    await submit(page, item.locator('a[href*="/edit"]'));
    await checkPage(page);
    await page.fill('#title', 'Carte des communes du Finistère');
    await submit(page, page.locator('#reuse-form button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    const edited = page.locator('ul.reuses li', { hasText: 'Carte des communes du Finistère' });
    assert.equal(await edited.count(), 1);

    await submit(page, edited.locator('a[href*="/delete"]'));
    await checkPage(page);
    await submit(page, page.locator('button.danger'));
    assert.equal(new URL(page.url()).pathname, `/catalog/datasets/${slug}`);
    assert.equal(await page.locator('ul.reuses li').count(), 0, 'gone from the page');
    assert.equal((await getJson(`/api/v1/catalog/datasets/${slug}`)).metrics.reuses, 0, 'and from the count');
  });
});
