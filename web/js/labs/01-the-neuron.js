// Lesson 01: one neuron's weighted sum, step and sigmoid (the lesson's worked example), then a perceptron
// on the 2-D plane: its decision line over the four corners, the learning rule one step at a time, and
// the AND / OR / XOR table that shows which gate no single line can solve. Browser math; the defaults are
// the lesson's worked example (sum 0.31, sigmoid 0.577) and exercise 1 (w = (0.2, -0.4), b = 0, η = 0.5).
import { el } from '../common.js';
import { controls, output, slider, select, table, num, svgEl } from './kit.js';

const X = [0.6, 0.2, 0.9], W = [0.4, -0.5, 0.3], BIAS = -0.1;
const CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const GATES = {
  AND: ([a, b]) => a && b ? 1 : 0,
  OR: ([a, b]) => a || b ? 1 : 0,
  XOR: ([a, b]) => a !== b ? 1 : 0,
};

export function mount(root) {
  neuron(root);
  perceptron(root);
}

const sigmoid = z => 1 / (1 + Math.exp(-z));
const step = z => z > 0 ? 1 : 0;
/** Keeps hand-set and learned numbers free of float dust (0.30000000000000004). */
const tidy = x => Math.round(x * 1e9) / 1e9;

/** Part 1: three inputs, three weights and a bias → weighted sum, step output, sigmoid output. */
function neuron(root) {
  root.append(el('h3', { text: 'One neuron' }),
    el('p', { class: 'muted', text: 'The defaults are the lesson’s worked example. Move the bias to −0.5 and watch the step output flip.' }));
  const x = X.slice(), w = W.slice();
  let b = BIAS;
  const box = controls(root);
  x.forEach((v, i) => slider(box, { label: `input x${i + 1}`, min: -1, max: 1, step: 0.1, value: v, onInput: value => { x[i] = value; show(); } }).name = `x${i + 1}`);
  w.forEach((v, i) => slider(box, { label: `weight w${i + 1}`, min: -1, max: 1, step: 0.1, value: v, onInput: value => { w[i] = value; show(); } }).name = `w${i + 1}`);
  slider(box, { label: 'bias b', min: -1, max: 1, step: 0.1, value: b, onInput: value => { b = value; show(); } }).name = 'bias';
  const out = output(root);
  const show = () => {
    const terms = w.map((wi, i) => tidy(wi * x[i]));
    const z = tidy(terms.reduce((s, t) => s + t, 0) + b);
    out.replaceChildren(table(['quantity', 'formula', 'value'], [
      ['weighted sum z', `${w.map((wi, i) => `${signed(wi)}×${signed(x[i])}`).join(' + ')} + ${signed(b)} = ${terms.map(signed).join(' + ')} + ${signed(b)}`,
        el('span', { 'data-value': 'sum', text: num(z) })],
      ['step output', 'z > 0 ? 1 : 0', el('span', { 'data-value': 'step', text: String(step(z)) })],
      ['sigmoid output', `1 / (1 + e^(−z)) = 1 / (1 + ${num(Math.exp(-z))})`, el('span', { 'data-value': 'sigmoid', text: num(sigmoid(z)) })],
    ]), el('p', { class: 'lab-verdict', text: step(z)
      ? `The neuron fires: z = ${num(z)} is above 0, and the sigmoid reads it as a ${sigmoid(z) > 0.7 ? 'confident' : 'mild'} “yes”.`
      : `The neuron stays silent: z = ${num(z)} is not above 0, and the sigmoid is below 0.5.` }));
  };
  show();
}

