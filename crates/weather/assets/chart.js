// @ts-check
// Station chart: uPlot (global uPlot) over the series API. Zooming (drag) asks the server for the
// new range, so decades stay fluid: past the bucket count, each bucket is a min/max envelope
// around the mean. New observations arrive over Server-Sent Events.
const box = /** @type {HTMLElement | null} */ (document.getElementById('weather-chart'));
// @ts-ignore -- uPlot is loaded as a classic script before this module.
const U = window.uPlot;
if (box && U) {
  const station = box.dataset.station;
  const param = box.dataset.param || 'T';
  const unit = box.dataset.unit || '';
  const first = box.dataset.from || '';
  const last = box.dataset.to || '';
  /** @type {any} */
  let plot = null;

  /** @param {number} unix */
  const day = (unix) => new Date(unix * 1000).toISOString().slice(0, 10);

  /** @param {string} from @param {string} to */
  async function load(from, to) {
    const points = Math.max(100, Math.min(2000, Math.round(box?.clientWidth || 800)));
    const r = await fetch(`/api/v1/weather/stations/${station}/series?param=${encodeURIComponent(param)}&from=${from}&to=${to}&points=${points}`);
    if (!r.ok) return;
    const s = await r.json();
    const data = [s.t, s.min, s.mean, s.max];
    box?.setAttribute('data-points', String(s.t.length));
    box?.setAttribute('data-downsampled', String(s.downsampled));
    if (plot) {
      plot.setData(data);
      return;
    }
    const width = box?.clientWidth || 800;
    plot = new U({
      width,
      height: 320,
      series: [
        {},
        { label: `min (${unit})`, stroke: '#3b6bb3', width: 1 },
        { label: `${param} (${unit})`, stroke: '#1b1b1f', width: 1.5 },
        { label: `max (${unit})`, stroke: '#b3423b', width: 1 },
      ],
      bands: [{ series: [3, 1], fill: 'rgba(120,120,160,0.15)' }],
      axes: [{}, { label: unit }],
      hooks: {
        setSelect: [
          (/** @type {any} */ u) => {
            if (u.select.width < 5) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, width: 0 }, false);
            load(day(a), day(b));
          },
        ],
      },
      cursor: { drag: { x: true, y: false, setScale: false } },
    }, data, box);
  }

  load(first, last);
  document.getElementById('chart-reset')?.addEventListener('click', () => load(first, last));
  const live = new EventSource(`/api/v1/events?topics=weather.station.${station}`);
  live.addEventListener('observation', (e) => {
    const v = JSON.parse(/** @type {MessageEvent} */ (e).data).data.values[param];
    if (!v || !plot) return;
    const t = Date.parse(v.t) / 1000;
    const [ts, lo, mean, hi] = plot.data;
    if (t > ts[ts.length - 1]) {
      plot.setData([[...ts, t], [...lo, v.value], [...mean, v.value], [...hi, v.value]]);
      box?.setAttribute('data-last-update', v.t);
    }
  });
}
