// @ts-check
// The weather module's pages in a real browser, in French and in English, each checked with
// axe-core: the network map (Leaflet island and its table without JavaScript), a station page
// (uPlot chart that zooms by asking the server again, monthly climatology by décade, normals,
// CSV), live updates over Server-Sent Events after a Météo-France file is pushed to the API, and
// the import form with a rejected line.
//
// `communs demo` (COMMUNS_DEMO_WEATHER_YEARS=1) generates one year of hourly data for its 50
// stations in a background job in the first minute after start: the suite waits for it.
// The Météo-France station pushed here gets a run-unique NUM_POSTE, so that reruns against the
// same server do not depend on one another.
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
  ADMIN,
  createToken,
  poll,
  unique,
} from './lib.mjs';

const LANGS = /** @type {const} */ (['fr', 'en']);
const DEMO_STATIONS = 50;
const HOUR = 3_600_000;

/** The current UTC hour, as milliseconds since the epoch (fixed for the run). */
const NOW_HOUR = Math.floor(Date.now() / HOUR) * HOUR;

/** `AAAAMMJJHH` (UTC) of a time. @param {number} ms */
function stamp(ms) {
  return new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 10);
}

/** The server's RFC 3339 form of a whole hour. @param {number} ms */
function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** @param {string} path */
async function getJson(path) {
  const r = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json' } });
  assert.equal(r.status, 200, `GET ${path}: ${r.status}`);
  return r.json();
}

/** Waits until the demo job has written the latest values of every demo station. */
async function demoData() {
  await poll(
    `${DEMO_STATIONS} stations with a latest temperature at ${BASE}/api/v1/weather/latest?param=T`,
    async () => (await getJson('/api/v1/weather/latest?param=T')).length >= DEMO_STATIONS,
    { timeout: 200_000, interval: 2_000 },
  );
}

/**
 * The 204-column header of Météo-France's hourly files: the station, the stamp, then the first
 * 99 parameters of the catalogue, each followed by its quality column (with the two official
 * typos, QPERMIN and QCB2).
 * @param {string[]} codes the catalogue's codes, in order
 */
function mfHeader(codes) {
  const cols = ['NUM_POSTE', 'NOM_USUEL', 'LAT', 'LON', 'ALTI', 'AAAAMMJJHH'];
  for (const c of codes.slice(0, 99)) {
    cols.push(c, c === 'PMERMIN' ? 'QPERMIN' : c === 'B2' ? 'QCB2' : `Q${c}`);
  }
  assert.equal(cols.length, 204, 'the hourly header has 204 columns');
  return cols;
}

/**
 * One data line of an hourly file.
 * @param {string[]} header
 * @param {{num: string, name: string, lat: number, lon: number, alti: number}} s
 * @param {number} ms the hour
 * @param {Record<string, string>} values column → value, with quality 1
 */
function mfLine(header, s, ms, values) {
  const f = header.map(() => '');
  [f[0], f[1], f[2], f[3], f[4], f[5]] = [s.num, s.name, String(s.lat), String(s.lon), String(s.alti), stamp(ms)];
  for (const [code, v] of Object.entries(values)) {
    const i = header.indexOf(code);
    assert.ok(i > 5, `no column ${code}`);
    f[i] = v;
    f[i + 1] = '1';
  }
  return f.join(';');
}

const run = unique();
/** The Météo-France station this run creates (not a demo one: those have no NUM_POSTE). */
const MF = { num: `21${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`, name: `DIJON-LONGVIC E2E ${run}`, lat: 47.267833, lon: 5.088333, alti: 219 };

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {string[]} */
let header = [];
let token = '';
/** Id of the demo station found by searching "dijon". */
let dijon = 0;
/** Id of the station created by pushing a Météo-France file. */
let mfStation = 0;

/**
 * Pushes a Météo-France hourly file through the API with the demo administrator's token.
 * @param {string[]} lines data lines
 */
