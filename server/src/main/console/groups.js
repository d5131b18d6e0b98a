// Subscriptions and consumer groups: the open SSE/WebSocket subscriptions, every consumer group with
// its members, in-flight and parked counts and lag, a chart of the furthest lag over the last 15
// minutes (GET /api/v1/metrics/history), and one group in detail (?name=): its settings, members,
// a lag chart sampled while the page is open, and its parked events, which can be replayed (one,
// the oldest N, or all) after a confirmation. Refreshed once a second; a table is redrawn only when
// its content changed, so the keyboard focus stays where it was.

import { api } from './api.js';
import { lineChart } from './charts.js';
import * as format from './format.js';
import { h, fill, panel, time, field, confirmDialog, repeat } from './ui.js';

const WINDOW = 900;
const PARKED_PAGE = 100;

export function mount(root, params) {
  const overview = panel('Subscriptions', { id: 'groups-overview' });
  const lagPanel = panel('Consumer-group lag, last 15 minutes', { id: 'groups-lag' });
  const listPanel = panel('Consumer groups', { id: 'groups-list' });
  const detail = h('div', { id: 'group-detail' });
  root.append(h('div', { class: 'grid-2' }, overview.element, lagPanel.element), listPanel.element, detail);

  const streams = h('dd', { id: 'open-streams' }, '–');
  const groupCount = h('dd', { id: 'group-count' }, '–');
  const maxLag = h('dd', { id: 'group-max-lag' }, '–');
  fill(overview.body, h('dl', { class: 'cards' },
    h('div', { class: 'card' }, h('dt', {}, 'Open SSE/WebSocket subscriptions'), streams),
    h('div', { class: 'card' }, h('dt', {}, 'Consumer groups'), groupCount),
    h('div', { class: 'card' }, h('dt', {}, 'Furthest lag (positions)'), maxLag)));

  const lagBox = h('div', { class: 'chart', id: 'chart-group-lag' });
  lagPanel.body.append(lagBox);
  let lagPlot = null;
  const history = { time_ms: [], group_lag: [] };
  let after = 0;

  const table = redrawOnChange(listPanel.body);
  const selected = params.name ? groupDetail(detail, params.name) : null;

  let stopped = false;
  async function tick() {
    const [stats, list, samples] = await Promise.allSettled([
      api('/api/v1/stats'),
      api('/api/v1/consumer-groups'),
      api('/api/v1/metrics/history', { query: { after_ms: after } }),
    ]);
    if (stopped) return;
    if (stats.status === 'fulfilled') {
      overview.ready();
      streams.textContent = format.count(stats.value.subscribers);
    } else {
      overview.error(stats.reason);
    }
    if (list.status === 'fulfilled') {
      listPanel.ready();
      const groups = list.value.groups;
      groupCount.textContent = format.count(groups.length);
      maxLag.textContent = format.count(groups.reduce((max, g) => Math.max(max, g.lag), 0));
      if (groups.length === 0) listPanel.note('No consumer group yet. Create one with POST /api/v1/consumer-groups (docs/api.md).');
      table(groups.length === 0 ? null : groupsTable(groups, params.name));
    } else {
      listPanel.error(list.reason);
    }
    if (samples.status === 'fulfilled') {
      lagPanel.ready();
      const n = samples.value.time_ms.length;
      if (n > 0) {
        history.time_ms = history.time_ms.concat(samples.value.time_ms).slice(-WINDOW);
        history.group_lag = history.group_lag.concat(samples.value.group_lag).slice(-WINDOW);
        after = samples.value.time_ms[n - 1];
      }
      if (!lagPlot && globalThis.uPlot && lagBox.clientWidth > 0) {
        lagPlot = lineChart(lagBox, { series: [{ label: 'furthest lag' }], format: format.count });
      }
      lagPlot?.update(history.time_ms, history.group_lag);
      lagBox.dataset.points = String(history.time_ms.length);
    } else {
      lagPanel.error(samples.reason);
    }
    await selected?.refresh();
  }

  overview.loading();
  listPanel.loading();
  lagPanel.loading();
  const stop = repeat(tick);
  return () => {
    stopped = true;
    stop();
    lagPlot?.destroy();
    selected?.destroy();
  };
}

/**
 * Replaces the container's content with what `build` returns, but only when it differs from what
 * is shown (compared by text and attributes), and puts the focus back on the element with the same
 * data-key, so that a refresh never takes the keyboard focus away.
 */
