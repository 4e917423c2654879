// Lesson 04: the lesson's one-neuron network ŷ = w·x + b with squared loss, trained live: the forward value
// and the gradient on every edge of its computation graph, the update the next step will make, a
// learning-rate slider (past 1 / (x² + 1) every step overshoots and the loss explodes) and the loss curve.
// Browser math; the defaults are the worked example (w = 0.5, b = 0, x = 2, y = 2, η = 0.05: loss 1 → 0.25).
import { el } from '../common.js';
import { controls, output, slider, numberInput, table, num, lineChart, svgEl } from './kit.js';

const START = { w: 0.5, b: 0, x: 2, y: 2, eta: 0.05 };
const MAX_STEPS = 200;

/** Forward and backward for L = (w·x + b − y)²; every intermediate value and every gradient. */
export function pass(w, b, x, y) {
  const wx = w * x, yhat = wx + b, loss = (yhat - y) ** 2;
  const dYhat = 2 * (yhat - y);          // ∂L/∂ŷ
  return { wx, yhat, loss, dYhat, dWx: dYhat, dW: dYhat * x, dB: dYhat, dX: dYhat * w };
}

export function mount(root) {
  root.append(el('h3', { text: 'Train one neuron by hand' }),
    el('p', { class: 'muted', text: 'The network is ŷ = w·x + b with the loss L = (ŷ − y)². Press “one step” to run the forward pass, backpropagate and update w and b. Then raise the learning rate.' }));
  const start = { ...START };
  const run = { w: start.w, b: start.b, history: [] };
  const box = controls(root);
  const reset = () => { run.w = start.w; run.b = start.b; run.history = []; show(); };
  for (const [key, label] of [['w', 'starting weight w'], ['b', 'starting bias b'], ['x', 'input x'], ['y', 'target y']]) {
    numberInput(box, { label, value: start[key], min: -10, max: 10, step: 0.1, onInput: v => { if (Math.abs(v) <= 10) { start[key] = v; reset(); } } }).name = key;
  }
  slider(box, { label: 'learning rate η', min: 0.01, max: 1, step: 0.01, value: start.eta, onInput: v => { start.eta = v; show(); } }).name = 'eta';
  const step = n => {
    for (let i = 0; i < n && run.history.length < MAX_STEPS; i++) {
      const f = pass(run.w, run.b, start.x, start.y);
      if (!Number.isFinite(f.loss) || f.loss > 1e12) break;
      run.history.push({ w: run.w, b: run.b, loss: f.loss });
      run.w = tidy(run.w - start.eta * f.dW);
      run.b = tidy(run.b - start.eta * f.dB);
    }
    show();
  };
  root.append(el('div', { class: 'lab-controls' },
    el('button', { type: 'button', 'data-action': 'step', text: 'One step', onclick: () => step(1) }),
    el('button', { type: 'button', 'data-action': 'steps', text: 'Ten steps', onclick: () => step(10) }),
    el('button', { type: 'button', 'data-action': 'reset', text: 'Start again', onclick: reset })));
  const out = output(root);
  const show = () => {
    const { x, y, eta } = start, f = pass(run.w, run.b, x, y);
    const w2 = tidy(run.w - eta * f.dW), b2 = tidy(run.b - eta * f.dB), g = pass(w2, b2, x, y);
    const factor = 1 - 2 * eta * (x * x + 1), limit = 1 / (x * x + 1);
    const v = (name, value) => el('span', { 'data-value': name, text: num(value) });
    const losses = run.history.map((h, i) => [i, h.loss]).concat([[run.history.length, f.loss]]);
    const first = losses[0][1];
    out.replaceChildren(
      el('p', {}, 'Step ', el('span', { 'data-value': 'step', text: String(run.history.length) }), `: w = ${num(run.w)}, b = ${num(run.b)}.`),
      graph(run.w, run.b, x, y, f),
      table(['quantity', 'forward value', 'gradient ∂L/∂(quantity)'], [
        ['w', num(run.w), v('dL-dw', f.dW)],
        ['b', num(run.b), v('dL-db', f.dB)],
        ['w·x', num(f.wx), num(f.dWx)],
        ['ŷ = w·x + b', v('yhat', f.yhat), v('dL-dyhat', f.dYhat)],
        ['L = (ŷ − y)²', v('loss', f.loss), '1'],
      ], `chain rule: ∂L/∂w = ∂L/∂ŷ · x = ${num(f.dYhat)} × ${num(x)}; ∂L/∂b = ∂L/∂ŷ · 1`),
      table(['after the next step', 'value'], [
        [`w − η·∂L/∂w = ${num(run.w)} − ${num(eta)} × ${signed(f.dW)}`, v('w-next', w2)],
        [`b − η·∂L/∂b = ${num(run.b)} − ${num(eta)} × ${signed(f.dB)}`, v('b-next', b2)],
        ['new output ŷ', v('yhat-next', g.yhat)],
        ['new loss', v('loss-next', g.loss)],
      ]),
      el('p', { class: 'lab-verdict', 'data-value': 'verdict', text: verdict(factor, limit, eta) }),
      lineChart([{ name: 'loss', points: losses }], { label: `Loss by step at learning rate ${num(eta)}`, xLabel: 'step', yLabel: 'loss',
        xRange: [0, Math.max(10, losses.length - 1)], yRange: [0, Math.max(1e-6, first) * 1.5] }),
      table(['step', 'w', 'b', 'loss'], losses.slice(-50).map(([i, loss]) => [String(i), num(i < run.history.length ? run.history[i].w : run.w),
        num(i < run.history.length ? run.history[i].b : run.b), num(loss, 6)]), 'the numbers behind the curve (the last 50 steps)'));
  };
  show();
}

