// Entity: find an entity id, see its stream, travel through its versions (the state as of each
// one, from GET /api/v1/entities/{id}/state?as_of=<that event's timestamp>, and what changed from
// the previous version), and delete it (a tombstone) after a confirmation.

import { api } from './api.js';
import { setParams } from './app.js';
import * as format from './format.js';
import { h, fill, panel, field, time, jsonView, confirmDialog } from './ui.js';

export function mount(root, params) {
  const search = field('Entity id contains', { id: 'entity-search', type: 'search', autocomplete: 'off', placeholder: 'user-' });
  const searchButton = h('button', { type: 'submit', class: 'primary', id: 'entity-search-run' }, 'Search');
  const form = h('form', { class: 'query-form', id: 'entity-search-form' }, search, h('div', { class: 'field field-button' }, searchButton));
  const searchPanel = panel('Find an entity', { id: 'entity-find' });
  const matches = h('ul', { class: 'matches', id: 'entity-matches' });
  fill(searchPanel.body, form, matches);

  const detail = h('div', { id: 'entity-detail' });
  root.append(searchPanel.element, detail);

  let controller = null;
  let searching = null;

  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const text = search.input.value.trim();
    // Only the newest search may fill the list: an older answer arriving late is dropped.
    searching?.abort();
    searching = new AbortController();
    searchPanel.loading('Searching…');
    try {
      const answer = await api('/api/v1/entities', { query: { contains: text, limit: 50 }, signal: searching.signal });
      searchPanel.note(answer.complete
        ? `${answer.count} found; the whole log was searched.`
        : `${answer.count} found among the entities of the newest ${format.count(answer.scanned_events)} events`
          + ' (the exact id is found wherever it is).');
      fill(matches, answer.entities.map((match) => h('li', {},
        h('a', { href: '#/entity?id=' + encodeURIComponent(match.entity_id), class: 'match' }, match.entity_id),
        h('span', { class: 'muted' }, ` version ${match.version}`))));
    } catch (failure) {
      if (failure.name !== 'AbortError') searchPanel.error(failure);
    }
  });

  if (params.id) {
    search.input.value = params.id;
    show(params.id);
  } else {
    form.requestSubmit();
  }

  async function show(id) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const info = panel('Entity ' + id, { id: 'entity-info' });
    fill(detail, info.element);
    info.loading();
    let current;
    try {
      current = await api('/api/v1/entities/' + encodeURIComponent(id) + '/state', { signal });
    } catch (failure) {
      if (failure.name === 'AbortError') return;
      info.error(failure.status === 404 ? new Error(`No entity '${id}'.`)
        : failure.status === 410 ? new Error(`Entity '${id}' was deleted.`) : failure);
      return;
    }
    info.ready();
    renderEntity(id, current, info, signal);
  }

  function renderEntity(id, current, info, signal) {
    const history = current.history;
    const versions = history.length;
    const remove = h('button', { type: 'button', class: 'danger', id: 'entity-delete' }, 'Delete (tombstone)');
    info.element.querySelector('.panel-actions').append(remove);
    fill(info.body, h('dl', { class: 'cards' },
      h('div', { class: 'card' }, h('dt', {}, 'Versions'), h('dd', { id: 'entity-versions' }, current.event_count)),
      h('div', { class: 'card' }, h('dt', {}, 'Last updated'), h('dd', {}, time(current.last_updated)))),
      current.history_truncated ? h('p', { class: 'note' }, `Only the first ${versions} versions are listed.`) : null);

    const slider = h('input', { type: 'range', id: 'version-slider', min: '1', max: String(versions), value: String(versions),
      step: '1', 'aria-label': 'Version' });
    const sliderLabel = h('output', { for: 'version-slider', id: 'version-label' });
    const state = panel('State', { id: 'entity-state' });
    const stateView = h('div', { id: 'state-json' });
    const diffView = h('div', { id: 'state-diff' });
    fill(state.body, h('div', { class: 'slider-row' }, h('label', { for: 'version-slider' }, 'Time travel'), slider, sliderLabel),
      h('div', { class: 'grid-2' }, h('div', {}, h('h3', {}, 'State as of this version'), stateView),
        h('div', {}, h('h3', {}, 'Changed from the previous version'), diffView)));

    const stream = panel('Stream', { id: 'entity-stream' });
    const rows = history.map((event, i) => {
      const button = h('button', { type: 'button', class: 'link' }, String(i + 1));
      button.addEventListener('click', () => { slider.value = String(i + 1); travel(); slider.focus(); });
      return h('tr', { dataset: { version: i + 1 } }, h('td', { class: 'num' }, button), h('td', {}, time(event.timestamp)),
        h('td', {}, event.type), h('td', { class: 'payload' }, JSON.stringify(event.payload)));
    });
    fill(stream.body, h('div', { class: 'table-scroll' }, h('table', { class: 'data', id: 'entity-stream-table' },
      h('thead', {}, h('tr', {}, ['Version', 'Time', 'Type', 'Payload'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows))));
    detail.append(state.element, stream.element);

    // The state as of version v, by its event's timestamp: timestamps are unique and increasing.
    const states = new Map([[versions, current.current_state]]);
    async function stateAt(version) {
      if (version === 0) return {};
      if (!states.has(version)) {
        const answer = await api('/api/v1/entities/' + encodeURIComponent(id) + '/state',
          { query: { as_of: history[version - 1].timestamp }, signal });
        states.set(version, answer.current_state);
      }
      return states.get(version);
    }

    let shown = 0;
    async function travel() {
      const version = Number(slider.value);
      shown = version;
      const event = history[version - 1];
      fill(sliderLabel, `version ${version} of ${versions} · `, time(event.timestamp));
      rows.forEach((row, i) => row.classList.toggle('selected', i === version - 1));
      state.loading();
      try {
        const [now, before] = await Promise.all([stateAt(version), stateAt(version - 1)]);
        if (shown !== version) return;
        state.ready();
        fill(stateView, jsonView(now));
        fill(diffView, diffList(diff(before, now)));
      } catch (failure) {
        if (failure.name !== 'AbortError') state.error(failure);
      }
    }
    slider.addEventListener('input', travel);
    travel();

    remove.addEventListener('click', async () => {
      const confirmed = await confirmDialog('Delete entity', `Tombstone '${id}'? Its events disappear from queries`
        + ' and state; they stay in the log for subscriptions.', { confirmLabel: 'Delete', requireText: id });
      if (!confirmed) return;
      try {
        const answer = await api('/api/v1/entities/' + encodeURIComponent(id), { method: 'DELETE' });
        fill(detail, h('p', { class: 'note', role: 'status', id: 'entity-deleted' },
          `Entity '${id}' deleted (tombstone at position ${answer.position}).`));
        setParams({});
      } catch (failure) {
        info.error(failure);
      }
    });
  }
  return () => {
    controller?.abort();
    searching?.abort();
  };
}

/** The changes from `before` to `after`: [{path, kind: added|removed|changed, from, to}], depth first. */
export function diff(before, after, path = '') {
  const changes = [];
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    const at = path ? path + '.' + key : key;
    const had = before != null && Object.hasOwn(before, key);
    const has = after != null && Object.hasOwn(after, key);
    if (!had) changes.push({ path: at, kind: 'added', to: after[key] });
    else if (!has) changes.push({ path: at, kind: 'removed', from: before[key] });
    else if (isObject(before[key]) && isObject(after[key])) changes.push(...diff(before[key], after[key], at));
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push({ path: at, kind: 'changed', from: before[key], to: after[key] });
    }
  }
  return changes;
}

function diffList(changes) {
  if (changes.length === 0) return h('p', { class: 'muted' }, 'No change.');
  return h('ul', { class: 'diff' }, changes.map((change) => h('li', { class: 'diff-' + change.kind },
    h('code', {}, change.path), ' ',
    change.kind === 'added' ? ['added ', h('code', {}, JSON.stringify(change.to))]
      : change.kind === 'removed' ? ['removed (was ', h('code', {}, JSON.stringify(change.from)), ')']
        : ['changed ', h('code', {}, JSON.stringify(change.from)), ' → ', h('code', {}, JSON.stringify(change.to))])));
}
