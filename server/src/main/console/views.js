// Views: the list, one view's definition and rows (sortable, and as of any log position), creating a
// view from a JSON editor (the server's validation error is shown under the editor, naming the part
// of the definition it is about), and deleting one.

import { api } from './api.js';
import * as format from './format.js';
import { h, fill, panel, jsonView, confirmDialog } from './ui.js';

const EXAMPLE = {
  name: 'orders_by_customer',
  event_types: ['order.placed'],
  where: { field: 'total', op: '>', value: 0 },
  group_by: [{ field: 'customer', as: 'customer' }],
  aggregates: [{ fn: 'count', as: 'orders' }, { fn: 'sum', field: 'total', as: 'revenue' }],
};

export function mount(root, params) {
  const listPanel = panel('Views', { id: 'views-list' });
  const detail = h('div', { id: 'view-detail' });
  const createPanel = createForm(() => { refresh(); });
  root.append(h('div', { class: 'grid-2' }, listPanel.element, createPanel.element), detail);

  async function refresh() {
    listPanel.loading();
    try {
      const answer = await api('/api/v1/views');
      listPanel.ready();
      if (answer.count === 0) listPanel.note('No view yet: create one with the editor.');
      fill(listPanel.body, h('table', { class: 'data', id: 'views-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Rows', 'Position'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, answer.views.map((view) => h('tr', { dataset: { name: view.name } },
          h('td', {}, h('a', { href: '#/views?name=' + encodeURIComponent(view.name) }, view.name)),
          h('td', { class: 'num' }, format.count(view.row_count)), h('td', { class: 'num' }, format.count(view.position)))))));
    } catch (failure) {
      listPanel.error(failure);
    }
  }

  refresh();
  if (params.name) showView(detail, params.name);
}

