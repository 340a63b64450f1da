// Uploads from this page: each file is PUT as it is read from disk (no copy in memory), three at
// a time, with its own progress, speed and cancel button. Folders dropped or chosen keep their
// structure: the server creates missing folders (?parents=1).

import {csrfToken, encodePath, post} from './api.js';
import {size, speed, percent, el} from './format.js';

const PARALLEL = 3;

export class Uploads {
  constructor(onUploaded) {
    this.onUploaded = onUploaded;
    this.items = [];
    this.running = 0;
    this.listeners = new Set();
    this.panel = document.getElementById('upload-panel');
    this.list = document.getElementById('upload-list');
    this.summary = document.getElementById('upload-summary');
    document.getElementById('upload-clear').addEventListener('click', () => this.clearFinished());
  }

  /** items: [{file, path}] or [{folder: true, path}] */
  add(items) {
    for (const item of items) {
      const upload = {...item, loaded: 0, total: item.file ? item.file.size : 0, state: 'queued', started: 0,
        speed: 0, xhr: null, error: null};
      upload.row = this.renderRow(upload);
      this.items.push(upload);
      this.list.append(upload.row.node);
    }
    this.panel.hidden = this.items.length === 0;
    this.pump();
    this.changed();
  }

  pump() {
    while (this.running < PARALLEL) {
      const next = this.items.find((u) => u.state === 'queued');
      if (!next) {
        break;
      }
      this.running++;
      const done = () => {
        this.running--;
        this.pump();
        if (!this.items.some((u) => u.state === 'queued' || u.state === 'sending')) {
          this.onUploaded();
        }
      };
      if (next.folder) {
        this.makeFolder(next).finally(done);
      } else {
        this.send(next, done);
      }
    }
  }

  async makeFolder(upload) {
    upload.state = 'sending';
    try {
      await post('/api/mkdir', {path: upload.path});
      upload.state = 'done';
    } catch (e) {
      upload.state = e.status === 409 ? 'done' : 'failed';
      upload.error = e.message;
    }
    this.update(upload);
  }

  send(upload, done) {
    const xhr = new XMLHttpRequest();
    upload.xhr = xhr;
    upload.state = 'sending';
    upload.started = performance.now();
    xhr.open('PUT', '/api/file' + encodePath(upload.path) + '?parents=1');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken() || '');
    xhr.setRequestHeader('Content-Type', upload.file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      upload.loaded = e.loaded;
      upload.total = e.lengthComputable ? e.total : upload.total;
      const seconds = (performance.now() - upload.started) / 1000;
      upload.speed = seconds > 0 ? e.loaded / seconds : 0;
      this.update(upload);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        upload.state = 'done';
        upload.loaded = upload.total;
      } else {
        upload.state = 'failed';
        try {
          upload.error = JSON.parse(xhr.responseText).error;
        } catch (e) {
          upload.error = 'HTTP ' + xhr.status;
        }
      }
      this.update(upload);
      done();
    };
    xhr.onerror = () => {
      upload.state = 'failed';
      upload.error = 'the connection failed';
      this.update(upload);
      done();
    };
    xhr.onabort = () => {
      upload.state = 'cancelled';
      this.update(upload);
      done();
    };
    xhr.send(upload.file);
    this.update(upload);
  }

  cancel(upload) {
    if (upload.state === 'queued') {
      upload.state = 'cancelled';
      this.update(upload);
    } else if (upload.xhr && upload.state === 'sending') {
      upload.xhr.abort();
    }
  }

  clearFinished() {
    this.items = this.items.filter((u) => {
      const finished = u.state !== 'queued' && u.state !== 'sending';
      if (finished) {
        u.row.node.remove();
      }
      return !finished;
    });
    this.panel.hidden = this.items.length === 0;
    this.changed();
  }

  renderRow(upload) {
    const fill = el('div', {style: 'width: 0%'});
    const meta = el('div', {class: 'meta'});
    const pct = el('span', {class: 'percent'});
    const cancel = el('button', {class: 'link', 'data-action': 'cancel-upload', onclick: () => this.cancel(upload)}, 'Cancel');
    const node = el('div', {class: 'upload', 'data-path': upload.path},
      el('div', {class: 'path', title: upload.path}, upload.path), el('div', {}, pct, ' ', cancel),
      meta, el('div', {class: 'bar'}, fill));
    return {node, fill, meta, pct, cancel};
  }

  update(upload) {
    const {node, fill, meta, pct, cancel} = upload.row;
    const p = upload.folder ? (upload.state === 'done' ? '100%' : '') : upload.total === 0
      ? (upload.state === 'done' ? '100%' : '0%') : percent(upload.loaded, upload.total);
    node.className = 'upload ' + upload.state;
    node.dataset.state = upload.state;
    fill.style.width = p || '0%';
    pct.textContent = p;
    cancel.hidden = upload.state !== 'queued' && upload.state !== 'sending';
    const what = upload.folder ? 'folder' : size(upload.loaded) + ' of ' + size(upload.total);
    meta.textContent = {
      queued: 'waiting',
      sending: what + (upload.speed ? ' · ' + speed(upload.speed) : ''),
      done: upload.folder ? 'folder created' : 'stored · ' + size(upload.total),
      failed: 'failed: ' + (upload.error || ''),
      cancelled: 'cancelled',
    }[upload.state];
    this.changed();
  }

  changed() {
    const active = this.items.filter((u) => u.state === 'queued' || u.state === 'sending').length;
    const done = this.items.filter((u) => u.state === 'done').length;
    this.summary.textContent = active ? active + ' in progress, ' + done + ' done' : done + ' done';
    this.listeners.forEach((fn) => fn());
  }
}
