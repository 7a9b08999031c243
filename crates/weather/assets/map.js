// @ts-check
// Live station map: latest values coloured by parameter, grouped on a pixel grid when dense,
// updated by Server-Sent Events. Needs Leaflet (global L); the page lists the same values in a
// table without JavaScript.
/* global L */
const el = /** @type {HTMLElement | null} */ (document.getElementById('weather-map'));
// @ts-ignore -- Leaflet is loaded as a classic script before this module.
const Lf = window.L;
if (el && Lf) {
  const param = el.dataset.param || 'T';
  const unit = el.dataset.unit || '';
  const tiles = el.dataset.tiles || '';
  const network = el.dataset.network || '';
  const map = Lf.map(el, { preferCanvas: true, zoomSnap: 0.5 }).setView([46.6, 2.4], 6);
  if (tiles) Lf.tileLayer(tiles, { maxZoom: 18, attribution: el.dataset.attribution || '' }).addTo(map);
  /** @type {Map<number, {station_id: number, name: string, lat: number, lon: number, value: number, time: string}>} */
  const stations = new Map();
  const layer = Lf.layerGroup().addTo(map);
  const cell = 56;

  /**
   * Colour of a value: a blue-to-red ramp over the parameter's usual range, with black or white
   * text, whichever contrasts more with it (at least 4.58:1 for any background, WCAG 1.4.3).
   * @param {number} v
   * @returns {{bg: string, fg: string}}
   */
  function colour(v) {
    const ranges = /** @type {Record<string, [number, number]>} */ ({ T: [-10, 35], TN: [-10, 25], TX: [-5, 38], U: [20, 100], RR1: [0, 10], FF: [0, 15], FXI: [0, 30], PMER: [980, 1040] });
    const [lo, hi] = ranges[param] || [0, 100];
    const x = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
    const h = Math.round(240 - 240 * x);
    const [s, l] = [0.75, 0.42];
    // HSL to sRGB, then relative luminance.
    const a = s * Math.min(l, 1 - l);
    const channel = (/** @type {number} */ n) => {
      const k = (n + h / 30) % 12;
      const c = Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const lum = 0.2126 * channel(0) + 0.7152 * channel(8) + 0.0722 * channel(4);
    const fg = 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#fff' : '#000';
    return { bg: `hsl(${h}, 75%, 42%)`, fg };
  }

  /** @param {string} text @param {{bg: string, fg: string}} c */
  function label(text, c) {
    const span = document.createElement('span');
    span.className = 'wx-label';
    span.style.background = c.bg;
    span.style.color = c.fg;
    span.textContent = text;
    return Lf.divIcon({ className: 'wx-icon', html: span, iconSize: null });
  }

  function render() {
    layer.clearLayers();
    /** @type {Map<string, Array<any>>} */
    const grid = new Map();
    for (const s of stations.values()) {
      const pt = map.project([s.lat, s.lon]).divideBy(cell).floor();
      const key = `${pt.x}:${pt.y}`;
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key)?.push(s);
    }
    for (const group of grid.values()) {
      if (group.length === 1) {
        const s = group[0];
        const m = Lf.marker([s.lat, s.lon], { icon: label(`${s.value.toFixed(1)}`, colour(s.value)), keyboard: true, title: s.name });
        const tip = document.createElement('div');
        const a = document.createElement('a');
        a.href = `/weather/stations/${s.station_id}`;
        a.textContent = s.name;
        tip.append(a, document.createElement('br'), `${s.value} ${unit} — ${s.time.replace('T', ' ').slice(0, 16)} UTC`);
        m.bindPopup(tip);
        m.addTo(layer);
      } else {
        const mean = group.reduce((a, s) => a + s.value, 0) / group.length;
        const lat = group.reduce((a, s) => a + s.lat, 0) / group.length;
        const lon = group.reduce((a, s) => a + s.lon, 0) / group.length;
        const m = Lf.marker([lat, lon], { icon: label(`${mean.toFixed(1)} (${group.length})`, colour(mean)), title: `${group.length}` });
        m.on('click', () => map.setView([lat, lon], map.getZoom() + 2));
        m.addTo(layer);
      }
    }
    el?.setAttribute('data-rendered', String(stations.size));
  }

  fetch(el.dataset.latest || '').then((r) => r.json()).then((/** @type {any[]} */ rows) => {
    for (const r of rows) stations.set(r.station_id, r);
    if (rows.length) map.fitBounds(rows.map((r) => [r.lat, r.lon]), { padding: [20, 20], maxZoom: 9 });
    render();
  });
  map.on('zoomend', render);

  const live = new EventSource('/api/v1/events?topics=weather.station');
  live.addEventListener('observation', (e) => {
    const ev = JSON.parse(/** @type {MessageEvent} */ (e).data);
    const v = ev.data.values[param];
    const s = stations.get(ev.data.station_id);
    if (v && s && v.t >= s.time) {
      s.value = v.value;
      s.time = v.t;
      render();
      el.setAttribute('data-last-update', v.t);
    } else if (v && !s) {
      // A station not drawn yet (new, or silent for more than a day) joins the map if it is of
      // the network shown.
      fetch(`/api/v1/weather/stations/${ev.data.station_id}`)
        .then((r) => (r.ok ? r.json() : null))
        .then((st) => {
          if (!st || (network && st.network !== network) || stations.has(st.id)) return;
          stations.set(st.id, { station_id: st.id, name: st.name, lat: st.lat, lon: st.lon, value: v.value, time: v.t });
          render();
          el.setAttribute('data-last-update', v.t);
        });
    }
  });
}