function redrawOnChange(container) {
  let shown = null;
  return (element) => {
    const signature = element ? element.outerHTML : '';
    if (signature === shown) return;
    shown = signature;
    const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    fill(container, element);
    if (focused !== undefined) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  };
}

function filterText(filter) {
  const parts = [];
  if (filter.entity_id) parts.push('entity ' + filter.entity_id);
  if (filter.event_types.length > 0) parts.push('types ' + filter.event_types.join(', '));
  if (filter.tenant_id) parts.push('tenant ' + filter.tenant_id);
  return parts.length === 0 ? 'whole log' : parts.join(' · ');
}

function groupsTable(groups, current) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data', id: 'groups-table' },
    h('thead', {}, h('tr', {}, ['Name', 'Events', 'Strategy', 'Members', 'In flight', 'Parked', 'Checkpoint', 'Lag']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, groups.map((g) => h('tr', { dataset: { name: g.name }, class: g.name === current ? 'selected' : '' },
      h('td', {}, h('a', { href: '#/groups?name=' + encodeURIComponent(g.name), dataset: { key: 'group:' + g.name } }, g.name)),
      h('td', {}, filterText(g.filter)),
      h('td', {}, g.settings.strategy.replaceAll('_', ' ')),
      h('td', { class: 'num' }, format.count(g.members.length)),
      h('td', { class: 'num' }, format.count(g.in_flight)),
      h('td', { class: 'num' }, format.count(g.parked)),
      h('td', { class: 'num' }, format.count(g.checkpoint)),
      h('td', { class: 'num lag' }, format.count(g.lag)))))));
}

