// The app's shell: sign-in, the header (search, quota, user), the side navigation and the views.

import {get, post, setCsrf, ApiError} from './api.js';
import {size, el} from './format.js';
import {FilesView} from './files.js';
import {Uploads} from './uploads.js';
import {TransfersView} from './transfers.js';
import {TrashView} from './trash.js';
import {SharesView} from './shares.js';
import {AdminView} from './admin.js';

const main = document.getElementById('main');
let session = null;
let current = null;

export function toast(message, isError) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = 'toast' + (isError ? ' error' : '');
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, isError ? 6000 : 3000);
}

/** Shows an error from the API; a lost session goes back to the sign-in form. */
export function report(error) {
  if (error instanceof ApiError && error.status === 401) {
    showSignIn();
    return;
  }
  toast(error.message || String(error), true);
}

/**
 * A small form in the page's dialog. fields: [{name, label, value, type}]. Resolves to the values,
 * or null when cancelled.
 */
export function ask(title, fields, submitLabel, extra) {
  const dialog = document.getElementById('dialog');
  dialog.className = '';
  return new Promise((resolve) => {
    const inputs = fields.map((f) => el('input', {name: f.name, type: f.type || 'text', value: f.value || '',
      placeholder: f.placeholder || '', 'data-field': f.name, autocomplete: 'off'}));
    const form = el('form', {method: 'dialog'},
      el('h3', {}, title),
      fields.map((f, i) => el('label', {class: 'field'}, f.label, el('br'), inputs[i])),
      extra || null,
      el('div', {class: 'buttons'},
        el('button', {type: 'button', 'data-action': 'cancel', onclick: () => { dialog.close(); resolve(null); }}, 'Cancel'),
        el('button', {type: 'submit', class: 'primary', 'data-action': 'ok'}, submitLabel || 'OK')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      fields.forEach((f, i) => { values[f.name] = inputs[i].value; });
      dialog.close();
      resolve(values);
    });
    dialog.replaceChildren(form);
    dialog.showModal();
    if (inputs[0]) {
      inputs[0].focus();
      const dot = inputs[0].value.lastIndexOf('.');
      inputs[0].setSelectionRange(0, dot > 0 ? dot : inputs[0].value.length);
    }
  });
}

export function confirmAction(title, text, label) {
  const dialog = document.getElementById('dialog');
  dialog.className = '';
  return new Promise((resolve) => {
    const form = el('form', {method: 'dialog'}, el('h3', {}, title), el('p', {}, text),
      el('div', {class: 'buttons'},
        el('button', {type: 'button', 'data-action': 'cancel', onclick: () => { dialog.close(); resolve(false); }}, 'Cancel'),
        el('button', {type: 'submit', class: 'primary danger', 'data-action': 'ok'}, label || 'OK')));
    form.addEventListener('submit', (e) => { e.preventDefault(); dialog.close(); resolve(true); });
    dialog.replaceChildren(form);
    dialog.showModal();
  });
}

export async function refreshQuota() {
  try {
    const q = await get('/api/quota');
    const total = q.available === null ? null : q.used + q.available;
    document.getElementById('quota-text').textContent = size(q.used) + (total === null ? ' used' : ' of ' + size(total));
    document.getElementById('quota-fill').style.width = total ? Math.min(100, q.used * 100 / total) + '%' : '0';
  } catch (e) {
    report(e);
  }
}

function showSignIn() {
  session = null;
  document.getElementById('app').hidden = true;
  document.getElementById('signin').hidden = false;
  document.getElementById('signin-user').focus();
}

async function start() {
  try {
    session = await get('/api/session');
  } catch (e) {
    showSignIn();
    return;
  }
  setCsrf(session.csrf);
  document.getElementById('signin').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('who').textContent = session.user;
  document.getElementById('nav-admin').hidden = !session.admin;
  refreshQuota();
  route();
}

const uploads = new Uploads(() => current && current.uploaded && current.uploaded());
const views = {
  files: () => new FilesView(main, uploads),
  transfers: () => new TransfersView(main, uploads),
  shares: () => new SharesView(main),
  trash: () => new TrashView(main),
  admin: () => new AdminView(main),
};

function route() {
  if (!session) {
    return;
  }
  const hash = decodeURIComponent(location.hash.substring(1) || '/files/');
  const [, name] = hash.split('/');
  const view = name === 'search' ? 'files' : views[name] ? name : 'files';
  document.querySelectorAll('.side a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
  // The transfers view lists this page's uploads itself.
  document.body.classList.toggle('on-transfers', view === 'transfers');
  if (current && current.close) {
    current.close();
  }
  if (current && current.kind === view && current.navigate) {
    current.navigate(hash);
    return;
  }
  current = views[view]();
  current.kind = view;
  current.navigate(hash);
}

window.addEventListener('hashchange', route);

document.getElementById('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = document.getElementById('signin-error');
  error.textContent = '';
  try {
    await post('/api/login', {user: document.getElementById('signin-user').value,
      password: document.getElementById('signin-password').value});
    document.getElementById('signin-password').value = '';
    await start();
  } catch (err) {
    error.textContent = err.status === 401 ? 'Wrong user name or password.' : err.message;
  }
});

document.getElementById('signout').addEventListener('click', async () => {
  try {
    await post('/api/logout');
  } finally {
    showSignIn();
  }
});

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = document.getElementById('search-input').value.trim();
  if (q) {
    location.hash = '#/search/' + encodeURIComponent(q);
  }
});

start();
