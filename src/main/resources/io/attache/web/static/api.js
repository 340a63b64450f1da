// Calls to the server's JSON API. Every change carries the session's anti-forgery token.

let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

export function csrfToken() {
  return csrf;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, url, body) {
  const headers = {};
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = csrf || '';
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.startsWith('application/json')) {
    data = await response.json();
  }
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.error) || response.statusText);
  }
  return data;
}

export const get = (url) => call('GET', url);
export const post = (url, body) => call('POST', url, body || {});

/** The URL path of a file or folder path ("/a b/c" -> "/a%20b/c"). */
export function encodePath(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function join(folder, name) {
  return (folder === '/' ? '' : folder) + '/' + name;
}

export function parentOf(path) {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.substring(0, i);
}

export function nameOf(path) {
  return path.substring(path.lastIndexOf('/') + 1);
}
