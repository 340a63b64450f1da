// Share links: create one for a file or folder (optional password and expiry), list and revoke.

import {get, post} from './api.js';
import {size, date, el, icon} from './format.js';
import {report, toast} from './app.js';

export async function shareDialog(path) {
  const dialog = document.getElementById('dialog');
  dialog.className = '';
  const password = el('input', {type: 'password', id: 'share-password', autocomplete: 'new-password', placeholder: 'none'});
  const days = el('select', {id: 'share-expiry'}, el('option', {value: ''}, 'never'), el('option', {value: '1'}, 'in 1 day'),
    el('option', {value: '7'}, 'in 7 days'), el('option', {value: '30'}, 'in 30 days'));
  const result = el('div', {id: 'share-result'});
  const form = el('form', {},
    el('h3', {}, 'Share ' + path),
    el('p', {class: 'muted'}, 'Anyone with the link can view and download it, read-only.'),
    el('label', {}, 'Password (optional)', el('br'), password),
    el('label', {}, 'Expires', el('br'), days),
    result,
    el('div', {class: 'buttons'},
      el('button', {type: 'button', 'data-action': 'cancel', onclick: () => dialog.close()}, 'Close'),
      el('button', {type: 'submit', class: 'primary', id: 'share-create'}, 'Create link')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const link = await post('/api/shares', {path, password: password.value || null,
        expires: days.value ? Date.now() + Number(days.value) * 86400000 : null});
      const url = location.origin + link.url + '/';
      const input = el('input', {value: url, readonly: true, id: 'share-url'});
      result.replaceChildren(el('div', {class: 'share-url'}, input,
        el('button', {type: 'button', onclick: async () => {
          input.select();
          try {
            await navigator.clipboard.writeText(url);
            toast('Link copied');
          } catch (err) {
            document.execCommand('copy');
          }
        }}, 'Copy')), el('p', {class: 'muted'}, 'Keep the link: it is shown only now.'));
      document.getElementById('share-create').hidden = true;
    } catch (err) {
      report(err);
    }
  });
  dialog.replaceChildren(form);
  dialog.showModal();
}

export class SharesView {
  constructor(main) {
    this.body = el('div', {id: 'share-links'});
    main.replaceChildren(el('div', {class: 'page'}, el('h2', {}, 'Shared links'),
      el('p', {class: 'muted'}, 'Links you made. A link works until it expires or you revoke it; it follows its file when you rename or move it.'),
      this.body));
  }

  navigate() {
    this.load();
  }

  async load() {
    try {
      const {links} = await get('/api/shares');
      if (links.length === 0) {
        this.body.replaceChildren(el('p', {class: 'muted'}, 'No shared links. Use Share on a file or folder to make one.'));
        return;
      }
      this.body.replaceChildren(el('table', {class: 'grid'},
        el('thead', {}, el('tr', {}, el('th', {}, 'Shared'), el('th', {}, 'Password'), el('th', {}, 'Expires'),
          el('th', {}, 'Created'), el('th', {class: 'num'}, 'Downloaded'), el('th', {}, ''))),
        el('tbody', {}, links.map((l) => el('tr', {'data-id': l.id},
          el('td', {}, icon(l.folder), ' ', l.trashed ? '(in the trash)' : l.path),
          el('td', {}, l.password ? 'yes' : 'no'),
          el('td', {}, l.expires ? date(l.expires) : 'never'),
          el('td', {}, date(l.created)),
          el('td', {class: 'num'}, size(l.bytesServed)),
          el('td', {class: 'num'}, el('button', {class: 'danger', 'data-action': 'revoke', onclick: () => this.revoke(l)}, 'Revoke')))))));
    } catch (e) {
      report(e);
    }
  }

  async revoke(link) {
    try {
      await post('/api/shares/revoke', {id: link.id});
      toast('Link revoked');
      this.load();
    } catch (e) {
      report(e);
    }
  }
}
