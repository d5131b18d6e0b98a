// Server log: the newest lines of the server's flight recorder ring (GET /api/v1/log), filtered by
// level and text on the server, following new lines once a second, and a button that writes a
// snapshot file (POST /api/v1/log/snapshots) and downloads it.

import { api, fetchFile } from './api.js';
import { setParams } from './app.js';
import { h, fill, panel, field, time, download } from './ui.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const MAX_ROWS = 2000;
const FOLLOW_MILLIS = 1000;

export function mount(root, params) {
  const level = h('select', { id: 'log-level' }, LEVELS.map((name) => h('option', { value: name }, name + (name === 'ERROR' ? '' : ' and above'))));
  level.value = LEVELS.includes(params.level) ? params.level : 'DEBUG';
  const text = field('Text', { id: 'log-text', type: 'search', placeholder: 'in message or logger', autocomplete: 'off' });
  text.input.value = params.contains ?? '';
  const follow = h('input', { type: 'checkbox', id: 'log-follow', checked: params.follow !== 'off' });
  const apply = h('button', { type: 'submit', class: 'primary', id: 'log-apply' }, 'Show');
  const form = h('form', { class: 'query-form', id: 'log-form' },
    h('div', { class: 'field' }, h('label', { for: 'log-level' }, 'Level'), level), text,
    h('div', { class: 'field field-button' }, h('label', { class: 'inline' }, follow, ' Follow')),
    h('div', { class: 'field field-button' }, apply));
  const snapshot = h('button', { type: 'button', id: 'log-snapshot' }, 'Download snapshot');
  const filters = panel('Filter', { id: 'log-filter' });
  filters.body.append(form);
  const lines = panel('Lines', { id: 'log-lines', actions: [snapshot] });
  const tbody = h('tbody');
  const scroller = h('div', { class: 'table-scroll log-scroll', tabindex: '0', 'aria-label': 'Log lines' },
    h('table', { class: 'data', id: 'log-table' },
      h('thead', {}, h('tr', {}, ['Time', 'Level', 'Logger', 'Message', 'Thread'].map((c) => h('th', { scope: 'col' }, c)))), tbody));
  lines.body.append(scroller);
  root.append(filters.element, lines.element);

  let after = -1;
  let timer = 0;
  let generation = 0;

  async function poll(mine) {
    try {
      const answer = await api('/api/v1/log', { query: { after, limit: 1000, level: level.value, contains: text.input.value.trim() } });
      if (mine !== generation) return;
      lines.ready();
      after = answer.next_after;
      const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 4;
      tbody.append(...answer.lines.map(row));
      while (tbody.childElementCount > MAX_ROWS) tbody.firstElementChild.remove();
      if (tbody.childElementCount === 0) lines.note('No line matches.');
      if (follow.checked && atBottom) scroller.scrollTop = scroller.scrollHeight;
    } catch (failure) {
      if (mine === generation) lines.error(failure);
    }
    if (mine === generation && follow.checked) timer = setTimeout(() => poll(mine), FOLLOW_MILLIS);
  }

  function row(line) {
    return h('tr', { class: 'log-' + line.level.toLowerCase(), dataset: { sequence: line.sequence } },
      h('td', {}, time(line.time)), h('td', {}, line.level), h('td', { class: 'target' }, line.target),
      h('td', { class: 'message' }, line.message), h('td', { class: 'muted' }, line.thread));
  }

  function restart() {
    clearTimeout(timer);
    generation++;
    after = -1;
    fill(tbody);
    lines.loading();
    poll(generation);
  }

  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    setParams({ level: level.value, contains: text.input.value.trim(), follow: follow.checked ? '' : 'off' });
    restart();
  });
  level.addEventListener('change', () => form.requestSubmit());
  follow.addEventListener('change', () => {
    // A new generation ends the previous polling loop, an answer in flight included; rows stay.
    clearTimeout(timer);
    generation++;
    if (follow.checked) poll(generation);
  });
  snapshot.addEventListener('click', async () => {
    snapshot.disabled = true;
    try {
      const file = await fetchFile('/api/v1/log/snapshots', { method: 'POST' });
      download(file.name, [file.blob], 'application/octet-stream');
      lines.note(`Snapshot ${file.name} written on the server and downloaded; read it with "peregrine flight show".`);
    } catch (failure) {
      lines.error(failure);
    } finally {
      snapshot.disabled = false;
    }
  });

  restart();
  return () => {
    generation++;
    clearTimeout(timer);
  };
}