function createForm(created) {
  const form = panel('Create a view', { id: 'view-create' });
  const editor = h('textarea', { id: 'view-editor', rows: '14', spellcheck: 'false', 'aria-describedby': 'view-error',
    'aria-label': 'View definition (JSON)' });
  editor.value = JSON.stringify(EXAMPLE, null, 2);
  const error = h('div', { id: 'view-error', class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'view-create-submit' }, 'Create view');
  const element = h('form', { id: 'view-form' }, editor, error, h('div', { class: 'form-actions' }, submit));
  form.body.append(element);

  element.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    fill(error);
    editor.removeAttribute('aria-invalid');
    try {
      JSON.parse(editor.value);
    } catch (failure) {
      return showError(editor, error, 'The definition is not JSON: ' + failure.message, null);
    }
    submit.disabled = true;
    try {
      const view = await api('/api/v1/views', { method: 'POST', body: editor.value });
      form.note(`View '${view.name}' created with ${format.count(view.row_count)} rows.`);
      created();
      location.hash = '#/views?name=' + encodeURIComponent(view.name);
    } catch (failure) {
      showError(editor, error, failure.message, failure.body?.where ?? null);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Shows the error under the editor and selects the offending part of the definition in it. */
function showError(editor, error, message, where) {
  editor.setAttribute('aria-invalid', 'true');
  const range = where ? locate(editor.value, where) : null;
  fill(error, where ? [h('strong', { class: 'where' }, where), ' '] : null, message.startsWith(where + ': ')
    ? message.slice(where.length + 2) : message,
  range ? h('span', { class: 'muted' }, ` (line ${editor.value.slice(0, range[0]).split('\n').length})`) : null);
  if (range) {
    editor.focus();
    editor.setSelectionRange(range[0], range[1]);
  }
}

/**
 * Where a JSON path such as `aggregates[1].fn` lies in the editor's text: the last key of the path,
 * searched after the keys before it. An approximation (the text is not re-parsed with positions),
 * but it lands on the right key for definitions as people write them.
 */
function locate(text, where) {
  const steps = where.match(/[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g) ?? [];
  let at = 0;
  let found = null;
  for (const step of steps) {
    if (step.startsWith('[')) {
      const index = Number(step.slice(1, -1));
      for (let i = 0; i <= index; i++) {
        const open = text.indexOf('{', at);
        if (open < 0) return found;
        at = open + 1;
      }
      continue;
    }
    const key = text.indexOf('"' + step + '"', at);
    if (key < 0) return found;
    found = [key, key + step.length + 2];
    at = key + step.length + 2;
  }
  return found;
}

async function showView(detail, name) {
  const info = panel('View ' + name, { id: 'view-info' });
  fill(detail, info.element);
  info.loading();
  let views;
  let rows;
  try {
    [views, rows] = await Promise.all([api('/api/v1/views'), api('/api/v1/views/' + encodeURIComponent(name))]);
  } catch (failure) {
    info.error(failure.status === 404 ? new Error(`No view named '${name}'.`) : failure);
    return;
  }
  const view = views.views.find((v) => v.name === name);
  info.ready();
  const remove = h('button', { type: 'button', class: 'danger', id: 'view-delete' }, 'Delete view');
  info.element.querySelector('.panel-actions').append(remove);
  fill(info.body, h('h3', {}, 'Definition'), jsonView(view?.definition ?? {}));

  const rowsPanel = panel('Rows', { id: 'view-rows' });
  const slider = h('input', { type: 'range', id: 'view-asof', min: '0', max: String(rows.position), value: String(rows.position),
    step: '1', 'aria-label': 'As of position' });
  const sliderLabel = h('output', { for: 'view-asof', id: 'view-asof-label' });
  const table = h('div', { class: 'table-scroll' });
  fill(rowsPanel.body, h('div', { class: 'slider-row' }, h('label', { for: 'view-asof' }, 'As of position'), slider, sliderLabel), table);
  detail.append(rowsPanel.element);

  let sort = { column: null, descending: false };
  let current = rows;
  function renderRows() {
    sliderLabel.textContent = `${format.count(current.position)} · ${format.count(current.count)} rows`;
    const sorted = [...current.rows];
    if (sort.column !== null) {
      sorted.sort((a, b) => compare(a[sort.column], b[sort.column]) * (sort.descending ? -1 : 1));
    }
    fill(table, h('table', { class: 'data', id: 'view-rows-table' },
      h('thead', {}, h('tr', {}, current.columns.map((column) => {
        const active = sort.column === column;
        const button = h('button', { type: 'button', class: 'sort' }, column, active ? (sort.descending ? ' ▾' : ' ▴') : '');
        button.addEventListener('click', () => {
          sort = { column, descending: active ? !sort.descending : false };
          renderRows();
          table.querySelector(`th[data-column="${CSS.escape(column)}"] button`)?.focus();
        });
        return h('th', { scope: 'col', dataset: { column }, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, button);
      }))),
      h('tbody', {}, sorted.map((row) => h('tr', {}, current.columns.map((column) => {
        const value = row[column];
        return h('td', { class: typeof value === 'number' ? 'num' : '' }, value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
      }))))));
  }
  renderRows();

  let pending = 0;
  slider.addEventListener('change', async () => {
    const mine = ++pending;
    rowsPanel.loading();
    try {
      const answer = await api('/api/v1/views/' + encodeURIComponent(name), { query: { as_of_position: slider.value } });
      if (mine !== pending) return;
      current = answer;
      rowsPanel.ready();
      renderRows();
    } catch (failure) {
      rowsPanel.error(failure);
    }
  });

  remove.addEventListener('click', async () => {
    const confirmed = await confirmDialog('Delete view', `Delete view '${name}'? Its rows are dropped; the events stay.`,
      { confirmLabel: 'Delete' });
    if (!confirmed) return;
    try {
      await api('/api/v1/views/' + encodeURIComponent(name), { method: 'DELETE' });
      location.hash = '#/views';
    } catch (failure) {
      info.error(failure);
    }
  });
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { numeric: true });
}