/** Each step multiplies the error ŷ − y by 1 − 2η(x² + 1): the run converges when that factor lies in (−1, 1). */
function verdict(factor, limit, eta) {
  const f = `Each step multiplies the error by 1 − 2η(x² + 1) = ${num(factor)}`;
  if (Math.abs(factor) < 1e-12) return `${f}: this learning rate lands on the target in one step.`;
  if (Math.abs(factor) < 1) return `${f}: the error shrinks every step, so training converges${factor < 0 ? ', overshooting back and forth' : ''}. Above η = ${num(limit)} it would diverge.`;
  if (Math.abs(factor) === 1) return `${f}: the error never shrinks; the run bounces forever.`;
  return `${f}: with η = ${num(eta)} every step overshoots further than the last and the loss explodes (diverges). Stay below η = ${num(limit)}.`;
}

/** x and w meet at ×, b joins at +, ŷ goes into the loss: values above each edge, gradients below. */
function graph(w, b, x, y, f) {
  const svg = svgEl('svg', { viewBox: '0 0 520 190', class: 'chart lab-graph', role: 'img',
    'aria-label': `Computation graph: x = ${num(x)} and w = ${num(w)} multiply to ${num(f.wx)}, plus b = ${num(b)} gives ŷ = ${num(f.yhat)}, loss ${num(f.loss)}; gradients ∂L/∂w = ${num(f.dW)}, ∂L/∂b = ${num(f.dB)}, ∂L/∂ŷ = ${num(f.dYhat)}` });
  const node = (cx, cy, label) => svg.append(svgEl('circle', { cx, cy, r: 18, fill: '#fff', stroke: '#1d2330', 'stroke-width': 1.5 }),
    svgEl('text', { x: cx, y: cy + 5, 'font-size': 14, 'text-anchor': 'middle', fill: '#1d2330' }, label));
  /** An edge with its value above and its gradient below the midpoint, or at `at` ([x, y], right-aligned) when given. */
  const edge = (x1, y1, x2, y2, value, grad, at) => {
    svg.append(svgEl('line', { x1, y1, x2, y2, stroke: '#8a92a3', 'stroke-width': 2 }));
    const [mx, my] = at || [(x1 + x2) / 2, (y1 + y2) / 2], anchor = at ? 'end' : 'middle';
    svg.append(svgEl('text', { x: mx, y: my - 7, 'font-size': 12, 'text-anchor': anchor, fill: '#2f5bd3' }, value));
    if (grad !== null) svg.append(svgEl('text', { x: mx, y: my + 16, 'font-size': 12, 'text-anchor': anchor, fill: '#a4461b' }, grad));
  };
  edge(30, 60, 150, 95, `x = ${num(x)}`, null);
  edge(30, 140, 150, 95, `w = ${num(w)}`, `∂L/∂w = ${num(f.dW)}`);
  edge(168, 95, 270, 95, `w·x = ${num(f.wx)}`, `${num(f.dWx)}`);
  edge(240, 168, 270, 113, `b = ${num(b)}`, `∂L/∂b = ${num(f.dB)}`, [232, 165]);
  edge(288, 95, 400, 95, `ŷ = ${num(f.yhat)}`, `∂L/∂ŷ = ${num(f.dYhat)}`);
  node(150, 95, '×');
  node(270, 95, '+');
  node(418, 95, 'L');
  svg.append(svgEl('text', { x: 418, y: 135, 'font-size': 12, 'text-anchor': 'middle', fill: '#1d2330' }, `(ŷ − ${num(y)})² = ${num(f.loss)}`),
    svgEl('text', { x: 4, y: 14, 'font-size': 11, fill: '#2f5bd3' }, 'blue: forward value'),
    svgEl('text', { x: 4, y: 30, 'font-size': 11, fill: '#a4461b' }, 'red: gradient of the loss'));
  return svg;
}

const tidy = v => Math.round(v * 1e9) / 1e9;
const signed = v => v < 0 ? `(${num(v)})` : num(v);
