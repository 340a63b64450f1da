// Sizes, dates and speeds as people read them.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function size(bytes) {
  if (bytes === null || bytes === undefined) {
    return '';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toFixed(digits) + ' ' + UNITS[unit];
}

export function speed(bytesPerSecond) {
  return size(Math.round(bytesPerSecond)) + '/s';
}

const sameDay = new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit'});
const sameYear = new Intl.DateTimeFormat(undefined, {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
const full = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: 'numeric'});

export function date(millis) {
  if (!millis) {
    return '';
  }
  const d = new Date(millis);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) {
    return 'Today ' + sameDay.format(d);
  }
  if (d.getFullYear() === now.getFullYear()) {
    return sameYear.format(d);
  }
  return full.format(d);
}

export function percent(done, total) {
  if (!total || total <= 0) {
    return '';
  }
  return Math.min(100, Math.floor(done * 100 / total)) + '%';
}

/** A small icon drawn by the style sheet: a folder, or a file coloured by its kind. */
export function icon(folder, type) {
  const t = (type || '').toLowerCase();
  const kind = folder ? 'folder' : t.startsWith('image/') ? 'image' : t.startsWith('video/') ? 'video'
    : t.startsWith('audio/') ? 'audio' : t === 'application/pdf' ? 'pdf' : t.startsWith('text/') ? 'text' : 'file';
  return el('span', {class: 'ficon ' + kind, 'aria-hidden': 'true'});
}

/** An element with attributes and children; text children become text nodes, never HTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.substring(2), value);
    } else if (key === 'class') {
      node.className = value;
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}