/** Part 2: a two-input perceptron, its line on the plane, the learning rule, and the three gates. */
function perceptron(root) {
  root.append(el('h3', { text: 'A perceptron on the plane' }),
    el('p', { class: 'muted', text: 'Two inputs, so the neuron’s boundary w1·x1 + w2·x2 + b = 0 is a line. Pick a gate, move the line by hand, or let the learning rule move it.' }));
  const state = { w1: 0.2, w2: -0.4, b: 0, eta: 0.5, gate: 'AND', point: 3, log: 'The defaults are exercise 1: press “apply the rule” once to see its answer.' };
  const box = controls(root);
  const sliders = {};
  for (const [key, label] of [['w1', 'weight w1'], ['w2', 'weight w2'], ['b', 'bias b']]) {
    sliders[key] = slider(box, { label, min: -3, max: 3, step: 0.1, value: state[key], format: v => num(v),
      onInput: value => { state[key] = value; state.log = ''; show(); } });
    sliders[key].name = key;
  }
  slider(box, { label: 'learning rate η', min: 0.1, max: 1, step: 0.1, value: state.eta, onInput: value => { state.eta = value; } }).name = 'eta';
  select(box, { label: 'gate', options: Object.keys(GATES).map(g => [g, g]), value: state.gate, onInput: g => { state.gate = g; state.log = ''; show(); } }).name = 'gate';
  select(box, { label: 'training point', options: CORNERS.map((p, i) => [i, `(${p.join(', ')})`]), value: state.point,
    onInput: i => { state.point = Number(i); } }).name = 'point';
  const actions = el('div', { class: 'lab-controls' },
    el('button', { type: 'button', 'data-action': 'rule', text: 'Apply the rule to the training point', onclick: () => { state.log = applyRule(state, state.point); sync(); } }),
    el('button', { type: 'button', 'data-action': 'epoch', text: 'One pass over all four points', onclick: () => { state.log = epoch(state).log; sync(); } }),
    el('button', { type: 'button', 'data-action': 'train', text: 'Train until it settles (at most 100 passes)', onclick: () => { state.log = train(state); sync(); } }));
  root.append(actions);
  const out = output(root);
  /** After learning: move the sliders to the learned numbers (their own text shows the exact value). */
  const sync = () => {
    for (const key of ['w1', 'w2', 'b']) {
      sliders[key].value = state[key];
      sliders[key].parentNode.querySelector('output').textContent = num(state[key]);
    }
    show();
  };
  const show = () => {
    const f = GATES[state.gate];
    const rows = CORNERS.map(p => {
      const z = tidy(state.w1 * p[0] + state.w2 * p[1] + state.b);
      return { p, z, y: step(z), t: f(p) };
    });
    const correct = rows.filter(r => r.y === r.t).length;
    out.replaceChildren(
      el('div', { class: 'lab-split' }, plane(state, rows),
        table(['input', 'target', 'z', 'output', 'right?'], rows.map(r => [`(${r.p.join(', ')})`, String(r.t), num(r.z), String(r.y), r.y === r.t ? 'yes' : 'no']),
          `${state.gate} with w = (${num(state.w1)}, ${num(state.w2)}), b = ${num(state.b)}`)),
      el('p', { class: 'lab-verdict' }, 'This line gets ', el('span', { 'data-value': 'correct', text: `${correct}/4` }), ` corners of ${state.gate} right.`),
      el('p', { 'data-value': 'log', text: state.log || 'Moved by hand.' }),
      el('p', {}, 'Learned so far: w = (', el('span', { 'data-value': 'w1', text: num(state.w1) }), ', ',
        el('span', { 'data-value': 'w2', text: num(state.w2) }), '), b = ', el('span', { 'data-value': 'b', text: num(state.b) }), '.'),
      gatesTable(state));
  };
  show();
}

/** The rule w ← w + η (t − y) x, b ← b + η (t − y) on one corner; returns what happened, in words. */
function applyRule(s, index) {
  const p = CORNERS[index], t = GATES[s.gate](p);
  const z = tidy(s.w1 * p[0] + s.w2 * p[1] + s.b), y = step(z);
  if (y === t) return `(${p.join(', ')}): z = ${num(z)}, output ${y}, target ${t}. Right, so nothing changes.`;
  const d = s.eta * (t - y);
  s.w1 = tidy(s.w1 + d * p[0]);
  s.w2 = tidy(s.w2 + d * p[1]);
  s.b = tidy(s.b + d);
  const z2 = tidy(s.w1 * p[0] + s.w2 * p[1] + s.b);
  return `(${p.join(', ')}): z = ${num(z)}, output ${y}, target ${t}, error ${t - y}. Each weight moves by η·error·input: ` +
    `w = (${num(s.w1)}, ${num(s.w2)}), b = ${num(s.b)}; now z = ${num(z2)} and the output is ${step(z2)}.`;
}

function epoch(s) {
  let changes = 0;
  for (let i = 0; i < CORNERS.length; i++) {
    const before = [s.w1, s.w2, s.b].join();
    applyRule(s, i);
    if ([s.w1, s.w2, s.b].join() !== before) changes++;
  }
  return { changes, log: `One pass: ${changes} of the 4 corners were wrong and moved the line.` };
}

