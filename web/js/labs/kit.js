// The lesson widgets' shared parts: mounting a widget, labelled controls, number tables and SVG charts.
// Every widget is an ES module web/js/labs/<slug>.js exporting mount(root): root has data-lab="<slug>",
// and the widget puts its computed results inside an element with data-lab-output.
import { el, showError } from '../common.js';

/** Loads the lesson's widget into container; resolves to the widget's root, or null when the lesson has none. */
export async function mountLab(container, slug) {
  const root = el('section', { class: 'lab', 'data-lab': slug, 'aria-label': 'Lab widget' });
  container.append(root);
  try {
    const widget = await import(`./${encodeURIComponent(slug)}.js`);
    await widget.mount(root);
  } catch (e) {
    showError(root, e);
  }
  return root;
}

let nextId = 0;
const uid = prefix => `${prefix}-${++nextId}`;

/**
 * A range slider with its label and its current value printed beside it.
 * onInput(value) runs on every change; returns the <input> (read .valueAsNumber, set .value then dispatch 'input').
 */
export function slider(parent, { label, min, max, step = 1, value, format = v => String(v), onInput }) {
  const id = uid('lab-slider');
  const shown = el('output', { for: id, class: 'lab-value', text: format(Number(value)) });
  const input = el('input', { type: 'range', id, min, max, step, value,
    oninput: () => { shown.textContent = format(input.valueAsNumber); onInput(input.valueAsNumber); } });
  parent.append(el('label', { class: 'lab-control', for: id }, el('span', { text: label }), el('span', { class: 'lab-slider' }, input, shown)));
  return input;
}

/** A number box with its label. */
export function numberInput(parent, { label, value, min, max, step = 'any', onInput }) {
  const id = uid('lab-number');
  const input = el('input', { type: 'number', id, value, min, max, step, oninput: () => { if (input.value !== '') onInput(input.valueAsNumber); } });
  parent.append(el('label', { class: 'lab-control', for: id }, el('span', { text: label }), input));
  return input;
}

/** A text box (or textarea with rows) with its label. */
export function textInput(parent, { label, value = '', rows = 0, onInput, maxlength = 2000 }) {
  const id = uid('lab-text');
  const input = rows
    ? el('textarea', { id, rows, maxlength, oninput: () => onInput && onInput(input.value) })
    : el('input', { type: 'text', id, maxlength, value, oninput: () => onInput && onInput(input.value) });
  if (rows) input.value = value;
  parent.append(el('label', { class: 'lab-control wide', for: id }, el('span', { text: label }), input));
  return input;
}

/** A select with its label; options are [value, text] pairs. */
export function select(parent, { label, options, value, onInput }) {
  const id = uid('lab-select');
  const input = el('select', { id, onchange: () => onInput(input.value) },
    options.map(([v, t]) => el('option', { value: v, selected: String(v) === String(value) ? true : null, text: t })));
  parent.append(el('label', { class: 'lab-control', for: id }, el('span', { text: label }), input));
  return input;
}

/** The row of controls at the top of a widget. */
export function controls(root) {
  const box = el('div', { class: 'lab-controls' });
  root.append(box);
  return box;
}

/** The results region (data-lab-output), announced politely to screen readers when it changes. */
export function output(root) {
  const box = el('div', { class: 'lab-output', 'data-lab-output': '', 'aria-live': 'polite' });
  root.append(box);
  return box;
}

/** A table of numbers: header strings and rows of cells (strings or nodes). */
export function table(headers, rows, caption) {
  return el('table', { class: 'lab-table' },
    caption ? el('caption', { text: caption }) : null,
    headers ? el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col', text: h })))) : null,
    el('tbody', {}, rows.map(r => el('tr', {}, r.map((c, i) => i === 0 && headers ? el('th', { scope: 'row' }, c) : el('td', {}, c))))));
}

