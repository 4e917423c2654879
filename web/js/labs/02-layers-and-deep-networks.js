// Lesson 02: a network builder (layer widths → parameters per layer and in total, drawn as columns of
// units) and the lesson's 2-2-1 ReLU network that solves XOR, with every weight editable, the hidden
// units' values for each input and the four inputs redrawn in hidden space. Browser math; the defaults
// are the worked examples (3, 4, 4, 2 → 46 parameters; h1 = ReLU(x1 + x2), h2 = ReLU(x1 + x2 − 1), y = h1 − 2 h2).
import { el } from '../common.js';
import { controls, output, textInput, numberInput, select, table, num, svgEl } from './kit.js';

const PRESETS = [['3, 4, 4, 2', 'the lesson’s small network'], ['784, 128, 10', 'the MNIST classifier'], ['2, 2, 1', 'the XOR network'], ['256, 688, 256', 'one feed-forward block of course-tiny (as plain layers)']];

export function mount(root) {
  builder(root);
  xor(root);
}

/** Parameters of fully connected layers: (n + 1) × m per layer. */
export function layerParams(sizes) {
  return sizes.slice(1).map((m, i) => ({ n: sizes[i], m, weights: sizes[i] * m, biases: m, total: (sizes[i] + 1) * m }));
}

function builder(root) {
  root.append(el('h3', { text: 'Network builder' }),
    el('p', { class: 'muted', text: 'Type the width of every layer, input first and output last. Each layer from n to m units has n × m weights and m biases.' }));
  const box = controls(root);
  const widths = textInput(box, { label: 'layer widths', value: PRESETS[0][0], onInput: text => show(text) });
  widths.name = 'widths';
  select(box, { label: 'or pick an example', options: PRESETS.map(([v, t]) => [v, `${v} (${t})`]), value: PRESETS[0][0],
    onInput: v => { widths.value = v; show(v); } }).name = 'preset';
  const out = output(root);
  const show = text => {
    const parts = text.split(',').map(p => p.trim()).filter(p => p !== '');
    if (parts.length < 2 || parts.length > 12 || parts.some(p => !/^\d{1,6}$/.test(p) || Number(p) < 1)) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Type 2 to 12 whole numbers from 1 to 999999, separated by commas, such as 3, 4, 4, 2.' }));
      return;
    }
    const sizes = parts.map(Number), layers = layerParams(sizes);
    const total = layers.reduce((s, l) => s + l.total, 0);
    out.replaceChildren(diagram(sizes),
      table(['layer', 'weights n × m', 'biases m', 'parameters'], [
        ...layers.map((l, i) => [`${i === 0 ? 'input' : `hidden ${i}`} → ${i === layers.length - 1 ? 'output' : `hidden ${i + 1}`}`,
          `${fmt(l.n)} × ${fmt(l.m)} = ${fmt(l.weights)}`, fmt(l.biases), el('span', { 'data-value': `layer-${i + 1}`, text: fmt(l.total) })]),
        ['total', '', '', el('span', { 'data-value': 'total', text: fmt(total) })]]),
      el('p', { class: 'lab-verdict', text: `${sizes.length - 2} hidden layer${sizes.length === 3 ? '' : 's'}, ${fmt(total)} parameters.` }));
  };
  show(widths.value);
}

const fmt = n => n.toLocaleString('en');

/** Columns of circles, one per layer (at most 8 drawn per column, the rest summarised as "+k"). */
function diagram(sizes) {
  const w = 80 + 90 * (sizes.length - 1), h = 200, shown = s => Math.min(s, 8);
  const y = (i, s) => 24 + (h - 54) * (shown(s) === 1 ? 0.5 : i / (shown(s) - 1));
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart lab-network', style: `max-width: ${Math.min(640, 1.4 * w)}px`, role: 'img',
    'aria-label': `A fully connected network with layer widths ${sizes.join(', ')}` });
  sizes.forEach((s, L) => {
    if (L > 0) {
      for (let i = 0; i < shown(sizes[L - 1]); i++) for (let j = 0; j < shown(s); j++) {
        svg.append(svgEl('line', { x1: 40 + 90 * (L - 1), y1: y(i, sizes[L - 1]), x2: 40 + 90 * L, y2: y(j, s), stroke: '#c7cedb' }));
      }
    }
  });
  sizes.forEach((s, L) => {
    for (let i = 0; i < shown(s); i++) svg.append(svgEl('circle', { cx: 40 + 90 * L, cy: y(i, s), r: 7, fill: '#fff', stroke: '#2f5bd3', 'stroke-width': 2 }));
    svg.append(svgEl('text', { x: 40 + 90 * L, y: h - 6, 'font-size': 12, 'text-anchor': 'middle', fill: '#1d2330' }, fmt(s)));
  });
  if (sizes.some(s => s > 8)) svg.append(svgEl('text', { x: 4, y: 10, 'font-size': 10, fill: '#5b6475' }, 'at most 8 units drawn per layer'));
  return svg;
}

