// Admin pages: users and quotas (the command line's rules), store health, recent errors.

import {get, post} from './api.js';
import {size, date, el} from './format.js';
import {ask, confirmAction, report, toast} from './app.js';

export class AdminView {
  constructor(main) {
    this.users = el('div', {id: 'admin-users'});
    this.status = el('div', {id: 'admin-status'});
    this.errors = el('div', {id: 'admin-errors'});
    const name = el('input', {placeholder: 'name', id: 'new-user-name'});
    const password = el('input', {type: 'password', placeholder: 'password (8 characters or more)', id: 'new-user-password',
      autocomplete: 'new-password'});
    const quota = el('input', {placeholder: 'quota, e.g. 50GiB (optional)', id: 'new-user-quota'});
    const admin = el('input', {type: 'checkbox', id: 'new-user-admin'});
    const add = el('form', {class: 'inline-form', id: 'add-user'}, name, password, quota,
      el('label', {}, admin, ' administrator'), el('button', {type: 'submit', class: 'primary'}, 'Add user'));
    add.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await post('/api/admin/users', {name: name.value, password: password.value, quota: quota.value || null,
          admin: admin.checked});
        toast('Added ' + name.value);
        name.value = password.value = quota.value = '';
        admin.checked = false;
        this.load();
      } catch (err) {
        report(err);
      }
    });
    main.replaceChildren(el('div', {class: 'page'}, el('h2', {}, 'Admin'),
      el('h3', {}, 'Users'), this.users, add,
      el('h3', {}, 'Store health'), this.status,
      el('h3', {}, 'Recent warnings and errors'), this.errors));
  }

  navigate() {
    this.load();
  }

  async load() {
    try {
      const [{users}, status, {events}] = await Promise.all([get('/api/admin/users'), get('/api/admin/status'),
        get('/api/admin/errors')]);
      this.users.replaceChildren(el('table', {class: 'grid'},
        el('thead', {}, el('tr', {}, el('th', {}, 'User'), el('th', {class: 'num'}, 'Used'), el('th', {class: 'num'}, 'Quota'),
          el('th', {}, 'Admin'), el('th', {}, ''))),
        el('tbody', {}, users.map((u) => el('tr', {'data-user': u.name},
          el('td', {}, u.name), el('td', {class: 'num'}, size(u.used)),
          el('td', {class: 'num'}, u.quota === null ? 'none' : size(u.quota)), el('td', {}, u.admin ? 'yes' : ''),
          el('td', {class: 'num'},
            el('button', {onclick: () => this.password(u)}, 'Password'), ' ',
            el('button', {onclick: () => this.quota(u)}, 'Quota'), ' ',
            el('button', {class: 'danger', onclick: () => this.remove(u)}, 'Remove')))))));
      const store = Object.entries(status.store).map(([k, v]) => [k, typeof v === 'object' && v !== null
        ? (Object.keys(v).length ? Object.entries(v).map(([a, b]) => a + ': ' + b).join('; ') : 'none') : String(v)]);
      store.push(['uploads being received', String(status.uploadsReceiving)]);
      store.push(['uploads waiting to be stored', status.writeBack ? status.queue.pendingFiles + ' files, '
        + size(status.queue.pendingBytes) : 'none (write-through: every acknowledged upload is stored)']);
      this.status.replaceChildren(el('dl', {class: 'kv'}, store.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
      this.errors.replaceChildren(events.length === 0 ? el('p', {class: 'muted'}, 'No warnings or errors since the server started.')
        : el('div', {}, events.map((e) => el('pre', {class: 'log'}, date(e.at) + ' ' + e.level + ' ' + e.logger + '\n' + e.message))));
    } catch (e) {
      report(e);
    }
  }

  async password(user) {
    const values = await ask('New password for ' + user.name, [{name: 'password', label: 'Password (8 characters or more)',
      type: 'password'}], 'Change');
    if (values) {
      try {
        await post('/api/admin/users/password', {name: user.name, password: values.password});
        toast('Changed the password of ' + user.name);
      } catch (e) {
        report(e);
      }
    }
  }

  async quota(user) {
    const values = await ask('Quota of ' + user.name, [{name: 'quota', label: 'Size (e.g. 50GiB) or none',
      value: user.quota === null ? 'none' : String(user.quota)}], 'Set');
    if (values) {
      try {
        await post('/api/admin/users/quota', {name: user.name, quota: values.quota});
        this.load();
      } catch (e) {
        report(e);
      }
    }
  }

  async remove(user) {
    if (!await confirmAction('Remove ' + user.name + '?', 'Their files are deleted too. This cannot be undone.', 'Remove')) {
      return;
    }
    try {
      await post('/api/admin/users/remove', {name: user.name});
      this.load();
    } catch (e) {
      report(e);
    }
  }
}