/** One group: cards, settings, members, a lag chart sampled here, parked events and replay. */
function groupDetail(container, name) {
  const path = '/api/v1/consumer-groups/' + encodeURIComponent(name);
  const info = panel('Group ' + name, { id: 'group-info' });
  const membersPanel = panel('Members', { id: 'group-members' });
  const chartPanel = panel('Lag of ' + name + ' (sampled while this page is open)', { id: 'group-lag' });
  const parkedPanel = panel('Parked events', { id: 'group-parked' });
  fill(container, info.element, h('div', { class: 'grid-2' }, membersPanel.element, chartPanel.element), parkedPanel.element);

  const numbers = new Map();
  const CARDS = [
    ['checkpoint', 'Checkpoint'], ['head_position', 'Head position'], ['lag', 'Lag'], ['in_flight', 'In flight'],
    ['waiting', 'Waiting'], ['parked', 'Parked'], ['replaying', 'Replaying'], ['delivered', 'Delivered'],
    ['acked', 'Acked'], ['nacked', 'Nacked'], ['timed_out', 'Timed out'],
  ];
  const settings = h('p', { class: 'muted', id: 'group-settings' });
  fill(info.body, h('dl', { class: 'cards' }, CARDS.map(([key, label]) => {
    const value = h('dd', { id: 'group-' + key.replaceAll('_', '-') }, '–');
    numbers.set(key, value);
    return h('div', { class: 'card' }, h('dt', {}, label), value);
  })), settings);

  const members = redrawOnChange(membersPanel.body);
  const box = h('div', { class: 'chart', id: 'chart-one-group-lag' });
  chartPanel.body.append(box);
  let plot = null;
  const samples = { time_ms: [], lag: [] };

  const oldest = field('Replay the oldest', { id: 'replay-count', type: 'number', min: '1', value: '10', inputmode: 'numeric' });
  oldest.classList.add('field-narrow');
  const replayOldest = h('button', { type: 'button', id: 'replay-oldest' }, 'Replay oldest');
  const replayAll = h('button', { type: 'button', class: 'danger', id: 'replay-all' }, 'Replay all parked');
  const parkedBody = h('div', { id: 'parked-rows' });
  fill(parkedPanel.body, h('div', { class: 'query-form' }, oldest, h('div', { class: 'field field-button' }, replayOldest),
    h('div', { class: 'field field-button' }, replayAll)), parkedBody);
  const parkedRows = redrawOnChange(parkedBody);

  let current = null;
  async function replay(query, what) {
    const confirmed = await confirmDialog('Replay parked events',
      `Deliver ${what} of group '${name}' again? Members receive them out of order with their entities' later events; `
      + 'they stay parked until acknowledged.', { confirmLabel: 'Replay' });
    if (!confirmed) return;
    try {
      const answer = await api(path + '/parked/replay', { method: 'POST', query });
      parkedPanel.note(`Replayed ${format.count(answer.replayed)} parked event${answer.replayed === 1 ? '' : 's'}.`);
      await refresh();
    } catch (failure) {
      parkedPanel.error(failure);
    }
  }
  replayAll.addEventListener('click', () => replay({}, `all ${format.count(current?.parked ?? 0)} parked events`));
  replayOldest.addEventListener('click', () => {
    const n = Number(oldest.input.value);
    if (!Number.isInteger(n) || n < 1) {
      parkedPanel.error(new Error('The number of events to replay is a whole number, at least 1.'));
      return;
    }
    replay({ limit: n }, `the oldest ${format.count(n)} parked events`);
  });
  parkedBody.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-position]');
    if (button) replay({ position: button.dataset.position }, `the parked event at position ${button.dataset.position}`);
  });

  async function refresh() {
    let group;
    let parked;
    try {
      [group, parked] = await Promise.all([api(path), api(path + '/parked', { query: { limit: PARKED_PAGE } })]);
    } catch (failure) {
      info.error(failure.status === 404 ? new Error(`No consumer group named '${name}'.`) : failure);
      return;
    }
    current = group;
    info.ready();
    for (const [key, value] of numbers) value.textContent = format.count(group[key]);
    const s = group.settings;
    settings.textContent = `Events: ${filterText(group.filter)} · start ${s.start === 'end' ? 'at the end' : 'at position ' + s.start}`
      + ` · ${s.strategy.replaceAll('_', ' ')} · parked after ${s.max_attempts} attempts · ack timeout ${format.millis(s.ack_timeout_ms)}`
      + ` · window ${format.count(s.max_in_flight)}${s.max_members > 0 ? ' · at most ' + s.max_members + ' members' : ''}`;

    if (group.members.length === 0) membersPanel.note('No member is connected.');
    else membersPanel.ready();
    members(group.members.length === 0 ? null : h('div', { class: 'table-scroll' }, h('table', { class: 'data', id: 'members-table' },
      h('thead', {}, h('tr', {}, ['Member', 'Joined', 'In flight', 'Delivered', 'Acked', 'Nacked'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, group.members.map((m) => h('tr', { dataset: { member: m.id } },
        h('td', {}, m.id), h('td', {}, time(m.joined_at)),
        h('td', { class: 'num' }, `${format.count(m.in_flight)} / ${format.count(m.max_in_flight)}`),
        h('td', { class: 'num' }, format.count(m.delivered)), h('td', { class: 'num' }, format.count(m.acked)),
        h('td', { class: 'num' }, format.count(m.nacked))))))));

    samples.time_ms = samples.time_ms.concat(Date.now()).slice(-WINDOW);
    samples.lag = samples.lag.concat(group.lag).slice(-WINDOW);
    chartPanel.ready();
    if (!plot && globalThis.uPlot && box.clientWidth > 0) plot = lineChart(box, { series: [{ label: 'lag' }], format: format.count });
    plot?.update(samples.time_ms, samples.lag);
    box.dataset.points = String(samples.time_ms.length);

    const waiting = group.replaying > 0 ? ` ${format.count(group.replaying)} being replayed.` : '';
    replayAll.disabled = group.parked === group.replaying;
    replayOldest.disabled = replayAll.disabled;
    parkedRows(parked.total === 0 ? h('p', { class: 'note', id: 'parked-none' }, 'Nothing is parked.' + waiting)
      : h('div', {},
        h('p', { class: 'note', id: 'parked-summary' }, `${format.count(parked.total)} parked`
          + (parked.total > parked.count ? `, the oldest ${format.count(parked.count)} shown` : '') + '.' + waiting),
        h('div', { class: 'table-scroll' }, h('table', { class: 'data', id: 'parked-table' },
          h('thead', {}, h('tr', {}, ['Position', 'Entity', 'Type', 'Attempts', 'Reason', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, parked.parked.map((p) => h('tr', { dataset: { position: String(p.position) } },
            h('td', { class: 'num' }, format.count(p.position)), h('td', {}, p.entity_id), h('td', {}, p.event_type),
            h('td', { class: 'num' }, format.count(p.attempts)), h('td', {}, p.reason),
            h('td', {}, h('button', { type: 'button', class: 'link', dataset: { position: String(p.position), key: 'replay:' + p.position },
              'aria-label': 'Replay the event at position ' + p.position }, 'Replay')))))))));
  }

  info.loading();
  return {
    refresh,
    destroy() {
      plot?.destroy();
    },
  };
}
