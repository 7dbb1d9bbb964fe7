// The server's API (docs/api.md) from the page: the session cookie identifies the person, and every
// change carries the CSRF header the server asks of cookie-authenticated changes.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body, { keepalive = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' }, keepalive };
  if (method !== 'GET' && method !== 'HEAD') init.headers['X-Walkthrough-CSRF'] = '1';
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, 'offline', 'The server cannot be reached. Check the connection; nothing was lost.');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const err = json && json.error ? json.error : { code: 'http', message: `The server answered ${response.status}.` };
    throw new ApiError(response.status, err.code, err.message);
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.append(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// The live events (Server-Sent Events): one stream for the page, handlers by event kind. The
// EventSource reconnects and resumes by itself (Last-Event-ID).
const handlers = new Set();
let source = null;

export function onEvent(handler) {
  handlers.add(handler);
  if (!source) {
    source = new EventSource('/api/v1/events');
    const kinds = ['recording.added', 'recording.changed', 'recording.deleted', 'comment.added', 'comment.resolved',
      'comment.changed', 'comment.deleted', 'view.changed', 'assignment.changed', 'resync', 'ready'];
    for (const kind of kinds) {
      source.addEventListener(kind, (e) => {
        let data = {};
        try {
          data = JSON.parse(e.data);
        } catch (err) {
          return;
        }
        data.kind = data.kind || kind;
        // The stream is open and listening (tests wait for this before making changes elsewhere).
        if (kind === 'ready' || kind === 'resync') document.documentElement.dataset.live = '1';
        for (const h of handlers) h(data);
      });
    }
  }
  return () => handlers.delete(handler);
}

export function clearEventHandlers() {
  handlers.clear();
}
