// A list that keeps only the rows in view in the page, so that a folder of tens of thousands of
// entries scrolls as smoothly as one of ten: rows have one fixed height, a spacer gives the
// scroll bar its length, and the visible slice is re-rendered on scroll (at most once a frame).

export class VirtualList {
  constructor(container, rowHeight, renderRow) {
    this.container = container;
    this.rowHeight = rowHeight;
    this.renderRow = renderRow;
    this.items = [];
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.rows = document.createElement('div');
    this.rows.className = 'vlist-rows';
    this.spacer.append(this.rows);
    container.replaceChildren(this.spacer);
    this.first = -1;
    this.last = -1;
    this.pending = false;
    container.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule(true)).observe(container);
  }

  setItems(items) {
    this.items = items;
    this.spacer.style.height = (items.length * this.rowHeight) + 'px';
    this.render(true);
  }

  schedule(force) {
    if (force) {
      this.first = -1;
    }
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.render(false);
      });
    }
  }

  render(force) {
    const top = this.container.scrollTop;
    const height = this.container.clientHeight || 600;
    const overscan = 10;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - overscan);
    const last = Math.min(this.items.length, Math.ceil((top + height) / this.rowHeight) + overscan);
    if (!force && first === this.first && last === this.last) {
      return;
    }
    this.first = first;
    this.last = last;
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const row = this.renderRow(this.items[i], i);
      row.style.top = (i * this.rowHeight) + 'px';
      row.style.height = this.rowHeight + 'px';
      fragment.append(row);
    }
    this.rows.replaceChildren(fragment);
  }

  /** The number of row elements in the page now (a test reads it). */
  renderedCount() {
    return this.rows.childElementCount;
  }
}
