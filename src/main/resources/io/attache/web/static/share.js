// The page a share link opens, without signing in: a password form when the link has one, then
// the shared file (with a preview) or the shared folder (browsable, downloadable as a zip).

import {encodePath, join} from './api.js';
import {size, date, el, icon} from './format.js';
import {VirtualList} from './virtual-list.js';
import {previewContent, kindOf} from './preview.js';

const main = document.getElementById('share');
const base = location.pathname.replace(/\/?$/, '/');

async function api(path, options) {
  const response = await fetch(base + path, {credentials: 'same-origin', ...(options || {})});
  const data = (response.headers.get('Content-Type') || '').startsWith('application/json') ? await response.json() : null;
  if (!response.ok) {
    const error = new Error((data && data.error) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

function fileUrl(path) {
  return base + 'file?path=' + encodeURIComponent(path);
}

async function start() {
  let info;
  try {
    info = await api('info');
  } catch (e) {
    main.replaceChildren(el('div', {class: 'card'}, el('h1', {}, 'Link unavailable'), el('p', {}, e.message)));
    return;
  }
  if (info.needsPassword) {
    askPassword(info);
  } else if (info.folder) {
    showFolder(info, '/');
  } else {
    showFile(info);
  }
}

function askPassword(info) {
  const input = el('input', {type: 'password', id: 'share-unlock-password', autocomplete: 'off'});
  const error = el('p', {class: 'error'});
  const form = el('form', {class: 'card', id: 'share-unlock'}, el('h1', {}, info.name),
    el('label', {}, 'This link needs a password', input), el('button', {type: 'submit', class: 'primary'}, 'Open'), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('unlock', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({password: input.value})});
      start();
    } catch (err) {
      error.textContent = err.status === 403 ? 'Wrong password.' : err.message;
    }
  });
  main.replaceChildren(form);
  input.focus();
}

async function showFile(info) {
  const entry = {...info.entry, name: info.name};
  const box = el('div', {class: 'share-file'},
    el('h2', {}, info.name), el('p', {class: 'muted'}, size(entry.size) + ' · ' + date(entry.modified)),
    el('div', {}, el('a', {href: fileUrl('/'), download: info.name, id: 'share-download'}, el('button', {class: 'primary'}, 'Download'))));
  main.replaceChildren(box);
  if (kindOf(entry.type, info.name)) {
    box.append(await previewContent(entry, fileUrl('/')));
  }
}

async function showFolder(info, path) {
  const crumbs = el('div', {class: 'crumbs'});
  const parts = path === '/' ? [] : path.substring(1).split('/');
  const go = (p) => el('a', {href: '#', onclick: (e) => { e.preventDefault(); showFolder(info, p); }});
  const root = go('/');
  root.textContent = info.name;
  crumbs.append(root);
  let acc = '';
  for (const part of parts) {
    acc += '/' + part;
    const link = go(acc);
    link.textContent = part;
    crumbs.append(el('span', {class: 'sep'}, '›'), link);
  }
  const scroller = el('div', {class: 'vlist', id: 'share-list'});
  const viewer = el('div', {id: 'share-viewer'});
  main.replaceChildren(el('div', {class: 'toolbar'}, crumbs,
    el('a', {href: base + 'zip?path=' + encodeURIComponent(path), id: 'share-zip'}, el('button', {}, 'Download as zip'))),
  el('div', {class: 'listing'}, scroller), viewer);
  const list = new VirtualList(scroller, 40, (entry) => el('div', {class: 'row', 'data-name': entry.name},
    el('div', {class: 'name'}, icon(entry.folder, entry.type),
      el('a', {href: '#', onclick: async (e) => {
        e.preventDefault();
        if (entry.folder) {
          showFolder(info, entry.path);
        } else {
          viewer.replaceChildren(el('div', {class: 'share-file'}, el('h3', {}, entry.name),
            el('a', {href: fileUrl(entry.path), download: entry.name}, el('button', {class: 'primary'}, 'Download'))));
          if (kindOf(entry.type, entry.name)) {
            viewer.firstChild.append(await previewContent(entry, fileUrl(entry.path)));
          }
        }
      }}, entry.name)),
    el('div', {class: 'num'}, entry.folder ? '' : size(entry.size)),
    el('div', {}, date(entry.modified)),
    el('div', {class: 'num'}, entry.folder ? '' : el('a', {href: fileUrl(entry.path), download: entry.name}, 'Download'))));
  const entries = [];
  let after = '';
  for (;;) {
    const page = await api('list?path=' + encodeURIComponent(path) + '&limit=2000' + (after ? '&after=' + encodeURIComponent(after) : ''));
    entries.push(...page.entries);
    if (!page.more) {
      break;
    }
    after = page.entries[page.entries.length - 1].name;
  }
  entries.sort((a, b) => (a.folder === b.folder ? a.name.localeCompare(b.name) : a.folder ? -1 : 1));
  list.setItems(entries);
}

export {encodePath, join};

start();