async function push(lines, filename = `e2e-${run}.csv`) {
  const body = [header.join(';'), ...lines].join('\n') + '\n';
  const r = await fetch(`${BASE}/api/v1/weather/imports?format=mf&filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
    body,
  });
  const text = await r.text();
  assert.equal(r.status, 201, `POST /api/v1/weather/imports: ${r.status} ${text}`);
  const out = JSON.parse(text);
  assert.equal(out.rejected_count, 0, `no line rejected: ${text}`);
  return out;
}

/** A fresh context and page in a language (the switch is remembered in a cookie). @param {'fr'|'en'} lang */
async function pageIn(lang, { admin = false } = {}) {
  const context = await newContext(browser, { locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await newPage(context);
  if (admin) await login(page, ADMIN);
  await visit(page, `/weather?lang=${lang}`);
  return { context, page };
}

/**
 * Watches the Server-Sent Events streams of `topics` that a page opens; the function returned
 * resolves once a stream has answered and every other one opened so far has answered or been cut
 * by a navigation (the subscription is then in place on the server). Call before the navigation.
 * @param {import('playwright-core').Page} page
 * @param {string} topics
 */
function sseStreams(page, topics) {
  /** @type {Set<import('playwright-core').Request>} */
  const pending = new Set();
  let answered = 0;
  /** @param {import('playwright-core').Request} r */
  const ours = (r) => {
    const u = new URL(r.url());
    return u.pathname === '/api/v1/events' && u.searchParams.get('topics') === topics;
  };
  page.on('request', (r) => {
    if (ours(r)) pending.add(r);
  });
  page.on('response', (r) => {
    if (ours(r.request()) && pending.delete(r.request()) && r.status() === 200) answered += 1;
  });
  // A stream the previous page opened late can be cut by the navigation: it never answers.
  page.on('requestfailed', (r) => {
    pending.delete(r);
  });
  return () => poll(`the event stream of ${topics}`, async () => answered > 0 && pending.size === 0, { interval: 100 });
}

/** @param {import('playwright-core').Page} page @param {string} sel @param {string} attr */
async function numAttr(page, sel, attr) {
  return Number(await page.getAttribute(sel, attr));
}

before(async () => {
  await demoData();
  browser = await launch();
  header = mfHeader((await getJson('/api/v1/weather/params')).map((/** @type {any} */ p) => p.code));
  const admin = await newContext(browser);
  const page = await newPage(admin);
  await login(page, ADMIN);
  token = await createToken(page, `e2e weather ${run}`);
  await admin.close();

  const hits = (await getJson('/api/v1/weather/stations?q=dijon')).data;
  const demo = hits.find((/** @type {any} */ s) => s.network === 'demo' && s.name === 'DIJON-LONGVIC');
  assert.ok(demo, `the search for "dijon" finds the demo station DIJON-LONGVIC (${JSON.stringify(hits.map((/** @type {any} */ s) => s.name))})`);
  dijon = demo.id;

  // Creates the Météo-France station two hours ago; the live tests then push the next hours.
  const out = await push([mfLine(header, MF, NOW_HOUR - 2 * HOUR, { T: '11.0' })]);
  assert.equal(out.stations_created, 1, 'the file creates its station');
  const found = (await getJson(`/api/v1/weather/stations?q=longvic&page_size=100`)).data.find((/** @type {any} */ s) => s.mf_num_poste === MF.num);
  assert.ok(found, `the station ${MF.num} is found by searching "longvic"`);
  mfStation = found.id;
  const latest = (await getJson('/api/v1/weather/latest?param=T')).find((/** @type {any} */ r) => r.station_id === mfStation);
  assert.deepEqual([latest?.time, latest?.value], [iso(NOW_HOUR - 2 * HOUR), 11], 'the pushed value is the latest one (UTC stamp)');
});

after(async () => {
  await browser?.close();
});

for (const lang of LANGS) {
  describe(`weather pages (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      ({ context, page } = await pageIn(lang));
    });
    after(async () => {
      await context?.close();
    });

    it('the network map shows the stations, and the table its latest values; the parameter can be changed', async () => {
      await visit(page, '/weather');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await page.waitForFunction((n) => Number(document.getElementById('weather-map')?.dataset.rendered) >= n, DEMO_STATIONS);
      const markers = await page.locator('#weather-map .wx-label').count();
      assert.ok(markers > 0, 'the map draws labels');
      const rows = await page.locator('main table tbody tr').count();
      assert.ok(rows >= DEMO_STATIONS, `the latest-values table lists the stations (${rows} rows)`);
      assert.equal(await page.locator('main table thead th').nth(1).innerText(), 'T (°C)');
      await checkPage(page);

      await page.selectOption('#param', 'U');
      await submit(page, page.locator('form[action="/weather"] button[type="submit"]'));
      const url = new URL(page.url());
      assert.equal(url.pathname, '/weather');
      assert.equal(url.searchParams.get('param'), 'U');
      assert.equal(await page.getAttribute('#weather-map', 'data-param'), 'U');
      assert.equal(await page.locator('#param').inputValue(), 'U', 'the select keeps the choice');
      assert.equal(await page.locator('main table thead th').nth(1).innerText(), 'U (%)');
      await page.waitForFunction((n) => Number(document.getElementById('weather-map')?.dataset.rendered) >= n, DEMO_STATIONS);
      const values = await page.locator('main table tbody td.num').allInnerTexts();
      assert.ok(values.length >= DEMO_STATIONS && values.every((v) => Number(v) >= 0 && Number(v) <= 100), `humidities between 0 and 100 % (${values.slice(0, 5)}…)`);
      await checkPage(page, `/weather?param=U (${lang})`);
    });

    it('the map table works without JavaScript', async () => {
      const ctx = await browser.newContext({ baseURL: BASE, javaScriptEnabled: false });
      try {
        const p = await ctx.newPage();
        await visit(p, `/weather?lang=${lang}&param=U`);
        assert.ok((await p.locator('main table tbody tr').count()) >= DEMO_STATIONS);
        assert.equal(await p.getAttribute('#weather-map', 'data-rendered'), null, 'no script ran');
        await submit(p, p.locator(`main table tbody a[href="/weather/stations/${dijon}"]`));
        assert.equal(new URL(p.url()).pathname, `/weather/stations/${dijon}`);
        assert.equal((await p.locator('h1').innerText()).trim(), 'DIJON-LONGVIC');
      } finally {
        await ctx.close();
      }
    });

    it('a station page draws its chart, zooms by asking the server again, and returns to the whole period', async () => {
      /** @type {URL[]} */
      const series = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname === `/api/v1/weather/stations/${dijon}/series`) series.push(u);
      });
      await visit(page, `/weather/stations/${dijon}`);
      assert.equal((await page.locator('h1').innerText()).trim(), 'DIJON-LONGVIC');
      await page.waitForFunction(() => Number(document.getElementById('weather-chart')?.dataset.points) > 0);
      const points = await numAttr(page, '#weather-chart', 'data-points');
      assert.equal(await page.getAttribute('#weather-chart', 'data-downsampled'), 'true', 'a year of hourly values is reduced to the chart width');
      const [from, to] = [await page.getAttribute('#weather-chart', 'data-from'), await page.getAttribute('#weather-chart', 'data-to')];
      assert.ok(from && to && from < to, `a default range (${from} – ${to})`);
      assert.equal(series.length, 1);
      assert.deepEqual([series[0].searchParams.get('from'), series[0].searchParams.get('to')], [from, to]);
      assert.ok(await page.locator('main table tbody tr').count() >= 8, 'the latest values of the 8 demo parameters');
      await checkPage(page);

      // Drag over the middle third of the plot: the chart asks for that range only.
      const over = page.locator('#weather-chart .u-over');
      await over.scrollIntoViewIfNeeded();
      const box = await over.boundingBox();
      assert.ok(box && box.width > 100, `the chart has a plotting area (${JSON.stringify(box)})`);
      const zoomed = page.waitForResponse((r) => r.url().includes(`/stations/${dijon}/series`) && new URL(r.url()).searchParams.get('from') !== from);
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width / 3, y);
      await page.mouse.down();
      await page.mouse.move(box.x + (box.width * 2) / 3, y, { steps: 10 });
      await page.mouse.up();
      const res = await zoomed;
      assert.equal(res.status(), 200);
      const z = new URL(res.url());
      const [zf, zt] = [z.searchParams.get('from') || '', z.searchParams.get('to') || ''];
      assert.ok(from < zf && zf < zt && zt < to, `the zoom asks for a narrower range (${zf} – ${zt} within ${from} – ${to})`);
      const n = (await res.json()).t.length;
      await page.waitForFunction((n) => document.getElementById('weather-chart')?.dataset.points === String(n), n);
      assert.notEqual(n, 0);
      // Four months of hourly values at most: fewer buckets than the whole year, or raw values.
      assert.ok(n !== points || (await page.getAttribute('#weather-chart', 'data-downsampled')) === 'false', `the zoomed chart has other points (${points} → ${n})`);

      const reset = page.waitForResponse((r) => r.url().includes(`/stations/${dijon}/series`) && new URL(r.url()).searchParams.get('from') === from);
      await page.click('#chart-reset');
      await reset;
      await page.waitForFunction((n) => document.getElementById('weather-chart')?.dataset.points === String(n), points);
      assert.equal(await page.getAttribute('#weather-chart', 'data-downsampled'), 'true');
      await checkPage(page, `/weather/stations/${dijon} after zooming (${lang})`);

      // The raw data behind the chart, as CSV.
      const csv = await page.locator('main a', { hasText: 'CSV' }).getAttribute('href');
      assert.ok(csv);
      const r = await fetch(new URL(csv, BASE));
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') || '', /text\/csv/);
      const text = await r.text();
      assert.ok(text.trim().split('\n').length > 1000, 'a year of hourly temperatures');
    });

    it('the chart form changes the parameter and the period', async () => {
      await visit(page, `/weather/stations/${dijon}`);
      const to = /** @type {string} */ (await page.getAttribute('#weather-chart', 'data-to'));
      const from = new Date(Date.parse(to) - 30 * 86_400_000).toISOString().slice(0, 10);
      await page.selectOption('#param', 'PMER');
      await page.fill('#from', from);
      await submit(page, page.locator(`form[action="/weather/stations/${dijon}"]`).first().locator('button[type="submit"]'));
      const u = new URL(page.url());
      assert.deepEqual([u.searchParams.get('param'), u.searchParams.get('from')], ['PMER', from]);
      assert.deepEqual([await page.getAttribute('#weather-chart', 'data-param'), await page.getAttribute('#weather-chart', 'data-from')], ['PMER', from]);
      await page.waitForFunction(() => Number(document.getElementById('weather-chart')?.dataset.points) > 0);
      // 31 days of hourly values fit the chart's width: no envelope.
      assert.equal(await page.getAttribute('#weather-chart', 'data-downsampled'), 'false');
      assert.ok((await numAttr(page, '#weather-chart', 'data-points')) >= 24 * 30);
      await checkPage(page, `/weather/stations/${dijon}?param=PMER (${lang})`);
    });

    it('the monthly climatology of a past month has three décades, and the month links work', async () => {
      const now = new Date(NOW_HOUR);
      /** `YYYY-MM` of the month `k` months before now. @param {number} k */
      const month = (k) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 7);
      const names = {
        fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
        en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
      }[lang];
      /** @param {string} ym */
      const label = (ym) => `${names[Number(ym.slice(5)) - 1]} ${ym.slice(0, 4)}`;
      const decade = lang === 'fr' ? 'Décade' : 'Ten-day period';

      /** @param {string} ym */
      async function shows(ym) {
        const u = new URL(page.url());
        assert.equal(u.searchParams.get('month'), ym);
        const h = (await page.locator('h2#month-h').innerText()).trim();
        assert.ok(h.endsWith(label(ym)), `the heading names the month: ${h}`);
        const table = page.locator('table[aria-labelledby="month-h"]');
        assert.equal(await table.locator('tbody.decade').count(), 3);
        const summaries = table.locator('tr.decade-summary');
        assert.equal(await summaries.count(), 3, 'three décade summary rows');
        assert.deepEqual(await summaries.locator('th').allInnerTexts(), [1, 2, 3].map((n) => `${decade} ${n}`));
        for (const row of await summaries.all()) {
          const cells = await row.locator('td').allInnerTexts();
          assert.ok(!Number.isNaN(Number(cells[0])) && !Number.isNaN(Number(cells[2])), `mean TN and TX of the décade are numbers (${cells})`);
          assert.match(cells[1], /^min -?\d+\.\d$/);
          assert.match(cells[3], /^max -?\d+\.\d$/);
        }
        const days = await table.locator('tbody.decade tr:not(.decade-summary)').count();
        assert.equal(days, new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5)), 0)).getUTCDate(), 'one row a day');
      }

      const past = month(2);
      await visit(page, `/weather/stations/${dijon}?month=${past}`);
      await shows(past);
      await checkPage(page);
      await submit(page, page.locator('main a', { hasText: lang === 'fr' ? 'mois précédent' : 'previous month' }));
      await shows(month(3));
      await submit(page, page.locator('main a', { hasText: lang === 'fr' ? 'mois suivant' : 'next month' }));
      await submit(page, page.locator('main a', { hasText: lang === 'fr' ? 'mois suivant' : 'next month' }));
      await shows(month(1));
      await checkPage(page, `/weather/stations/${dijon}?month=${month(1)} (${lang})`);
    });

    it('the normals form changes the period', async () => {
      const year = new Date(NOW_HOUR).getUTCFullYear();
      await visit(page, `/weather/stations/${dijon}`);
      await page.fill('#normals_from', String(year - 1));
      await page.fill('#normals_to', String(year));
      await submit(page, page.locator('form:has(#normals_from) button[type="submit"]'));
      const u = new URL(page.url());
      assert.deepEqual([u.searchParams.get('normals_from'), u.searchParams.get('normals_to')], [String(year - 1), String(year)]);
      assert.ok((await page.locator('h2#normals-h').innerText()).includes(`${year - 1}–${year}`));
      assert.equal(await page.locator('table[aria-labelledby="normals-h"] tbody tr').count(), 12);
      await checkPage(page, `/weather/stations/${dijon}?normals_from=… (${lang})`);
    });

    it('the import page sends anonymous people to the login form', async () => {
      await visit(page, '/weather/import');
      const u = new URL(page.url());
      assert.equal(u.pathname, '/login');
      assert.equal(u.searchParams.get('next'), '/weather/import');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await checkPage(page, `/login?next=/weather/import (${lang})`);
    });
  });
}

