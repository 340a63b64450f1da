// The file manager: a folder's entries in a virtual list with breadcrumbs and sorting, the
// actions on them, drag-and-drop uploads, and search results in the same list.

import {get, post, encodePath, join, parentOf, nameOf} from './api.js';
import {size, date, el, icon} from './format.js';
import {VirtualList} from './virtual-list.js';
import {ask, confirmAction, report, toast, refreshQuota} from './app.js';
import {preview} from './preview.js';
import {shareDialog} from './shares.js';

const ROW = 40;
const PAGE = 2000;

const collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});

export class FilesView {
  constructor(main, uploads) {
    this.uploads = uploads;
    this.path = '/';
    this.entries = [];
    this.sort = {key: 'name', ascending: true};
    this.search = null;
    this.loadId = 0;
    this.crumbs = el('div', {class: 'crumbs', id: 'crumbs'});
    this.status = el('div', {class: 'status-line', id: 'status-line'});
    this.fileInput = el('input', {type: 'file', multiple: true, hidden: true, id: 'upload-files',
      onchange: () => this.addFiles(this.fileInput.files, false)});
    this.folderInput = el('input', {type: 'file', multiple: true, webkitdirectory: true, hidden: true, id: 'upload-folder',
      onchange: () => this.addFiles(this.folderInput.files, true)});
    const toolbar = el('div', {class: 'toolbar'}, this.crumbs,
      el('button', {id: 'new-folder', onclick: () => this.newFolder()}, '+ New folder'),
      el('button', {id: 'upload-files-button', onclick: () => this.fileInput.click()}, 'Upload files'),
      el('button', {id: 'upload-folder-button', onclick: () => this.folderInput.click()}, 'Upload folder'),
      el('button', {id: 'zip-folder', onclick: () => this.downloadZip(this.path)}, 'Download as zip'),
      this.fileInput, this.folderInput);
    const head = el('div', {class: 'list-head'},
      this.sortButton('name', 'Name'), this.sortButton('size', 'Size', 'num'),
      this.sortButton('modified', 'Modified'), el('span', {class: 'num'}, ''));
    this.scroller = el('div', {class: 'vlist', id: 'file-list'});
    this.listing = el('div', {class: 'listing'}, head, this.scroller, this.status);
    main.replaceChildren(toolbar, this.listing);
    this.list = new VirtualList(this.scroller, ROW, (entry) => this.row(entry));
    window.attacheList = this.list;
    this.dragAndDrop();
  }

  uploaded() {
    if (!this.search) {
      this.load(this.path, true);
    }
    refreshQuota();
  }

  navigate(hash) {
    if (hash.startsWith('/search/')) {
      const q = hash.substring('/search/'.length);
      document.getElementById('search-input').value = q;
      this.runSearch(q);
      return;
    }
    const path = '/' + hash.substring('/files/'.length).replace(/\/+$/, '');
    this.search = null;
    this.load(path === '/' ? '/' : path.replace(/\/+/g, '/'), false);
  }

  sortButton(key, label, cls) {
    return el('button', {class: cls, 'data-sort': key, onclick: () => {
      this.sort = {key, ascending: this.sort.key === key ? !this.sort.ascending : true};
      this.render();
    }}, label);
  }

  async load(path, keepScroll) {
    const id = ++this.loadId;
    this.path = path;
    this.renderCrumbs();
    this.status.textContent = 'Loading…';
    const entries = [];
    let after = '';
    try {
      for (;;) {
        const page = await get('/api/list?path=' + encodeURIComponent(path) + '&limit=' + PAGE
          + (after ? '&after=' + encodeURIComponent(after) : ''));
        if (id !== this.loadId) {
          return;
        }
        entries.push(...page.entries);
        if (!page.more) {
          break;
        }
        after = page.entries[page.entries.length - 1].name;
        this.entries = entries;
        this.status.textContent = 'Loading… ' + entries.length.toLocaleString() + ' entries so far';
      }
    } catch (e) {
      report(e);
      return;
    }
    this.entries = entries;
    const top = this.scroller.scrollTop;
    this.render();
    if (!keepScroll) {
      this.scroller.scrollTop = 0;
    } else {
      this.scroller.scrollTop = top;
    }
  }

