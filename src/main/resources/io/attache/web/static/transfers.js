// Live transfers: what this browser is sending, what the server is receiving (from every device
// of this user, WebDAV included) and what the write-back queue still has to push to the store,
// pushed by the server as Server-Sent Events.

import {size, speed, percent, date, el} from './format.js';

export class TransfersView {
  constructor(main, uploads) {
    this.uploads = uploads;
    this.receiving = el('div', {id: 'server-uploads'});
    this.queue = el('div', {id: 'write-back'});
    this.local = el('div', {id: 'browser-uploads'});
    this.state = el('span', {class: 'muted', id: 'live-state'}, 'connecting…');
    main.replaceChildren(el('div', {class: 'page'},
      el('h2', {}, 'Transfers ', this.state),
      el('h3', {}, 'Received by the server'), this.receiving,
      el('h3', {}, 'Waiting to be stored'), this.queue,
      el('h3', {}, 'Sent from this browser'), this.local));
    this.listener = () => this.renderLocal();
    uploads.listeners.add(this.listener);
    this.renderLocal();
    this.source = new EventSource('/api/transfers/events');
    this.source.addEventListener('transfers', (e) => this.render(JSON.parse(e.data)));
    this.source.onopen = () => { this.state.textContent = '· live'; };
    this.source.onerror = () => { this.state.textContent = '· reconnecting…'; };
  }

  navigate() {
  }

  close() {
    this.source.close();
    this.uploads.listeners.delete(this.listener);
  }

  render(snapshot) {
    const rows = snapshot.uploads.map((u) => el('tr', {'data-path': u.path, 'data-state': u.state},
      el('td', {}, u.path),
      el('td', {class: 'num'}, size(u.bytes) + (u.expectedBytes >= 0 ? ' of ' + size(u.expectedBytes) : '')),
      el('td', {class: 'num'}, u.expectedBytes > 0 ? percent(u.bytes, u.expectedBytes) : u.state === 'stored' ? '100%' : ''),
      el('td', {class: 'num'}, speed(u.bytesPerSecond)),
      el('td', {}, u.state + (u.error ? ': ' + u.error : '')),
      el('td', {}, date(u.endedAt || u.startedAt))));
    this.receiving.replaceChildren(rows.length === 0 ? el('p', {class: 'muted'}, 'Nothing is being received.')
      : el('table', {class: 'grid'}, el('thead', {}, el('tr', {}, el('th', {}, 'File'), el('th', {class: 'num'}, 'Received'),
        el('th', {class: 'num'}, ''), el('th', {class: 'num'}, 'Speed'), el('th', {}, 'State'), el('th', {}, 'When'))),
      el('tbody', {}, rows)));
    const q = snapshot.queue;
    if (!snapshot.writeBack) {
      this.queue.replaceChildren(el('p', {class: 'note', id: 'write-through-note'},
        'All uploads are stored: Attaché answers an upload only once its encrypted chunks are in the store, so nothing is waiting.'));
      return;
    }
    const items = q.items.map((i) => el('tr', {}, el('td', {}, i.path), el('td', {class: 'num'}, size(i.uploadedBytes) + ' of ' + size(i.bytes)),
      el('td', {class: 'num'}, percent(i.uploadedBytes, i.bytes)), el('td', {}, date(i.queuedAt))));
    this.queue.replaceChildren(
      el('dl', {class: 'kv'}, el('dt', {}, 'Files waiting'), el('dd', {}, q.pendingFiles),
        el('dt', {}, 'Bytes to upload'), el('dd', {}, size(q.pendingBytes)),
        el('dt', {}, 'Upload rate'), el('dd', {}, speed(q.bytesPerSecond)),
        el('dt', {}, 'Oldest waiting'), el('dd', {}, Math.round(q.oldestAgeMillis / 1000) + ' s'),
        el('dt', {}, 'Last error'), el('dd', {}, q.lastError || 'none')),
      items.length ? el('table', {class: 'grid'}, el('tbody', {}, items)) : el('p', {class: 'muted'}, 'Nothing is waiting.'));
  }

  renderLocal() {
    const items = this.uploads.items;
    this.local.replaceChildren(items.length === 0 ? el('p', {class: 'muted'}, 'No uploads from this page yet.')
      : el('table', {class: 'grid'}, el('tbody', {}, items.map((u) => el('tr', {},
        el('td', {}, u.path), el('td', {class: 'num'}, size(u.loaded) + ' of ' + size(u.total)),
        el('td', {class: 'num'}, u.folder ? '' : percent(u.loaded, u.total) || (u.state === 'done' ? '100%' : '')),
        el('td', {class: 'num'}, u.state === 'sending' ? speed(u.speed) : ''), el('td', {}, u.state))))));
  }
}