for (const lang of LANGS) {
  describe(`weather import form (${lang})`, () => {
    /** @type {import('playwright-core').BrowserContext} */
    let context;
    /** @type {import('playwright-core').Page} */
    let page;
    before(async () => {
      ({ context, page } = await pageIn(lang, { admin: true }));
    });
    after(async () => {
      await context?.close();
    });

    it('an administrator uploads a file with a bad line: the good one is imported, the bad one reported with its number', async () => {
      await visit(page, '/weather/import');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await checkPage(page);
      // Old hours (a day or two ago), so that the latest values of the live tests stay theirs.
      const at = NOW_HOUR - (lang === 'fr' ? 30 : 54) * HOUR;
      const file = [header.join(';'), mfLine(header, MF, at, { T: '8.5' }), mfLine(header, MF, at + HOUR, { T: 'abc' })].join('\n') + '\n';
      await page.selectOption('#format', 'mf');
      await page.setInputFiles('#file', { name: `e2e-${run}-${lang}.csv`, mimeType: 'text/csv', buffer: Buffer.from(file) });
      const res = await submit(page, page.locator('main form button[type="submit"]'));
      assert.equal(res?.status(), 201);
      const notice = page.locator('main .notice[role="status"]');
      assert.equal(await notice.count(), 1, 'the result is announced');
      const text = (await notice.innerText()).replace(/\s+/g, ' ');
      if (lang === 'fr') {
        assert.match(text, /Import terminé : e2e-.*\.csv : 1 valeurs ajoutées/);
        assert.match(text, /1 lignes refusées :/);
      } else {
        assert.match(text, /Import finished: e2e-.*\.csv : 1 values added/);
        assert.match(text, /1 rejected lines:/);
      }
      const items = await notice.locator('li').allInnerTexts();
      assert.equal(items.length, 1, `one rejected line listed (${items})`);
      assert.match(items[0], new RegExp(`^${lang === 'fr' ? 'ligne' : 'line'} 3 : .*T .*abc`), 'the third line of the file, with the reason');
      await checkPage(page, `/weather/import, result (${lang})`);

      // The good line is in the station's data.
      const day = new Date(at).toISOString().slice(0, 10);
      const obs = await (await fetch(`${BASE}/api/v1/weather/stations/${mfStation}/observations?params=T&from=${day}&to=${day}&format=csv`)).text();
      assert.ok(obs.includes('8.5'), `the imported value is served:\n${obs}`);
    });

    it('uploading nothing is refused with an accessible error', async () => {
      await visit(page, '/weather/import');
      await page.locator('#file').evaluate((el) => el.removeAttribute('required'));
      const res = await submit(page, page.locator('main form button[type="submit"]'));
      assert.equal(res?.status(), 422);
      assert.equal(await page.locator('main p.error[role="alert"]').count(), 1);
      await checkPage(page, `/weather/import, no file (${lang})`);
    });
  });
}