  async runSearch(q) {
    const id = ++this.loadId;
    this.search = q;
    this.crumbs.replaceChildren(el('span', {}, 'Search: '), el('strong', {}, q));
    this.status.textContent = 'Searching…';
    const hits = [];
    let cursor = 0;
    try {
      for (let step = 0; step < 1000; step++) {
        const page = await get('/api/search?q=' + encodeURIComponent(q) + '&cursor=' + cursor);
        if (id !== this.loadId) {
          return;
        }
        hits.push(...page.hits);
        cursor = page.cursor;
        this.entries = hits;
        this.render();
        if (page.done || hits.length >= 5000) {
          break;
        }
      }
    } catch (e) {
      report(e);
      return;
    }
    this.status.textContent = hits.length.toLocaleString() + ' found';
  }

  renderCrumbs() {
    const parts = this.path === '/' ? [] : this.path.substring(1).split('/');
    const links = [el('a', {href: '#/files/', 'data-path': '/'}, 'Files')];
    let acc = '';
    for (const part of parts) {
      acc += '/' + part;
      links.push(el('span', {class: 'sep'}, '›'), el('a', {href: '#/files' + encodePath(acc), 'data-path': acc}, part));
    }
    this.crumbs.replaceChildren(...links);
  }

  sorted() {
    const {key, ascending} = this.sort;
    const dir = ascending ? 1 : -1;
    return [...this.entries].sort((a, b) => {
      if (a.folder !== b.folder) {
        return a.folder ? -1 : 1;
      }
      const c = key === 'name' ? collator.compare(a.name, b.name)
        : key === 'size' ? a.size - b.size : a.modified - b.modified;
      return c * dir || collator.compare(a.name, b.name);
    });
  }

  render() {
    const items = this.sorted();
    this.list.setItems(items);
    const folders = items.filter((e) => e.folder).length;
    if (!this.search) {
      this.status.textContent = items.length === 0 ? 'This folder is empty. Drop files here to upload them.'
        : folders.toLocaleString() + ' folders, ' + (items.length - folders).toLocaleString() + ' files';
    }
    document.querySelectorAll('.list-head button').forEach((b) => {
      b.textContent = b.textContent.replace(/ [▲▼]$/, '') + (b.dataset.sort === this.sort.key ? (this.sort.ascending ? ' ▲' : ' ▼') : '');
    });
  }

  row(entry) {
    const open = (e) => {
      e.preventDefault();
      if (entry.folder) {
        location.hash = '#/files' + encodePath(entry.path);
      } else {
        preview(entry, '/api/file' + encodePath(entry.path));
      }
    };
    const action = (name, label, title, fn) => el('button', {'data-action': name, title, onclick: (e) => {
      e.stopPropagation();
      fn();
    }}, label);
    return el('div', {class: 'row', 'data-name': entry.name, 'data-path': entry.path, role: 'row'},
      el('div', {class: 'name'}, icon(entry.folder, entry.type),
        el('a', {href: entry.folder ? '#/files' + encodePath(entry.path) : '#', onclick: open, title: entry.path},
          this.search ? entry.path : entry.name)),
      el('div', {class: 'num'}, entry.folder ? '' : size(entry.size)),
      el('div', {}, date(entry.modified)),
      el('div', {class: 'actions'},
        entry.folder ? action('zip', 'Zip', 'Download as zip', () => this.downloadZip(entry.path))
          : action('download', 'Download', 'Download', () => this.download(entry)),
        action('rename', 'Rename', 'Rename', () => this.rename(entry)),
        action('move', 'Move', 'Move to another folder', () => this.move(entry)),
        action('share', 'Share', 'Make a share link', () => shareDialog(entry.path)),
        action('delete', 'Delete', 'Move to the trash', () => this.remove(entry))));
  }

