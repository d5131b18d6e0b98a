// Every request of the console goes through this module, so that authentication is added in one
// place: the login page (login.js) calls setCredential, the credential is kept in sessionStorage
// (this browser tab's session only) and sent on every request; a 401 calls the handler the app
// installs, which leads back to the login.

const CREDENTIAL_KEY = 'peregrine.credential';
let unauthorized = () => {};

/** An error answered by the server ({status, message, body}) or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body ?? null;
  }
}

/** Stores a header to send with every request for this browser session, e.g. ('Authorization', 'Bearer …'). */
export function setCredential(header, value) {
  sessionStorage.setItem(CREDENTIAL_KEY, JSON.stringify({ header, value }));
}

/** Forgets the credential: the next requests carry none (signing out). */
export function clearCredential() {
  sessionStorage.removeItem(CREDENTIAL_KEY);
}

/** Whether this tab has a credential to send. */
export function hasCredential() {
  return sessionStorage.getItem(CREDENTIAL_KEY) !== null;
}

/** Called with no argument when the server answers 401. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

function authHeaders() {
  const stored = sessionStorage.getItem(CREDENTIAL_KEY);
  if (!stored) return {};
  const { header, value } = JSON.parse(stored);
  return { [header]: value };
}

/** A query string from an object, leaving out empty values. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

/**
 * Sends a request and returns its JSON answer; throws ApiError for a non-2xx answer (with the
 * server's {"error": …} message) or when the server cannot be reached.
 */
export async function api(path, { method = 'GET', query, body, signal, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path + queryString(query), { method, headers, body: payload, signal, cache: 'no-store' });
  } catch (failure) {
    if (failure.name === 'AbortError') throw failure;
    throw new ApiError(0, 'the server did not answer (' + failure.message + ')');
  }
  if (!response.ok) throw await refusal(response, quiet401);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/**
 * The ApiError for a non-2xx answer, with the server's {"error": …} message when it sent one. A 401
 * calls the unauthorized handler, unless the caller handles it itself (the login page's try).
 */
async function refusal(response, quiet401 = false) {
  if (response.status === 401 && !quiet401) unauthorized();
  let json = null;
  try {
    json = JSON.parse(await response.text());
  } catch {
    json = null;
  }
  return new ApiError(response.status, json?.error ?? `HTTP ${response.status}`, json);
}

/** Sends a request whose answer is a file: returns {name, blob}, the name from Content-Disposition. */
export async function fetchFile(path, { method = 'GET' } = {}) {
  let response;
  try {
    response = await fetch(path, { method, headers: authHeaders(), cache: 'no-store' });
  } catch (failure) {
    throw new ApiError(0, 'the server did not answer (' + failure.message + ')');
  }
  if (!response.ok) throw await refusal(response);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  return { name: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download', blob: await response.blob() };
}

/**
 * Follows a Server-Sent Events stream with fetch rather than EventSource, which cannot send the
 * credential header. Resumes after a dropped connection with Last-Event-ID, as EventSource would:
 * the server then continues right after the last event received, with no gap and no duplicate.
 * Returns a function that stops the stream.
 */
export function follow(path, query, { onEvent, onState, lastEventId = null, retryMillis = 1000 }) {
  const controller = new AbortController();
  let last = lastEventId;
  let stopped = false;

  async function connect() {
    const headers = { Accept: 'text/event-stream', ...authHeaders() };
    if (last !== null) headers['Last-Event-ID'] = String(last);
    const response = await fetch(path + queryString(query), { headers, signal: controller.signal, cache: 'no-store' });
    if (!response.ok) throw await refusal(response);
    onState('open');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(message);
      }
    }
  }

  function dispatch(message) {
    let id = null;
    let type = 'message';
    const data = [];
    for (const line of message.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    if (type === 'error') {
      onState('error', JSON.parse(data.join('\n')).error);
      return;
    }
    if (id !== null) last = id;
    onEvent(JSON.parse(data.join('\n')));
  }

  (async () => {
    while (!stopped) {
      try {
        await connect();
        if (!stopped) onState('reconnecting', 'the stream ended');
      } catch (failure) {
        if (stopped || failure.name === 'AbortError') return;
        if (failure instanceof ApiError && failure.status >= 400) {
          onState('failed', failure.message);
          return;
        }
        onState('reconnecting', failure.message);
      }
      await new Promise((resolve) => setTimeout(resolve, retryMillis));
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}

/** The curl command that sends the same request, for a user to script what the console did. */
export function curl(path, { method = 'GET', query, body } = {}) {
  const url = location.origin + path + queryString(query);
  const parts = ['curl', '-s'];
  if (method !== 'GET') parts.push('-X', method);
  const credential = sessionStorage.getItem(CREDENTIAL_KEY);
  if (credential) parts.push('-H', shellQuote(JSON.parse(credential).header + ': <your key>'));
  if (body !== undefined) {
    parts.push('-H', shellQuote('Content-Type: application/json'));
    parts.push('-d', shellQuote(typeof body === 'string' ? body : JSON.stringify(body)));
  }
  parts.push(shellQuote(url));
  return parts.join(' ');
}

function shellQuote(text) {
  return "'" + text.replaceAll("'", "'\\''") + "'";
}
