// Previews in the page: images, audio and video (the browser seeks with range requests), text
// (read as text, never rendered as a page) and PDF (the browser's own viewer). Anything else, and
// every active type such as HTML or SVG, is shown as text or offered as a download.

import {el, size} from './format.js';

const TEXT_LIMIT = 1 << 20;

export function kindOf(type, name) {
  const t = (type || '').toLowerCase();
  if (t.startsWith('image/') && !t.includes('svg')) {
    return 'image';
  }
  if (t.startsWith('video/')) {
    return 'video';
  }
  if (t.startsWith('audio/')) {
    return 'audio';
  }
  if (t === 'application/pdf') {
    return 'pdf';
  }
  if (t.startsWith('text/') || t.includes('json') || t.includes('xml') || t.includes('javascript')
      || /\.(md|txt|log|csv|ya?ml|toml|ini|conf|sh|py|java|js|ts|c|h|go|rs|html?|css|svg)$/i.test(name || '')) {
    return 'text';
  }
  return null;
}

/** Builds the preview of a file served at {@code url} (inline=1 gives the inline variant). */
export async function previewContent(entry, url) {
  const kind = kindOf(entry.type, entry.name);
  const inline = url + (url.includes('?') ? '&' : '?') + 'inline=1';
  switch (kind) {
    case 'image':
      return el('img', {src: inline, alt: entry.name});
    case 'video':
      return el('video', {src: inline, controls: true, preload: 'metadata', id: 'preview-video'});
    case 'audio':
      return el('audio', {src: inline, controls: true, preload: 'metadata'});
    case 'pdf':
      return el('iframe', {src: inline, title: entry.name});
    case 'text': {
      const response = await fetch(inline, {headers: {Range: 'bytes=0-' + (TEXT_LIMIT - 1)}, credentials: 'same-origin'});
      const text = await response.text();
      return el('pre', {id: 'preview-text'}, text + (entry.size > TEXT_LIMIT ? '\n… (first ' + size(TEXT_LIMIT) + ' shown)' : ''));
    }
    default:
      return el('p', {style: 'color: #fff'}, 'No preview for this kind of file.');
  }
}

export async function preview(entry, url) {
  const dialog = document.getElementById('dialog');
  dialog.className = 'preview';
  const content = el('div', {class: 'preview-content'}, el('p', {style: 'color: #fff'}, 'Loading…'));
  dialog.replaceChildren(el('div', {class: 'preview-body'},
    el('div', {class: 'preview-head'}, el('strong', {}, entry.name), el('span', {class: 'muted'}, size(entry.size)),
      el('a', {href: url, download: entry.name}, el('button', {type: 'button'}, 'Download')),
      el('button', {type: 'button', 'data-action': 'close-preview', onclick: () => dialog.close()}, 'Close')),
    content));
  dialog.addEventListener('close', () => {
    dialog.querySelectorAll('video, audio').forEach((m) => { m.pause(); m.removeAttribute('src'); m.load(); });
  }, {once: true});
  dialog.showModal();
  try {
    content.replaceChildren(await previewContent(entry, url));
  } catch (e) {
    content.replaceChildren(el('p', {style: 'color: #fff'}, 'Cannot show it: ' + e.message));
  }
}