  download(entry) {
    const a = el('a', {href: '/api/file' + encodePath(entry.path), download: entry.name});
    document.body.append(a);
    a.click();
    a.remove();
  }

  downloadZip(path) {
    const a = el('a', {href: '/api/zip' + encodePath(path)});
    document.body.append(a);
    a.click();
    a.remove();
  }

  async newFolder() {
    const values = await ask('New folder', [{name: 'name', label: 'Name', value: ''}], 'Create');
    if (!values || !values.name.trim()) {
      return;
    }
    try {
      await post('/api/mkdir', {path: join(this.path, values.name.trim())});
      this.load(this.path, true);
    } catch (e) {
      report(e);
    }
  }

  async rename(entry) {
    const values = await ask('Rename', [{name: 'name', label: 'New name', value: entry.name}], 'Rename');
    if (!values || !values.name.trim() || values.name.trim() === entry.name) {
      return;
    }
    await this.moveTo(entry, join(parentOf(entry.path), values.name.trim()));
  }

  async move(entry) {
    const values = await ask('Move ' + entry.name, [{name: 'folder', label: 'To folder', value: parentOf(entry.path)}], 'Move');
    if (!values || !values.folder.trim()) {
      return;
    }
    const folder = values.folder.trim().startsWith('/') ? values.folder.trim() : '/' + values.folder.trim();
    await this.moveTo(entry, join(folder.replace(/\/+$/, '') || '/', entry.name));
  }

  async moveTo(entry, to) {
    try {
      await post('/api/move', {from: entry.path, to});
      toast('Moved to ' + to);
      this.reload();
    } catch (e) {
      report(e);
    }
  }

  async remove(entry) {
    if (!await confirmAction('Delete ' + entry.name + '?', 'It goes to the trash, where you can restore it.', 'Delete')) {
      return;
    }
    try {
      await post('/api/delete', {paths: [entry.path]});
      toast(entry.name + ' moved to the trash');
      this.reload();
      refreshQuota();
    } catch (e) {
      report(e);
    }
  }

  reload() {
    if (this.search) {
      this.runSearch(this.search);
    } else {
      this.load(this.path, true);
    }
  }

  addFiles(fileList, withFolders) {
    const items = [];
    for (const file of fileList) {
      const relative = withFolders && file.webkitRelativePath ? file.webkitRelativePath : file.name;
      items.push({file, path: join(this.path, relative)});
    }
    this.uploads.add(items);
    this.fileInput.value = '';
    this.folderInput.value = '';
  }

  dragAndDrop() {
    const target = this.listing;
    target.addEventListener('dragover', (e) => {
      e.preventDefault();
      target.classList.add('drop');
    });
    target.addEventListener('dragleave', (e) => {
      if (e.target === target) {
        target.classList.remove('drop');
      }
    });
    target.addEventListener('drop', async (e) => {
      e.preventDefault();
      target.classList.remove('drop');
      const base = this.path;
      const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
      const items = [];
      if (entries.length === 0) {
        for (const file of e.dataTransfer.files) {
          items.push({file, path: join(base, file.name)});
        }
      }
      for (const entry of entries) {
        await walk(entry, base, items);
      }
      this.uploads.add(items);
    });
  }
}

/** Collects the files under a dropped entry (a folder is read page by page, as the API returns them). */
async function walk(entry, folder, items) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    items.push({file, path: join(folder, entry.name)});
    return;
  }
  const path = join(folder, entry.name);
  const reader = entry.createReader();
  let batch;
  do {
    batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    for (const child of batch) {
      await walk(child, path, items);
    }
  } while (batch.length > 0);
  if (items.every((i) => !i.path.startsWith(path + '/'))) {
    items.push({folder: true, path});
  }
}

export {nameOf};