/** The lesson's XOR network; W1 rows are the hidden units, v the output weights. */
function xor(root) {
  root.append(el('h3', { text: 'A hidden layer solves XOR' }),
    el('p', { class: 'muted', text: 'Two hidden ReLU units feed one linear output. The defaults are the lesson’s weights; change any of them and see whether the network still gets all four inputs right.' }));
  const p = { w11: 1, w12: 1, b1: 0, w21: 1, w22: 1, b2: -1, v1: 1, v2: -2, c: 0 };
  const box = controls(root);
  for (const [key, label] of [['w11', 'h1: weight of x1'], ['w12', 'h1: weight of x2'], ['b1', 'h1: bias'], ['w21', 'h2: weight of x1'],
    ['w22', 'h2: weight of x2'], ['b2', 'h2: bias'], ['v1', 'output: weight of h1'], ['v2', 'output: weight of h2'], ['c', 'output: bias']]) {
    numberInput(box, { label, value: p[key], min: -9, max: 9, step: 0.5, onInput: v => { p[key] = v; show(); } }).name = key;
  }
  const out = output(root);
  const show = () => {
    const relu = z => Math.max(0, z);
    const rows = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([x1, x2]) => {
      const h1 = relu(p.w11 * x1 + p.w12 * x2 + p.b1), h2 = relu(p.w21 * x1 + p.w22 * x2 + p.b2);
      const y = p.v1 * h1 + p.v2 * h2 + p.c;
      return { x1, x2, h1, h2, y, t: x1 !== x2 ? 1 : 0 };
    });
    const right = rows.filter(r => Math.abs(r.y - r.t) < 0.25).length;
    out.replaceChildren(
      el('div', { class: 'lab-split' }, hiddenSpace(rows, p),
        table(['input (x1, x2)', 'h1', 'h2', 'output y', 'XOR'], rows.map((r, i) => [`(${r.x1}, ${r.x2})`,
          el('span', { 'data-value': `h1-${i}`, text: num(r.h1) }), el('span', { 'data-value': `h2-${i}`, text: num(r.h2) }),
          el('span', { 'data-value': `y-${i}`, text: num(r.y) }), String(r.t)]),
          `h1 = ReLU(${num(p.w11)}·x1 + ${num(p.w12)}·x2 + ${num(p.b1)}), h2 = ReLU(${num(p.w21)}·x1 + ${num(p.w22)}·x2 + ${num(p.b2)}), y = ${num(p.v1)}·h1 + ${num(p.v2)}·h2 + ${num(p.c)}`)),
      el('p', { class: 'lab-verdict' }, 'Right on ', el('span', { 'data-value': 'xor-right', text: `${right}/4` }), ' inputs (an output within 0.25 of the XOR value counts). ',
        right === 4 ? 'The hidden layer re-describes the inputs so that one line (the output unit) separates them.' : 'Not XOR any more: compare the hidden values with the defaults.'));
  };
  show();
}

/** The four inputs placed at their hidden values (h1, h2), and the output unit's line y = 0.5 there. */
function hiddenSpace(rows, p) {
  const size = 240, hi = Math.max(2.5, ...rows.map(r => Math.max(r.h1, r.h2) + 0.5)), lo = -0.5;
  const px = v => (v - lo) / (hi - lo) * size, py = v => size - (v - lo) / (hi - lo) * size;
  const svg = svgEl('svg', { viewBox: `0 0 ${size} ${size}`, class: 'chart lab-plane', role: 'img',
    'aria-label': `The four inputs in hidden space: ${rows.map(r => `(${r.x1},${r.x2}) at h = (${num(r.h1)}, ${num(r.h2)})`).join('; ')}` });
  svg.append(svgEl('line', { x1: px(0), y1: 0, x2: px(0), y2: size, stroke: '#d9dee7' }), svgEl('line', { x1: 0, y1: py(0), x2: size, y2: py(0), stroke: '#d9dee7' }));
  // v1·h1 + v2·h2 + c = 0.5 as two points on the square's edges
  const pts = [];
  if (p.v2 !== 0) for (const h1 of [lo, hi]) pts.push([h1, (0.5 - p.c - p.v1 * h1) / p.v2]);
  else if (p.v1 !== 0) for (const h2 of [lo, hi]) pts.push([(0.5 - p.c) / p.v1, h2]);
  if (pts.length === 2) svg.append(svgEl('line', { x1: px(pts[0][0]), y1: py(pts[0][1]), x2: px(pts[1][0]), y2: py(pts[1][1]), stroke: '#2f5bd3', 'stroke-width': 2, 'stroke-dasharray': '5 3' }));
  for (const r of rows) {
    const color = r.t ? '#1f7a4d' : '#a4461b';
    svg.append(svgEl('circle', { cx: px(r.h1), cy: py(r.h2), r: 7, fill: r.t ? color : '#fff', stroke: color, 'stroke-width': 3 }),
      svgEl('text', { x: px(r.h1) + 10, y: py(r.h2) - 8 - (r.x1 === 1 && r.x2 === 0 ? 12 : 0), 'font-size': 11, fill: '#1d2330' }, `(${r.x1},${r.x2})`));
  }
  svg.append(svgEl('text', { x: 4, y: 12, 'font-size': 11, fill: '#5b6475' }, 'hidden space: h1 → right, h2 → up'),
    svgEl('text', { x: 4, y: size - 4, 'font-size': 11, fill: '#5b6475' }, 'dashed: where y = 0.5'));
  return svg;
}