function train(s) {
  for (let n = 1; n <= 100; n++) {
    if (epoch(s).changes === 0) return `Settled after ${n} passes: a pass with no mistakes, so every corner is right.`;
  }
  return `Still changing after 100 passes: every line gets at least one corner of ${s.gate} wrong, so the rule never stops.`;
}

/** For each gate: how many corners the current line gets right, and the best any line on a grid can do. */
function gatesTable(s) {
  const rows = Object.entries(GATES).map(([name, f]) => {
    const mine = CORNERS.filter(p => step(s.w1 * p[0] + s.w2 * p[1] + s.b) === f(p)).length;
    const best = bestLine(f);
    return [name, `${mine}/4`, el('span', { 'data-value': `best-${name}`, text: `${best}/4` }), best === 4 ? 'yes' : 'no: no line separates its corners'];
  });
  return table(['gate', 'your line', 'best line (grid search)', 'one line can solve it?'], rows,
    'Every line with w1, w2, b in −2 … 2 (steps of 0.25) tried on each gate');
}

const best = new Map();
function bestLine(f) {
  if (best.has(f)) return best.get(f);
  let top = 0;
  for (let w1 = -2; w1 <= 2; w1 += 0.25) for (let w2 = -2; w2 <= 2; w2 += 0.25) for (let b = -2; b <= 2; b += 0.25) {
    top = Math.max(top, CORNERS.filter(p => step(w1 * p[0] + w2 * p[1] + b) === f(p)).length);
  }
  best.set(f, top);
  return top;
}

/** The square −0.5 … 1.5 on both axes: the side where the perceptron outputs 1 shaded, the line, the corners. */
function plane(s, rows) {
  const size = 240, lo = -0.5, hi = 1.5;
  const px = x => (x - lo) / (hi - lo) * size, py = y => size - (y - lo) / (hi - lo) * size;
  const svg = svgEl('svg', { viewBox: `0 0 ${size} ${size}`, class: 'chart lab-plane', role: 'img',
    'aria-label': `Decision line ${num(s.w1)}·x1 + ${num(s.w2)}·x2 + ${num(s.b)} = 0 over the four corners; the shaded side outputs 1` });
  const square = [[lo, lo], [hi, lo], [hi, hi], [lo, hi]];
  const inside = p => s.w1 * p[0] + s.w2 * p[1] + s.b > 0;
  const poly = clip(square, inside, (p, q) => {
    const zp = s.w1 * p[0] + s.w2 * p[1] + s.b, zq = s.w1 * q[0] + s.w2 * q[1] + s.b, t = zp / (zp - zq);
    return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
  });
  if (poly.length >= 3) svg.append(svgEl('polygon', { points: poly.map(p => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' '), fill: '#e5ecfd' }));
  for (const t of [0, 1]) {
    svg.append(svgEl('line', { x1: px(t), y1: 0, x2: px(t), y2: size, stroke: '#d9dee7' }), svgEl('line', { x1: 0, y1: py(t), x2: size, y2: py(t), stroke: '#d9dee7' }));
  }
  const edge = poly.filter(p => Math.abs(s.w1 * p[0] + s.w2 * p[1] + s.b) < 1e-9);
  if (edge.length >= 2) svg.append(svgEl('line', { x1: px(edge[0][0]), y1: py(edge[0][1]), x2: px(edge[1][0]), y2: py(edge[1][1]), stroke: '#2f5bd3', 'stroke-width': 2 }));
  for (const r of rows) {
    const color = r.y === r.t ? '#1f7a4d' : '#a4461b';
    svg.append(svgEl('circle', { cx: px(r.p[0]), cy: py(r.p[1]), r: 8, fill: r.t ? color : '#fff', stroke: color, 'stroke-width': 3 }),
      svgEl('text', { x: px(r.p[0]) + 12, y: py(r.p[1]) - 8, 'font-size': 12, fill: '#1d2330' }, `(${r.p.join(',')}) → ${r.y}`));
  }
  svg.append(svgEl('text', { x: 4, y: size - 4, 'font-size': 11, fill: '#5b6475' }, 'filled: target 1 · red: wrong'));
  return svg;
}

/** Sutherland–Hodgman: the part of a convex polygon on the inside of a half-plane. */
function clip(polygon, inside, cross) {
  const out = [];
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    if (inside(p)) out.push(p);
    if (inside(p) !== inside(q)) out.push(cross(p, q));
  });
  return out;
}

const signed = x => x < 0 ? `(${num(x)})` : num(x);