/**
 * Opens the network map and waits until its event stream is subscribed and the demo stations and
 * this run's station are drawn.
 * @param {import('playwright-core').Page} page
 */
async function openLiveMap(page) {
  const streams = sseStreams(page, 'weather.station');
  await visit(page, '/weather');
  await streams();
  await page.waitForFunction((n) => Number(document.getElementById('weather-map')?.dataset.rendered) > n, DEMO_STATIONS);
}

describe('live updates after a Météo-France file is pushed', () => {
  it('the map updates the pushed station (fr)', async () => {
    const { context, page } = await pageIn('fr');
    try {
      await openLiveMap(page);
      assert.equal(await page.locator(`main table tbody a[href="/weather/stations/${mfStation}"]`).count(), 1, 'the pushed station is listed');

      await push([mfLine(header, MF, NOW_HOUR - HOUR, { T: '12.3' })]);
      const at = iso(NOW_HOUR - HOUR);
      await page.waitForFunction((t) => document.getElementById('weather-map')?.dataset.lastUpdate === t, at, { timeout: 10_000 });
      await checkPage(page, '/weather after a live update (fr)');

      await visit(page, '/weather');
      const row = page.locator('main table tbody tr', { has: page.locator(`a[href="/weather/stations/${mfStation}"]`) });
      assert.equal(await row.locator('td.num').innerText(), '12.3', 'the table shows the new value after reloading');
    } finally {
      await context.close();
    }
  });

  it('a station not on the map joins it when it reports (fr)', async () => {
    const { context, page } = await pageIn('fr');
    try {
      await openLiveMap(page);
      const before = await numAttr(page, '#weather-map', 'data-rendered');
      const other = { ...MF, num: `21${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`, name: `BEAUNE E2E ${run}`, lat: 47.02, lon: 4.84 };
      const out = await push([mfLine(header, other, NOW_HOUR - HOUR, { T: '9.5' })], `e2e-${run}-new.csv`);
      assert.equal(out.stations_created, 1);
      await page.waitForFunction((n) => Number(document.getElementById('weather-map')?.dataset.rendered) === n, before + 1, { timeout: 10_000 });
    } finally {
      await context.close();
    }
  });

  it('the station chart appends the pushed hour, and the page shows it after reloading (en)', async () => {
    const { context, page } = await pageIn('en');
    try {
      const topic = `weather.station.${mfStation}`;
      const streams = sseStreams(page, topic);
      await visit(page, `/weather/stations/${mfStation}`);
      assert.equal((await page.locator('h1').innerText()).trim(), MF.name);
      assert.match(await page.locator('main dl').innerText(), new RegExp(`Météo-France ${MF.num}`));
      await streams();
      await page.waitForFunction(() => Number(document.getElementById('weather-chart')?.dataset.points) > 0);
      await checkPage(page);

      await push([mfLine(header, MF, NOW_HOUR, { T: '13.4', U: '81' })]);
      await page.waitForFunction((t) => document.getElementById('weather-chart')?.dataset.lastUpdate === t, iso(NOW_HOUR), { timeout: 10_000 });
      await checkPage(page, `/weather/stations/${mfStation} after a live update (en)`);

      await visit(page, `/weather/stations/${mfStation}`);
      const latest = await page.locator('main table').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      const t = latest.find((r) => r[0]?.startsWith('T — '));
      const u = latest.find((r) => r[0]?.startsWith('U — '));
      assert.equal(t?.[1], '13.4 °C', `latest T (${JSON.stringify(latest)})`);
      assert.equal(u?.[1], '81 %', `latest U (${JSON.stringify(latest)})`);
      assert.ok(t?.[2], 'with its time');
    } finally {
      await context.close();
    }
  });
});