/** A number printed the way the lessons print them: up to `digits` decimals, trailing zeros dropped. */
export function num(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toFixed(digits));
  return Object.is(r, -0) ? '0' : String(r);
}

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (text only ever as textContent). */
export function svgEl(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * A line chart: series are { name, points: [[x, y], …], color?, dash? }; returns an <svg role="img">
 * whose label names it (the numbers themselves belong in a table beside it).
 * Options: width, height, xLabel, yLabel, xRange/yRange ([min, max]) and marks ([{ x, label }]).
 */
export function lineChart(series, { label, width = 560, height = 260, xLabel = '', yLabel = '', xRange, yRange, marks = [] } = {}) {
  const pad = { l: 48, r: 12, t: 12, b: 36 };
  const all = series.flatMap(s => s.points).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const [x0, x1] = xRange || extent(all.map(p => p[0]));
  const [y0, y1] = yRange || extent(all.map(p => p[1]));
  const sx = x => pad.l + (width - pad.l - pad.r) * (x - x0) / ((x1 - x0) || 1);
  const sy = y => height - pad.b - (height - pad.t - pad.b) * (y - y0) / ((y1 - y0) || 1);
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart lab-chart', role: 'img', 'aria-label': label || 'chart' });
  svg.append(svgEl('line', { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, stroke: '#8a92a3' }),
    svgEl('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, stroke: '#8a92a3' }));
  for (const t of ticks(x0, x1)) svg.append(svgEl('text', { x: sx(t), y: height - pad.b + 14, 'font-size': 11, 'text-anchor': 'middle', fill: '#5b6475' }, num(t, 3)));
  for (const t of ticks(y0, y1)) svg.append(svgEl('text', { x: pad.l - 4, y: sy(t) + 4, 'font-size': 11, 'text-anchor': 'end', fill: '#5b6475' }, num(t, 3)));
  if (xLabel) svg.append(svgEl('text', { x: (pad.l + width - pad.r) / 2, y: height - 4, 'font-size': 12, 'text-anchor': 'middle', fill: '#1d2330' }, xLabel));
  if (yLabel) svg.append(svgEl('text', { x: 12, y: pad.t + 4, 'font-size': 12, fill: '#1d2330', 'dominant-baseline': 'hanging', transform: `rotate(-90 12 ${pad.t + 4}) translate(-${height - pad.t - pad.b} 0)` }, yLabel));
  for (const m of marks) {
    svg.append(svgEl('line', { x1: sx(m.x), y1: pad.t, x2: sx(m.x), y2: height - pad.b, stroke: '#a4461b', 'stroke-dasharray': '4 3' }));
    if (m.label) svg.append(svgEl('text', { x: sx(m.x) + 4, y: pad.t + 12, 'font-size': 11, fill: '#a4461b' }, m.label));
  }
  const palette = ['#2f5bd3', '#1f7a4d', '#a4461b', '#7b3fb0', '#8a6d00'];
  series.forEach((s, i) => {
    const pts = s.points.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (!pts.length) return;
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(Math.max(y0, Math.min(y1, p[1]))).toFixed(1)}`).join('');
    svg.append(svgEl('path', { d, fill: 'none', stroke: s.color || palette[i % palette.length], 'stroke-width': 2, 'stroke-dasharray': s.dash || 'none' }));
  });
  if (series.length > 1) {
    series.forEach((s, i) => svg.append(svgEl('text', { x: width - pad.r - 4, y: pad.t + 12 + 14 * i, 'font-size': 11, 'text-anchor': 'end',
      fill: s.color || palette[i % palette.length] }, s.name)));
  }
  return svg;
}

/** Horizontal bars for labelled values in [0, max]: each row shows its label, a bar and the number as text. */
export function bars(rows, { max, format = v => num(v, 3), label = 'values' } = {}) {
  const top = max ?? Math.max(1e-12, ...rows.map(r => Math.abs(r.value)));
  return el('div', { class: 'lab-bars', role: 'list', 'aria-label': label },
    rows.map(r => el('div', { class: 'lab-bar-row' + (r.highlight ? ' highlight' : ''), role: 'listitem' },
      el('span', { class: 'lab-bar-label', text: r.label }),
      el('span', { class: 'lab-bar-track' }, el('span', { class: 'lab-bar' + (r.value < 0 ? ' negative' : ''), style: `width:${(100 * Math.min(1, Math.abs(r.value) / top)).toFixed(1)}%` })),
      el('span', { class: 'lab-bar-value', text: format(r.value) }))));
}

function extent(values) {
  if (!values.length) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { lo -= 1; hi += 1; }
  return [lo, hi];
}

function ticks(lo, hi, count = 5) {
  const step = niceStep((hi - lo) / count);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/**
 * For widgets that ask the server: returns a trigger that runs run(signal) once the learner pauses
 * (delay ms; trigger(true) runs at once), aborting the request before it, and shows a failure
 * (a busy server's 429 included) in `out` instead of the results.
 */
export function debounced(out, run, delay = 350) {
  let timer = 0, controller = null;
  return (now = false) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      const mine = controller = new AbortController();
      try {
        await run(mine.signal);
      } catch (e) {
        if (e.name !== 'AbortError' && mine === controller) showError(out, e);
      }
    }, now ? 0 : delay);
  };
}
