// @ts-check
// Table preview island: reads a page of rows from the tabular API (api-tabular's query syntax:
// `col__sort=asc|desc`, `col__contains=…`, `col__exact=…`, `page`, `page_size`) and renders it
// as an accessible table whose column headers sort, with one filter field per column and a pager.

const root = /** @type {HTMLElement | null} */ (document.getElementById('table-preview'));
const PAGE_SIZE = 20;

/** @typedef {{name: string, type: string}} Col */

if (root) start(root);

/** @param {HTMLElement} root */
async function start(root) {
  const api = /** @type {string} */ (root.dataset.api);
  /** @param {string} k */
  const L = (k) => root.dataset[`l${k[0].toUpperCase()}${k.slice(1)}`] || k;
  /** @type {{page: number, sort: {col: string, dir: 'asc'|'desc'} | null, filters: Record<string, string>}} */
  const state = { page: 1, sort: null, filters: {} };
  /** @type {Col[]} */
  let cols = [];

  root.textContent = '';
  const status = el('p', { role: 'status', 'aria-live': 'polite', class: 'muted', id: 'table-status' });
  const form = el('form', { class: 'table-form', novalidate: '' });
  const table = el('table', { tabindex: '0', id: 'preview-table' });
  const caption = el('caption');
  const thead = el('thead');
  const tbody = el('tbody');
  table.append(caption, thead, tbody);
  const controls = el('div', { class: 'table-controls' });
  const apply = el('button', { type: 'submit' }, L('apply'));
  const clear = el('button', { type: 'button', class: 'link' }, L('clear'));
  controls.append(apply, clear);
  form.append(controls, table);
  const pager = el('nav', { class: 'pager', 'aria-label': L('pager') });
  root.append(status, form, pager);

  status.textContent = L('loading');
  try {
    cols = await columns(api);
  } catch (e) {
    status.textContent = `${L('error')} ${e instanceof Error ? e.message : ''}`;
    return;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.filters = {};
    for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[data-col]'))) {
      const v = input.value.trim();
      if (v) state.filters[/** @type {string} */ (input.dataset.col)] = v;
    }
    state.page = 1;
    load();
  });
  clear.addEventListener('click', () => {
    for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[data-col]'))) input.value = '';
    state.filters = {};
    state.page = 1;
    load();
  });

  header();
  await load();

  function header() {
    thead.textContent = '';
    const names = el('tr');
    const filters = el('tr', { class: 'filters' });
    cols.forEach((c, i) => {
      const th = el('th', { scope: 'col' });
      const sorted = state.sort && state.sort.col === c.name ? state.sort.dir : null;
      th.setAttribute('aria-sort', sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none');
      const b = el('button', { type: 'button', 'data-sort': c.name, title: sorted === 'asc' ? L('sortDesc') : L('sortAsc') }, c.name);
      if (sorted) b.append(el('span', { 'aria-hidden': 'true' }, sorted === 'asc' ? ' ▲' : ' ▼'));
      b.addEventListener('click', () => {
        const next = sorted === 'asc' ? 'desc' : 'asc';
        state.sort = { col: c.name, dir: next };
        state.page = 1;
        header();
        load().then(() => /** @type {HTMLElement | null} */ (thead.querySelector(`button[data-sort="${CSS.escape(c.name)}"]`))?.focus());
      });
      th.append(b);
      names.append(th);
      const fth = el('th', { scope: 'col' });
      const id = `filter-${i}`;
      const label = el('label', { for: id, class: 'visually-hidden' }, `${L('filter')} ${c.name}`);
      const input = /** @type {HTMLInputElement} */ (el('input', { id, type: 'search', 'data-col': c.name, autocomplete: 'off' }));
      input.value = state.filters[c.name] || '';
      fth.append(label, input);
      filters.append(fth);
    });
    thead.append(names, filters);
  }

  async function load() {
    const params = new URLSearchParams({ page: String(state.page), page_size: String(PAGE_SIZE) });
    if (state.sort) params.set(`${state.sort.col}__sort`, state.sort.dir);
    for (const [name, value] of Object.entries(state.filters)) {
      const col = cols.find((c) => c.name === name);
      const exact = col && /^(integer|decimal|number|float|int|boolean|bool|date|datetime)$/i.test(col.type);
      params.set(`${name}__${exact ? 'exact' : 'contains'}`, value);
    }
    status.textContent = L('loading');
    table.setAttribute('aria-busy', 'true');
    try {
      const r = await fetch(`${api}/rows?${params}`, { headers: { Accept: 'application/json' } });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(body.detail || body.title || `HTTP ${r.status}`);
      render(body);
    } catch (e) {
      status.textContent = `${L('error')} ${e instanceof Error ? e.message : ''}`;
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  /** @param {any} body */
  function render(body) {
    const rows = Array.isArray(body.data) ? body.data : [];
    const meta = body.meta || {};
    const total = Number(meta.total ?? rows.length);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    tbody.textContent = '';
    for (const row of rows) {
      const tr = el('tr');
      for (const c of cols) {
        const v = row[c.name];
        const numeric = typeof v === 'number';
        tr.append(el('td', numeric ? { class: 'num' } : {}, v === null || v === undefined ? '' : String(v)));
      }
      tbody.append(tr);
    }
    if (!rows.length) {
      const tr = el('tr');
      tr.append(el('td', { colspan: String(cols.length || 1) }, L('empty')));
      tbody.append(tr);
    }
    caption.textContent = `${L('caption')} — ${total} ${L('rows')}`;
    status.textContent = `${L('page')} ${state.page} / ${pages} — ${total} ${L('rows')}`;
    pager.textContent = '';
    const prev = el('button', { type: 'button' }, `← ${L('prev')}`);
    const next = el('button', { type: 'button' }, `${L('next')} →`);
    prev.toggleAttribute('disabled', state.page <= 1);
    next.toggleAttribute('disabled', state.page >= pages);
    prev.addEventListener('click', () => { state.page -= 1; load(); });
    next.addEventListener('click', () => { state.page += 1; load(); });
    pager.append(prev, el('span', {}, `${L('page')} ${state.page} / ${pages}`), next);
  }
}

/**
 * The table's columns, in order, with their types: from the profile, else from a first row.
 * @param {string} api
 * @returns {Promise<Col[]>}
 */
async function columns(api) {
  const r = await fetch(`${api}/profile`, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.detail || body.title || `HTTP ${r.status}`);
  const list = body.columns || body.profile?.columns || body.data?.columns;
  if (Array.isArray(list)) return list.map((/** @type {any} */ c) => ({ name: String(c.name), type: String(c.type || c.python_type || 'text') }));
  if (list && typeof list === 'object') {
    return Object.entries(list).map(([name, c]) => ({ name, type: String(/** @type {any} */ (c)?.type || /** @type {any} */ (c)?.python_type || 'text') }));
  }
  const first = await fetch(`${api}/rows?page_size=1`, { headers: { Accept: 'application/json' } }).then((x) => x.json());
  return Object.keys(first.data?.[0] || {}).filter((k) => k !== '__id').map((name) => ({ name, type: 'text' }));
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {string} [text]
 */
function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