describe('station page weight', () => {
  it('a first visit transfers at most 80 KB (gzip), chart data included', async () => {
    // A fresh context: nothing cached from the other tests' visits.
    const context = await newContext(browser, { locale: 'fr-FR' });
    const page = await newPage(context);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    /** @type {Map<string, {url: string, bytes: number}>} */
    const seen = new Map();
    cdp.on('Network.responseReceived', (e) => seen.set(e.requestId, { url: e.response.url, bytes: 0 }));
    cdp.on('Network.loadingFinished', (e) => {
      const r = seen.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await visit(page, `/weather/stations/${dijon}`);
    await page.waitForFunction(() => Number(document.getElementById('weather-chart')?.dataset.points) > 0);
    const rows = [...seen.values()].filter((r) => r.url.startsWith(BASE));
    assert.ok(rows.some((r) => r.url.includes('/series?')), 'the chart data is counted');
    assert.ok(rows.some((r) => r.url.endsWith('/uplot.js')), 'the chart library is counted');
    const total = rows.reduce((a, r) => a + r.bytes, 0);
    const detail = rows.map((r) => `${r.bytes} ${r.url.replace(BASE, '')}`).join('\n');
    assert.ok(total <= 80 * 1024, `first load ${total} bytes:\n${detail}`);
    await context.close();
  });
});

describe('weather pages on a 320px-wide screen', () => {
  /**
   * WCAG 1.4.10: at 320 CSS pixels the page scrolls in one direction only (a wide table scrolls
   * inside its own box), and it stays accessible there.
   * @param {import('playwright-core').Page} page
   * @param {string} url
   */
  async function reflows(page, url) {
    await visit(page, url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${url} is ${overflow}px wider than a 320px screen`);
    await checkPage(page, `${url} (320px)`);
  }

  it('the map, a station page and the import form reflow', async () => {
    const context = await newContext(browser, { viewport: { width: 320, height: 640 } });
    try {
      const page = await newPage(context);
      await reflows(page, '/weather');
      await page.waitForFunction((n) => Number(document.getElementById('weather-map')?.dataset.rendered) >= n, DEMO_STATIONS);
      await checkPage(page, '/weather (320px, map drawn)');
      await reflows(page, `/weather/stations/${dijon}`);
      await page.waitForFunction(() => Number(document.getElementById('weather-chart')?.dataset.points) > 0);
      const chart = await page.locator('#weather-chart .uplot').boundingBox();
      assert.ok(chart && chart.width <= 320, `the chart fits the screen (${chart?.width}px)`);
      await login(page, ADMIN);
      await reflows(page, '/weather/import');
    } finally {
      await context.close();
    }
  });
});
