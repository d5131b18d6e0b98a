// Live tail: new events as they commit, from GET /api/v1/events/subscribe (Server-Sent Events).
// Events are queued as they arrive and drawn at most once per frame, keeping only the newest rows,
// so a fast stream never freezes the page. Pause closes the stream and Resume reopens it with
// Last-Event-ID: the server continues right after the last event shown, with no gap.

import { follow } from './api.js';
import { setParams } from './app.js';
import * as format from './format.js';
import { h, fill, panel, field, time, perFrame } from './ui.js';

const MAX_ROWS = 500;
const RATE_WINDOW_MS = 5000;

export function mount(root, params) {
  const inputs = {
    event_type: field('Event type', { id: 't-event-type', placeholder: 'any', autocomplete: 'off' }),
    entity_id: field('Entity', { id: 't-entity-id', placeholder: 'any', autocomplete: 'off' }),
    tenant_id: field('Tenant', { id: 't-tenant-id', placeholder: 'any', autocomplete: 'off' }),
    from_position: field('From position', { id: 't-from-position', type: 'number', min: '1', placeholder: 'new events only' }),
  };
  for (const [name, wrapper] of Object.entries(inputs)) wrapper.input.value = params[name] ?? '';
  const apply = h('button', { type: 'submit', class: 'primary', id: 't-apply' }, 'Follow');
  const pause = h('button', { type: 'button', id: 't-pause', disabled: true }, 'Pause');
  const clear = h('button', { type: 'button', id: 't-clear' }, 'Clear');
  const form = h('form', { class: 'query-form', id: 'tail-form' }, Object.values(inputs),
    h('div', { class: 'field field-button' }, apply));
  const state = h('span', { id: 't-state', class: 'badge' }, 'stopped');
  const rate = h('span', { id: 't-rate' }, '0 events/s');
  const received = h('span', { id: 't-count' }, '0 received');
  const filterPanel = panel('Filter', { id: 'tail-filter' });
  filterPanel.body.append(form);
  const streamPanel = panel('Stream', { id: 'tail-stream', actions: [pause, clear] });
  const tbody = h('tbody');
  const table = h('table', { class: 'data', id: 'tail-table' },
    h('thead', {}, h('tr', {}, ['Position', 'Time', 'Type', 'Entity', 'Payload'].map((c) => h('th', { scope: 'col' }, c)))), tbody);
  fill(streamPanel.body, h('p', { class: 'tail-meta', 'aria-live': 'off' }, state, ' ', rate, ' · ', received),
    h('div', { class: 'table-scroll' }, table));
  root.append(filterPanel.element, streamPanel.element);

  let stop = null;
  let last = null;
  let total = 0;
  let queue = [];
  // {at, total} every half second: the rate is the growth of `total` over the last few seconds.
  const samples = [];
  const flush = perFrame(() => {
    const batch = queue.slice(-MAX_ROWS);
    queue = [];
    const rows = batch.reverse().map(row);
    tbody.prepend(...rows);
    while (tbody.childElementCount > MAX_ROWS) tbody.lastElementChild.remove();
    received.textContent = format.count(total) + ' received';
  });

  function row(event) {
    const payload = JSON.stringify(event.payload);
    return h('tr', { dataset: { position: event.position } },
      h('td', { class: 'num' }, event.position), h('td', {}, time(event.timestamp)), h('td', {}, event.event_type),
      h('td', {}, h('a', { href: '#/entity?id=' + encodeURIComponent(event.entity_id) }, event.entity_id)),
      h('td', { class: 'payload', title: payload }, payload.length > 160 ? payload.slice(0, 160) + '…' : payload));
  }

  function start(resumeAfter) {
    const filters = {
      event_type: inputs.event_type.input.value.trim(),
      entity_id: inputs.entity_id.input.value.trim(),
      tenant_id: inputs.tenant_id.input.value.trim(),
    };
    const from = inputs.from_position.input.value.trim();
    stop?.();
    streamPanel.ready();
    stop = follow('/api/v1/events/subscribe', resumeAfter === null ? { ...filters, from_position: from } : filters, {
      lastEventId: resumeAfter,
      onEvent(event) {
        last = event.position;
        total++;
        queue.push(event);
        flush();
      },
      onState(name, detail) {
        state.textContent = name === 'open' ? 'live' : name;
        state.dataset.state = name;
        if (name === 'failed' || name === 'error') streamPanel.error(new Error(detail));
        else if (name === 'reconnecting') streamPanel.note('Reconnecting: ' + detail);
        else streamPanel.ready();
      },
    });
    pause.disabled = false;
    pause.textContent = 'Pause';
    state.textContent = 'connecting';
  }

  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    setParams(Object.fromEntries(Object.entries(inputs).map(([name, wrapper]) => [name, wrapper.input.value.trim()])));
    last = null;
    start(null);
  });
  pause.addEventListener('click', () => {
    if (stop) {
      stop();
      stop = null;
      state.textContent = 'paused';
      state.dataset.state = 'paused';
      pause.textContent = 'Resume';
    } else {
      // Resume after the last event shown; before any event, start as the filter says.
      start(last);
    }
  });
  clear.addEventListener('click', () => {
    queue = [];
    total = 0;
    samples.length = 0;
    fill(tbody);
    received.textContent = '0 received';
  });

  const rateTimer = setInterval(() => {
    const now = performance.now();
    samples.push({ at: now, total });
    while (samples.length > 2 && samples[0].at < now - RATE_WINDOW_MS) samples.shift();
    const oldest = samples[0];
    const seconds = (now - oldest.at) / 1000;
    rate.textContent = format.number(seconds > 0 ? Math.max(0, total - oldest.total) / seconds : 0) + ' events/s';
  }, 500);

  start(null);
  return () => {
    stop?.();
    clearInterval(rateTimer);
  };
}
