// Lesson 00: two vectors under sliders (dot product, lengths, cosine, angle) and a shape calculator
// for matrix multiplication and broadcasting. Browser math; the defaults are the lesson's worked example
// (the two rows of W: cosine ≈ 0.135).
import { el } from '../common.js';
import { controls, output, slider, table, num, textInput } from './kit.js';

const A = [1, 0, 2], B = [-1, 3, 1];

export function mount(root) {
  root.append(el('h3', { text: 'Two vectors' }),
    el('p', { class: 'muted', text: 'Move the sliders. The numbers below are recomputed from the formulas in the lesson.' }));
  const a = A.slice(), b = B.slice();
  const box = controls(root);
  [['a', a], ['b', b]].forEach(([name, v]) => v.forEach((x, i) => slider(box, {
    label: `${name}${i + 1}`, min: -5, max: 5, step: 0.5, value: x, onInput: value => { v[i] = value; show(); } })));
  const out = output(root);
  const show = () => {
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    const na = Math.hypot(...a), nb = Math.hypot(...b);
    const cos = na && nb ? dot / (na * nb) : NaN;
    const angle = Number.isFinite(cos) ? Math.acos(Math.max(-1, Math.min(1, cos))) * 180 / Math.PI : NaN;
    out.replaceChildren(table(['quantity', 'formula', 'value'], [
      ['a · b', a.map((x, i) => `${signed(x)}×${signed(b[i])}`).join(' + '), el('span', { 'data-value': 'dot', text: num(dot) })],
      ['‖a‖', `√(${a.map(x => `${signed(x)}²`).join(' + ')})`, el('span', { 'data-value': 'norm-a', text: num(na) })],
      ['‖b‖', `√(${b.map(x => `${signed(x)}²`).join(' + ')})`, el('span', { 'data-value': 'norm-b', text: num(nb) })],
      ['cos θ', 'a · b / (‖a‖ ‖b‖)', el('span', { 'data-value': 'cosine', text: Number.isFinite(cos) ? num(cos) : 'undefined (a zero vector)' })],
      ['θ', 'arccos(cos θ)', el('span', { 'data-value': 'angle', text: Number.isFinite(angle) ? `${num(angle, 1)}°` : '–' })],
    ]), el('p', { class: 'lab-verdict', text: verdict(cos) }));
  };
  show();
  shapes(root);
}

/** A number in a formula: negative ones in brackets, as the lesson writes them. */
const signed = x => x < 0 ? `(${num(x)})` : num(x);

function verdict(cos) {
  if (!Number.isFinite(cos)) return 'A vector of length zero has no direction, so the cosine is undefined.';
  if (cos > 0.9) return 'They point almost the same way: strong agreement.';
  if (cos < -0.9) return 'They point in opposite directions.';
  if (Math.abs(cos) < 0.2) return 'Nearly perpendicular: they share almost nothing.';
  return cos > 0 ? 'They partly agree.' : 'They partly disagree.';
}

/** Matrix multiplication and broadcasting for two typed shapes such as "64, 784" and "784, 128". */
function shapes(root) {
  root.append(el('h3', { text: 'Shape calculator' }),
    el('p', { class: 'muted', text: 'Type two shapes as comma-separated sizes, for example 64, 784 and 784, 128.' }));
  const box = controls(root);
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'shapes', 'aria-live': 'polite' });
  const left = textInput(box, { label: 'shape of A', value: '64, 784', onInput: () => show() });
  const right = textInput(box, { label: 'shape of B', value: '784, 128', onInput: () => show() });
  root.append(out);
  const show = () => {
    const s1 = parse(left.value), s2 = parse(right.value);
    if (!s1 || !s2) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'A shape is a list of whole numbers ≥ 1, such as 3, 224, 224.' }));
      return;
    }
    out.replaceChildren(table(['operation', 'result'], [
      ['A @ B (matrix multiplication)', el('span', { 'data-value': 'matmul', text: matmul(s1, s2) })],
      ['A + B (broadcasting)', el('span', { 'data-value': 'broadcast', text: broadcast(s1, s2) })],
    ]));
  };
  show();
}

function parse(text) {
  const parts = text.split(',').map(p => p.trim()).filter(p => p !== '');
  if (!parts.length || parts.length > 6 || parts.some(p => !/^\d{1,7}$/.test(p) || Number(p) < 1)) return null;
  return parts.map(Number);
}

const fmt = s => `(${s.join(', ')})`;

/** Batched matmul like NumPy: the last two axes multiply, the leading ones broadcast. */
export function matmul(a, b) {
  const x = a.length === 1 ? [1, a[0]] : a, y = b.length === 1 ? [b[0], 1] : b;
  const k1 = x[x.length - 1], k2 = y[y.length - 2];
  if (k1 !== k2) return `undefined: inner sizes ${k1} and ${k2} differ`;
  const batch = broadcastShape(x.slice(0, -2), y.slice(0, -2));
  if (!batch) return 'undefined: the batch axes do not broadcast';
  const out = batch.concat(a.length === 1 ? [] : [x[x.length - 2]], b.length === 1 ? [] : [y[y.length - 1]]);
  return `${fmt(out)}: ${out.reduce((p, s) => p * s, 1).toLocaleString('en')} dot products of length ${k1}`;
}

export function broadcast(a, b) {
  const s = broadcastShape(a, b);
  return s ? fmt(s) : `undefined: ${fmt(a)} and ${fmt(b)} differ on an axis where neither is 1`;
}

function broadcastShape(a, b) {
  const out = [];
  for (let i = 1; i <= Math.max(a.length, b.length); i++) {
    const x = a[a.length - i] ?? 1, y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.unshift(Math.max(x, y));
  }
  return out;
}
