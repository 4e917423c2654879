// Shared helpers: the header, safe DOM building and API calls with readable errors.

/** Builds an element; text always goes in as text (never HTML), so model output cannot inject markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const PAGES = [['/', 'Chat'], ['/course', 'Course'], ['/tokenize', 'Tokenizer'], ['/sampling', 'Sampling'], ['/training', 'Training']];

export function header(current) {
  const nav = el('nav', { 'aria-label': 'Main' },
    PAGES.map(([href, name]) => el('a', { href, 'aria-current': name === current ? 'page' : null, text: name })));
  document.body.prepend(el('header', { class: 'top' }, el('a', { class: 'brand', href: '/', text: 'Glassbox' }), nav));
}

/** A thrown error carries the HTTP status and, for 429, how long to wait. */
export class ApiFailure extends Error {
  constructor(status, message, retryAfter) { super(message); this.status = status; this.retryAfter = retryAfter; }
}

export async function failure(res) {
  let message = `HTTP ${res.status}`;
  try { const body = await res.json(); if (body && body.error && body.error.message) message = body.error.message; } catch (_) { /* not JSON */ }
  if (res.status === 429) message = `The server is busy. Please retry in ${res.headers.get('Retry-After') || 1} s.`;
  return new ApiFailure(res.status, message, Number(res.headers.get('Retry-After') || 0));
}

const KEY = 'glassbox-api-key';

/**
 * fetch() with the server's API key, when it has one: the key is asked once, on the first 401,
 * and kept in this tab's session storage (gone when the tab closes).
 */
export async function apiFetch(url, init = {}) {
  const send = () => {
    const key = sessionStorage.getItem(KEY);
    const headers = Object.assign({}, init.headers, key ? { Authorization: `Bearer ${key}` } : {});
    return fetch(url, Object.assign({}, init, { headers }));
  };
  let res = await send();
  if (res.status === 401) {
    const key = window.prompt(sessionStorage.getItem(KEY) ? 'That API key was refused. API key:' : 'This server needs an API key:');
    if (key) {
      sessionStorage.setItem(KEY, key.trim());
      res = await send();
    }
  }
  return res;
}

export async function getJson(url) {
  const res = await apiFetch(url);
  if (!res.ok) throw await failure(res);
  return res.json();
}

export async function postJson(url, body, signal) {
  const res = await apiFetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
  if (!res.ok) throw await failure(res);
  return res.json();
}

export function showError(container, error, retry) {
  container.replaceChildren(el('div', { class: 'error', role: 'alert' }, error.message || String(error),
    retry ? el('button', { class: 'secondary', style: 'margin-left:.8rem', onclick: retry, text: 'Retry' }) : null));
}

/** A search snippet holds escaped text and <mark> tags only: rebuild it as DOM without ever parsing it as HTML. */
export function snippet(text) {
  const span = el('span');
  let marked = false;
  for (const part of String(text).split(/(<\/?mark>)/)) {
    if (part === '<mark>') { marked = true; continue; }
    if (part === '</mark>') { marked = false; continue; }
    const decoded = decodeEntities(part);
    span.append(marked ? el('mark', { text: decoded }) : document.createTextNode(decoded));
  }
  return span;
}

function decodeEntities(s) {
  return s.replace(/&(lt|gt|amp|quot|#x[0-9a-fA-F]+|#\d+);/g, (m, e) => e[0] !== '#' ? { lt: '<', gt: '>', amp: '&', quot: '"' }[e]
    : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
}

/** Token text for display: whitespace made visible so chips show where spaces and newlines are. */
export function visible(text) {
  return String(text).replace(/ /g, '\u00b7').replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5') || '\u2205';
}

export function pct(p) {
  return p >= 0.1 ? `${(p * 100).toFixed(1)}%` : p >= 0.001 ? `${(p * 100).toFixed(2)}%` : p.toExponential(1);
}

/** A URL part decoded, or left as it is when its % escapes are malformed (decodeURIComponent would throw). */
export function decoded(part) {
  try {
    return decodeURIComponent(part);
  } catch (_) {
    return part;
  }
}

/**
 * Typesets the lesson's formulas (span.math, display or inline) with KaTeX, when the page loaded it.
 * A long lesson has a few hundred formulas: the work is cut into slices of about 8 ms (50 ms on a slow phone), so the page
 * stays responsive (call it on the lesson before it is shown, and await it).
 */
export async function renderMath(node) {
  if (!window.katex) return;
  let sliceStart = performance.now();
  for (const span of node.querySelectorAll('span.math')) {
    window.katex.render(span.textContent, span, { throwOnError: false, displayMode: span.classList.contains('display') });
    if (performance.now() - sliceStart > 8) {
      await new Promise(resolve => setTimeout(resolve));
      sliceStart = performance.now();
    }
  }
}

export function params() {
  return new URLSearchParams(location.search);
}

/**
 * Parses a server-sent-event stream into JSON objects, stopping at [DONE]. Every Glassbox stream
 * ends with [DONE], so a stream that ends without it was cut (e.g. a replica behind the load
 * balancer stopped mid-answer, and the proxy could only close the connection): that is an error.
 */
export async function* sse(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error('The answer was cut off: the connection closed before the server finished. Please ask again.');
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') return;
        yield JSON.parse(data);
      }
    }
  }
}
