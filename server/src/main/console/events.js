// Events: a query builder over GET /api/v1/events/query, cursor paging, each event expandable to
// its full JSON, copy as curl, and an NDJSON export of the whole result (following the cursors).

import { api, curl } from './api.js';
import { setParams } from './app.js';
import * as format from './format.js';
import { h, fill, panel, field, time, jsonView, copy, download } from './ui.js';

const PAGE_SIZES = [25, 50, 100, 500];
/** The export stops here: a browser holds the file in memory. The CLI exports any size. */
const EXPORT_LIMIT = 100000;
const EXPORT_PAGE = 1000;

export function mount(root, params) {
  const inputs = {
    event_type: field('Event type', { name: 'event_type', id: 'q-event-type', placeholder: 'order.placed', autocomplete: 'off' }),
    entity_id: field('Entity', { name: 'entity_id', id: 'q-entity-id', placeholder: 'user-123', autocomplete: 'off' }),
    tenant_id: field('Tenant', { name: 'tenant_id', id: 'q-tenant-id', placeholder: 'default', autocomplete: 'off' }),
    since: field('Since', { name: 'since', id: 'q-since', type: 'datetime-local', step: '1' }),
    until: field('Until', { name: 'until', id: 'q-until', type: 'datetime-local', step: '1' }),
    from_position: field('From position', { name: 'from_position', id: 'q-from-position', type: 'number', min: '1', inputmode: 'numeric' }),
  };
  const limit = h('select', { id: 'q-limit', name: 'limit' }, PAGE_SIZES.map((n) => h('option', { value: n }, n)));
  const run = h('button', { type: 'submit', class: 'primary', id: 'q-run' }, 'Run query');
  const form = h('form', { class: 'query-form', id: 'query-form' },
    Object.values(inputs),
    h('div', { class: 'field' }, h('label', { for: 'q-limit' }, 'Page size'), limit),
    h('div', { class: 'field field-button' }, run));

  for (const [name, wrapper] of Object.entries(inputs)) {
    const value = params[name] ?? '';
    wrapper.input.value = name === 'since' || name === 'until' ? format.toLocalInput(value) : value;
  }
  limit.value = PAGE_SIZES.includes(Number(params.limit)) ? params.limit : '50';

  const copyQuery = h('button', { type: 'button', id: 'copy-query-curl' }, 'Copy as curl');
  const exportButton = h('button', { type: 'button', id: 'export-ndjson' }, 'Export NDJSON');
  const results = panel('Results', { id: 'results', actions: [copyQuery, exportButton] });
  const prev = h('button', { type: 'button', id: 'page-prev', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', id: 'page-next', disabled: true }, 'Next →');
  const pageInfo = h('span', { id: 'page-info', 'aria-live': 'polite' });
  const table = h('table', { class: 'data', id: 'events-table' },
    h('caption', { class: 'visually-hidden' }, 'Events matching the query'),
    h('thead', {}, h('tr', {}, ['Position', 'Time', 'Type', 'Entity', 'Version', 'Tenant'].map((c) => h('th', { scope: 'col' }, c)))));
  const tbody = h('tbody');
  table.append(tbody);
  fill(results.body, h('div', { class: 'table-scroll' }, table), h('div', { class: 'pager' }, prev, pageInfo, next));
  const queryPanel = panel('Query', { id: 'query' });
  queryPanel.body.append(form);
  root.append(queryPanel.element, results.element);

  // Cursors of the pages visited: cursors[i] opens page i (null for the first page).
  let cursors = [null];
  let page = 0;
  let nextCursor = null;
  let controller = null;

  function filters() {
    return {
      event_type: inputs.event_type.input.value.trim(),
      entity_id: inputs.entity_id.input.value.trim(),
      tenant_id: inputs.tenant_id.input.value.trim(),
      since: format.fromLocalInput(inputs.since.input.value),
      until: format.fromLocalInput(inputs.until.input.value),
      from_position: inputs.from_position.input.value.trim(),
    };
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const query = { ...filters(), limit: limit.value, cursor: cursors[page] ?? '' };
    results.loading();
    prev.disabled = true;
    next.disabled = true;
    try {
      const answer = await api('/api/v1/events/query', { query, signal: controller.signal });
      nextCursor = answer.next_cursor;
      render(answer.events);
      results.ready();
      if (answer.count === 0 && page === 0) results.note('No event matches this query.');
      const first = page * Number(limit.value) + 1;
      pageInfo.textContent = answer.count === 0 ? `page ${page + 1}`
        : `page ${page + 1}: events ${format.count(first)}–${format.count(first + answer.count - 1)}`;
    } catch (failure) {
      if (failure.name !== 'AbortError') {
        fill(tbody);
        results.error(failure);
      }
    }
    prev.disabled = page === 0;
    next.disabled = nextCursor === null;
  }

  function render(events) {
    fill(tbody, events.map((event) => {
      const detail = h('tr', { class: 'detail', hidden: true });
      const toggle = h('button', { type: 'button', class: 'link expand', 'aria-expanded': 'false', title: 'Show the event as JSON' }, '▸ ' + event.position);
      const row = h('tr', { class: 'event-row', dataset: { position: event.position } },
        h('td', {}, toggle), h('td', {}, time(event.timestamp)), h('td', {}, event.event_type),
        h('td', {}, h('a', { href: '#/entity?id=' + encodeURIComponent(event.entity_id) }, event.entity_id)),
        h('td', { class: 'num' }, event.version), h('td', {}, event.tenant_id));
      toggle.addEventListener('click', () => {
        const open = detail.hidden;
        detail.hidden = !open;
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = (open ? '▾ ' : '▸ ') + event.position;
        if (open && detail.childElementCount === 0) {
          const copyCurl = h('button', { type: 'button', class: 'copy-curl' }, 'Copy as curl');
          copyCurl.addEventListener('click', () => copy(curl('/api/v1/events/' + event.id), copyCurl));
          detail.append(h('td', { colspan: 6 }, h('div', { class: 'detail-actions' }, copyCurl), jsonView(event)));
        }
      });
      return [row, detail];
    }));
  }

  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    cursors = [null];
    page = 0;
    const query = filters();
    setParams({ ...query, limit: limit.value });
    load();
  });
  next.addEventListener('click', () => {
    cursors[page + 1] = nextCursor;
    page++;
    load();
  });
  prev.addEventListener('click', () => {
    page--;
    load();
  });
  copyQuery.addEventListener('click', () => copy(curl('/api/v1/events/query', { query: { ...filters(), limit: limit.value } }), copyQuery));
  exportButton.addEventListener('click', () => exportAll(filters(), exportButton, results));

  load();
  return () => controller?.abort();
}

/** Downloads every matching event (up to EXPORT_LIMIT) as NDJSON, one event object per line. */
async function exportAll(filters, button, results) {
  button.disabled = true;
  const lines = [];
  let cursor = '';
  try {
    do {
      const answer = await api('/api/v1/events/query', { query: { ...filters, limit: EXPORT_PAGE, cursor } });
      for (const event of answer.events) lines.push(JSON.stringify(event) + '\n');
      cursor = answer.next_cursor ?? '';
      button.textContent = `Exporting… ${format.count(lines.length)}`;
    } while (cursor && lines.length < EXPORT_LIMIT);
    download('peregrine-events.ndjson', lines, 'application/x-ndjson');
    results.note(cursor
      ? `Exported the first ${format.count(lines.length)} events; use "peregrine query" for more.`
      : `Exported ${format.count(lines.length)} events.`);
  } catch (failure) {
    results.error(failure);
  } finally {
    button.disabled = false;
    button.textContent = 'Export NDJSON';
  }
}
