// Sign-in: which credential this browser tab sends. An API key (X-API-Key), a user and password
// (HTTP Basic, as `peregrine users add` made them) or an identity provider's token (Bearer). The
// credential is tried against /api/v1/server before it is kept, and kept in sessionStorage only
// (this tab's session; closing the tab signs out). The server never sees it before then.

import { api, clearCredential, setCredential } from './api.js';
import { h, field, fill } from './ui.js';

const KINDS = {
  key: { label: 'API key', fields: [['key', 'API key', 'password', 'pgk_…']] },
  basic: { label: 'User and password', fields: [['user', 'User', 'text', 'admin'], ['password', 'Password', 'password', '']] },
  bearer: { label: 'Identity provider token (JWT)', fields: [['token', 'Token', 'password', 'eyJ…']] },
};

/** The header for what was typed, or null when a field is empty. */
function credential(kind, values) {
  if (kind === 'key') return values.key ? ['X-API-Key', values.key] : null;
  if (kind === 'bearer') return values.token ? ['Authorization', 'Bearer ' + values.token] : null;
  if (!values.user || !values.password) return null;
  const bytes = new TextEncoder().encode(values.user + ':' + values.password);
  return ['Authorization', 'Basic ' + btoa(String.fromCharCode(...bytes))];
}

export function mount(root, params) {
  const next = params.next && params.next.startsWith('#/') && !params.next.startsWith('#/login') ? params.next : '#/dashboard';
  const kind = h('select', { id: 'login-kind' },
    Object.entries(KINDS).map(([id, k]) => h('option', { value: id }, k.label)));
  const kindField = h('div', { class: 'field' }, h('label', { for: 'login-kind' }, 'Sign in with'), kind);
  const inputs = h('div', { class: 'query-form', id: 'login-fields' });
  const message = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'login-form', id: 'login-form', 'aria-describedby': 'login-help' },
    h('p', { class: 'note', id: 'login-help' }, params.reason === 'expired'
      ? 'The server refused the credential this tab was using (revoked, expired or changed). Sign in again.'
      : 'This server requires a credential. It is kept for this browser tab only.'),
    kindField, inputs, h('div', { class: 'form-actions' }, submit), message);

  let current = {};
  function showFields() {
    current = {};
    fill(inputs, KINDS[kind.value].fields.map(([name, label, type, placeholder]) => {
      const wrapper = field(label, { id: 'login-' + name, type, placeholder, autocomplete: type === 'password' ? 'current-password' : 'username', required: true });
      current[name] = wrapper.input;
      return wrapper;
    }));
    Object.values(current)[0].focus();
  }
  kind.addEventListener('change', showFields);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(current).map(([name, input]) => [name, input.value.trim()]));
    const header = credential(kind.value, values);
    if (!header) {
      fill(message, 'Fill in every field.');
      return;
    }
    submit.disabled = true;
    fill(message);
    setCredential(...header);
    try {
      await api('/api/v1/server', { quiet401: true });
      location.hash = next;
    } catch (failure) {
      clearCredential();
      fill(message, failure.status === 401 ? 'The server did not accept this credential.'
        : failure.status === 403 ? 'Signed in, but this credential cannot read the console\'s data: it needs at least a reader key bound to no tenant.'
        : failure.message);
      Object.values(current)[0].focus();
    } finally {
      submit.disabled = false;
    }
  });

  fill(root, h('section', { class: 'panel login-panel', 'aria-label': 'Sign in' }, h('div', { class: 'panel-body' }, form)));
  showFields();
  return () => {};
}
