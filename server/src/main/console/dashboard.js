// Dashboard: what the server is, and how it is doing over the last fifteen minutes. The history
// comes from GET /api/v1/metrics/history (one sample a second, kept by the server), so the charts
// are full as soon as the page opens; the counters from GET /api/v1/stats.

import { api } from './api.js';
import { lineChart } from './charts.js';
import * as format from './format.js';
import { h, fill, panel, repeat } from './ui.js';

const WINDOW = 900;

const CHARTS = [
  { id: 'appends', title: 'Appends per second', series: [['appends_per_second', 'appends/s'], ['events_per_second', 'events/s']], format: format.number },
  { id: 'latency', title: 'Append latency', series: [['append_p50_ms', 'p50'], ['append_p99_ms', 'p99']], format: format.millis },
  { id: 'fsyncs', title: 'Fsyncs per second', series: [['fsyncs_per_second', 'fsyncs/s']], format: format.number },
  { id: 'fsync-time', title: 'Time per fsync', series: [['fsync_mean_ms', 'mean']], format: format.millis },
  { id: 'stored', title: 'Events stored', series: [['events_stored', 'events']], format: format.count },
  { id: 'disk', title: 'Bytes on disk', series: [['bytes_on_disk', 'bytes']], format: format.bytes },
  { id: 'subscribers', title: 'Open subscriptions', series: [['subscribers', 'subscriptions']], format: format.count },
  { id: 'view-lag', title: 'View lag (events)', series: [['view_lag', 'max lag']], format: format.count },
  { id: 'group-lag', title: 'Consumer-group lag (positions)', series: [['group_lag', 'max lag']], format: format.count },
];

const STATS = [
  ['total_events', 'Events stored', format.count],
  ['total_entities', 'Entities', format.count],
  ['total_event_types', 'Event types', format.count],
  ['last_position', 'Last position', format.count],
  ['bytes_on_disk', 'Bytes on disk', format.bytes],
  ['segments', 'Segments', format.count],
  ['subscribers', 'Subscriptions', format.count],
  ['total_ingested', 'Ingested since start', format.count],
];

export function mount(root) {
  const serverPanel = panel('Server', { id: 'server-cards' });
  const statsPanel = panel('Store', { id: 'store-stats' });
  const chartsPanel = panel('Last 15 minutes', { id: 'charts' });
  root.append(h('div', { class: 'grid-2' }, serverPanel.element, statsPanel.element), chartsPanel.element);

  let server = null;
  let startedLocally = 0;
  const uptime = h('dd', { id: 'card-uptime' });
  serverPanel.loading();
  api('/api/v1/server').then((info) => {
    server = info;
    startedLocally = Date.now() - info.uptime_seconds * 1000;
    uptime.textContent = format.duration(info.uptime_seconds);
    serverPanel.ready();
    fill(serverPanel.body,
      h('dl', { class: 'cards' },
        card('Version', info.version, 'card-version'),
        card('Data directory', info.data_directory, 'card-data'),
        card('Durability', info.durability, 'card-durability'),
        h('div', { class: 'card' }, h('dt', {}, 'Uptime'), uptime),
        card('Authentication', info.authentication, 'card-auth')),
      info.warnings.length === 0 ? null
        : h('ul', { class: 'warnings', id: 'warnings', 'aria-label': 'Warnings' },
          info.warnings.map((warning) => h('li', {}, warning))));
  }).catch((failure) => serverPanel.error(failure));

  const values = new Map();
  fill(statsPanel.body, h('dl', { class: 'cards' }, STATS.map(([key, label]) => {
    const value = h('dd', { id: 'stat-' + key.replaceAll('_', '-') }, '–');
    values.set(key, value);
    return h('div', { class: 'card' }, h('dt', {}, label), value);
  })));

  const charts = CHARTS.map((chart) => {
    const box = h('div', { class: 'chart', id: 'chart-' + chart.id });
    const figure = h('figure', { class: 'chart-figure' }, h('figcaption', {}, chart.title), box);
    chartsPanel.body.append(figure);
    return { ...chart, box, figure, plot: null };
  });
  chartsPanel.body.classList.add('charts');

  const data = { time_ms: [] };
  let after = 0;
  let stopped = false;

  async function tick() {
    try {
      const [stats, history] = await Promise.all([
        api('/api/v1/stats'),
        api('/api/v1/metrics/history', { query: { after_ms: after } }),
      ]);
      if (stopped) return;
      statsPanel.ready();
      for (const [key, , fmt] of STATS) values.get(key).textContent = fmt(stats[key]);
      merge(history);
      chartsPanel.ready();
      if (data.time_ms.length === 0) chartsPanel.note('The server takes one sample a second; the first arrives shortly.');
      draw();
    } catch (failure) {
      if (!stopped) {
        statsPanel.error(failure);
        chartsPanel.error(failure);
      }
    }
    if (server) uptime.textContent = format.duration((Date.now() - startedLocally) / 1000);
  }

  function merge(history) {
    const n = history.time_ms.length;
    if (n === 0) return;
    for (const [column, list] of Object.entries(history)) {
      if (!Array.isArray(list)) continue;
      data[column] = (data[column] ?? []).concat(list).slice(-WINDOW);
    }
    after = history.time_ms[n - 1];
  }

  function draw() {
    for (const chart of charts) {
      if (!chart.plot && globalThis.uPlot && chart.box.clientWidth > 0) {
        chart.plot = lineChart(chart.box, { series: chart.series.map(([, label]) => ({ label })), format: chart.format });
      }
      chart.plot?.update(data.time_ms, ...chart.series.map(([column]) => data[column] ?? []));
      chart.box.dataset.points = String(data.time_ms.length);
      chart.box.dataset.last = String((data[chart.series[0][0]] ?? []).at(-1) ?? '');
    }
  }

  statsPanel.loading();
  chartsPanel.loading();
  const stop = repeat(tick);
  return () => {
    stopped = true;
    stop();
    charts.forEach((chart) => chart.plot?.destroy());
  };
}

function card(label, value, id) {
  return h('div', { class: 'card' }, h('dt', {}, label), h('dd', { id, title: value }, value));
}
