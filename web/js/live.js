// @ts-check
// Live island: any element with data-live-topics subscribes to Server-Sent Events and prepends
// each event to itself. Pages stay complete without it.
for (const el of document.querySelectorAll('[data-live-topics]')) {
  const topics = /** @type {HTMLElement} */ (el).dataset.liveTopics || '';
  const source = new EventSource('/api/v1/events?topics=' + encodeURIComponent(topics));
  source.addEventListener('message', (e) => append(el, e.data));
  for (const kind of (/** @type {HTMLElement} */ (el).dataset.liveKinds || '').split(',')) {
    if (kind) source.addEventListener(kind, (e) => append(el, /** @type {MessageEvent} */ (e).data));
  }
}

/** @param {Element} el @param {string} data */
function append(el, data) {
  const li = document.createElement('li');
  li.textContent = data;
  el.prepend(li);
}
