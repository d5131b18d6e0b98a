// Small DOM helpers. Text always goes in as text (textContent), never as HTML, so that event data
// can never inject markup into the console.

import { localTime } from './format.js';

/** Creates an element: h('button', {class: 'x', onclick: f}, 'text', child…). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A titled section whose body shows loading and error states. */
export function panel(title, { id, actions = [] } = {}) {
  const body = h('div', { class: 'panel-body' });
  const status = h('div', { class: 'panel-status', role: 'status' });
  const heading = h('h2', {}, title);
  const section = h('section', { class: 'panel', id, 'aria-label': title },
    h('div', { class: 'panel-head' }, heading, h('div', { class: 'panel-actions' }, actions)), status, body);
  return {
    element: section,
    body,
    heading,
    loading(text = 'Loading…') {
      fill(status, h('span', { class: 'loading' }, text));
    },
    error(failure) {
      fill(status, h('p', { class: 'error', role: 'alert' }, failure.message ?? String(failure)));
    },
    note(text) {
      fill(status, text ? h('p', { class: 'note' }, text) : '');
    },
    ready() {
      fill(status);
    },
  };
}

/** A timestamp in the browser's zone, with the UTC original on hover. */
export function time(iso) {
  return h('time', { datetime: iso, title: iso + ' (UTC)' }, localTime(iso));
}

/** A labelled input: returns the wrapper; the input is wrapper.input. */
export function field(label, attributes) {
  const id = attributes.id ?? 'f-' + Math.random().toString(36).slice(2);
  const input = h(attributes.tag ?? 'input', { ...attributes, tag: undefined, id });
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), input);
  wrapper.input = input;
  return wrapper;
}

/** JSON, pretty-printed with spans for syntax colours. */
export function jsonView(value) {
  const pre = h('pre', { class: 'json', tabindex: '0' });
  render(pre, value, 0);
  return pre;
}

function render(parent, value, depth) {
  const pad = '  '.repeat(depth + 1);
  const closePad = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return parent.append('[]');
    parent.append('[\n');
    value.forEach((item, i) => {
      parent.append(pad);
      render(parent, item, depth + 1);
      parent.append(i < value.length - 1 ? ',\n' : '\n');
    });
    parent.append(closePad + ']');
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return parent.append('{}');
    parent.append('{\n');
    entries.forEach(([key, item], i) => {
      parent.append(pad, h('span', { class: 'j-key' }, JSON.stringify(key)), ': ');
      render(parent, item, depth + 1);
      parent.append(i < entries.length - 1 ? ',\n' : '\n');
    });
    parent.append(closePad + '}');
  } else {
    const kind = value === null ? 'null' : typeof value;
    parent.append(h('span', { class: 'j-' + kind }, JSON.stringify(value)));
  }
}

/** Copies text to the clipboard and says so on the button. */
export async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    flash(button, 'Copied');
  } catch {
    // No clipboard permission (plain http on another host): show the text to copy by hand.
    window.prompt('Copy this:', text);
  }
}

function flash(button, text) {
  if (!button) return;
  const original = button.textContent;
  button.textContent = text;
  setTimeout(() => { button.textContent = original; }, 1200);
}

/** Saves text as a file. */
export function download(name, parts, type) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = h('a', { href: url, download: name, class: 'hidden' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A modal confirmation; resolves true when confirmed. `requireText` must be typed to enable the button. */
export function confirmDialog(title, message, { confirmLabel = 'Confirm', requireText } = {}) {
  return new Promise((resolve) => {
    const input = requireText ? h('input', { type: 'text', 'aria-label': 'Type ' + requireText + ' to confirm', autocomplete: 'off' }) : null;
    const ok = h('button', { type: 'submit', value: 'ok', class: 'danger', disabled: !!requireText }, confirmLabel);
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const form = h('form', { method: 'dialog' },
      h('h2', {}, title), h('p', {}, message),
      input ? h('p', {}, 'Type ', h('code', {}, requireText), ' to confirm:') : null, input,
      h('div', { class: 'dialog-actions' }, cancel, ok));
    const dialog = h('dialog', { class: 'confirm' }, form);
    if (input) input.addEventListener('input', () => { ok.disabled = input.value !== requireText; });
    cancel.addEventListener('click', () => dialog.close('cancel'));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    (input ?? cancel).focus();
  });
}

/** Runs fn at most once per animation frame, however often it is asked for. */
export function perFrame(fn) {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fn();
    });
  };
}

/**
 * Runs `tick` now, then again a second after each run has finished: never two at once, so that a
 * slow answer does not fetch the same samples twice. Returns a function that stops it.
 */
export function repeat(tick, intervalMillis = 1000) {
  let stopped = false;
  let timer = 0;
  (async function loop() {
    await tick();
    if (!stopped) timer = setTimeout(loop, intervalMillis);
  })();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
