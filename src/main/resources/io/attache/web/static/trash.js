// The user's trash: restore, delete for good, empty.

import {get, post} from './api.js';
import {size, date, el, icon} from './format.js';
import {confirmAction, report, toast, refreshQuota} from './app.js';

export class TrashView {
  constructor(main) {
    this.body = el('div', {id: 'trash-items'});
    main.replaceChildren(el('div', {class: 'page'},
      el('div', {class: 'inline-form'}, el('h2', {style: 'flex: 1'}, 'Trash'),
        el('button', {class: 'danger', id: 'empty-trash', onclick: () => this.empty()}, 'Empty trash')),
      this.body));
  }

  navigate() {
    this.load();
  }

  async load() {
    try {
      const trash = await get('/api/trash');
      if (!trash.enabled) {
        this.body.replaceChildren(el('p', {class: 'note'}, 'The trash is turned off on this server: deleted files are gone at once.'));
        return;
      }
      if (trash.items.length === 0) {
        this.body.replaceChildren(el('p', {class: 'muted'}, 'The trash is empty.'));
        return;
      }
      this.body.replaceChildren(el('table', {class: 'grid'},
        el('thead', {}, el('tr', {}, el('th', {}, 'Deleted from'), el('th', {class: 'num'}, 'Size'), el('th', {}, 'Deleted'), el('th', {}, ''))),
        el('tbody', {}, trash.items.reverse().map((item) => el('tr', {'data-path': item.path},
          el('td', {}, icon(item.folder), ' ', item.path),
          el('td', {class: 'num'}, size(item.size)),
          el('td', {}, date(item.deleted)),
          el('td', {class: 'num'},
            el('button', {'data-action': 'restore', onclick: () => this.restore(item)}, 'Restore'), ' ',
            el('button', {'data-action': 'delete-forever', class: 'danger', onclick: () => this.destroy(item)}, 'Delete for good')))))));
    } catch (e) {
      report(e);
    }
  }

  async restore(item) {
    try {
      const restored = await post('/api/trash/restore', {id: item.id});
      toast('Restored to ' + restored.path);
      this.load();
    } catch (e) {
      report(e);
    }
  }

  async destroy(item) {
    if (!await confirmAction('Delete for good?', item.path + ' cannot be restored afterwards.', 'Delete for good')) {
      return;
    }
    try {
      await post('/api/trash/delete', {id: item.id});
      this.load();
      refreshQuota();
    } catch (e) {
      report(e);
    }
  }

  async empty() {
    if (!await confirmAction('Empty the trash?', 'Everything in it is deleted for good.', 'Empty trash')) {
      return;
    }
    try {
      const result = await post('/api/trash/empty');
      toast(result.removed + ' items deleted for good');
      this.load();
      refreshQuota();
    } catch (e) {
      report(e);
    }
  }
}
