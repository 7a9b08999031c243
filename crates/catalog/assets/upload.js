// @ts-check
// Upload island: sends the resource form to the API with XMLHttpRequest so that the page can show
// the upload's progress, then goes to the dataset page. Without JavaScript (or if this script
// fails to load) the same form posts to the page route and works the same, without progress.

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('upload-form'));
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') || '';

if (form && form.dataset.api && typeof XMLHttpRequest !== 'undefined' && typeof FormData !== 'undefined') {
  const box = /** @type {HTMLElement} */ (document.getElementById('upload-progress'));
  const bar = /** @type {HTMLProgressElement} */ (document.getElementById('upload-bar'));
  const pct = /** @type {HTMLElement} */ (document.getElementById('upload-percent'));
  const status = /** @type {HTMLElement} */ (document.getElementById('upload-status'));
  const button = /** @type {HTMLButtonElement | null} */ (form.querySelector('button[type="submit"]'));

  /** @param {number} p */
  const show = (p) => {
    const v = Math.max(0, Math.min(100, Math.round(p)));
    bar.value = v;
    bar.textContent = `${v} %`;
    pct.textContent = `${v} %`;
  };

  form.addEventListener('submit', (ev) => {
    if (!form.checkValidity()) return;
    ev.preventDefault();
    const data = new FormData(form);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', /** @type {string} */ (form.dataset.api));
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) show((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 201) {
        show(100);
        status.textContent = status.dataset.done || '';
        window.location.assign(/** @type {string} */ (form.dataset.done));
        return;
      }
      let detail = '';
      try {
        const problem = JSON.parse(xhr.responseText);
        detail = problem.detail || problem.title || '';
      } catch {
        detail = `HTTP ${xhr.status}`;
      }
      fail(detail);
    });
    xhr.addEventListener('error', () => fail(''));
    xhr.addEventListener('abort', () => fail(''));
    box.hidden = false;
    show(0);
    status.textContent = status.dataset.sending || '';
    form.setAttribute('aria-busy', 'true');
    if (button) button.disabled = true;
    xhr.send(data);
  });

  /** @param {string} detail */
  function fail(detail) {
    form?.removeAttribute('aria-busy');
    if (button) button.disabled = false;
    status.textContent = `${status.dataset.failed || ''} ${detail}`.trim();
    status.classList.add('error');
    status.setAttribute('role', 'alert');
  }
}
