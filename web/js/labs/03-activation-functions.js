// Lesson 03: ReLU, sigmoid, tanh, GELU and SiLU with their derivatives, plotted, at an input chosen by a
// slider (saturation flagged where the slope is nearly flat), the lesson's table at typed inputs, and a
// softmax of typed logits. Browser math; the defaults are the worked example (z = −2, 0, 1) and exercise 1.
import { el } from '../common.js';
import { controls, output, slider, textInput, table, num, lineChart } from './kit.js';

const sigmoid = z => 1 / (1 + Math.exp(-z));
const SQRT2 = Math.SQRT2;
/** Φ, the standard normal CDF, via erf. */
const Phi = z => 0.5 * (1 + erf(z / SQRT2));
const phi = z => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);

/** Each function and its derivative (ReLU's slope at exactly 0 taken as 0, as most libraries do). */
export const FUNCTIONS = [
  { name: 'ReLU', f: z => Math.max(0, z), d: z => z > 0 ? 1 : 0 },
  { name: 'sigmoid', f: sigmoid, d: z => sigmoid(z) * (1 - sigmoid(z)) },
  { name: 'tanh', f: Math.tanh, d: z => 1 - Math.tanh(z) ** 2 },
  { name: 'GELU', f: z => z * Phi(z), d: z => Phi(z) + z * phi(z) },
  { name: 'SiLU', f: z => z * sigmoid(z), d: z => sigmoid(z) * (1 + z * (1 - sigmoid(z))) },
];

/** Slopes below this count as saturated: the gradient through the unit is almost gone. */
const FLAT = 0.01;

export function mount(root) {
  root.append(el('h3', { text: 'Five activation functions' }),
    el('p', { class: 'muted', text: 'Move z and read each function and its slope. Push z past ±4 and watch sigmoid and tanh go flat while ReLU keeps a slope of 1 on the right.' }));
  const box = controls(root);
  let z = -2;
  slider(box, { label: 'input z', min: -6, max: 6, step: 0.1, value: z, format: v => num(v, 1), onInput: v => { z = v; show(); } }).name = 'z';
  const out = output(root);
  const grid = [];
  for (let i = 0; i <= 80; i++) grid.push(-4 + i * 0.1);
  const show = () => {
    const mark = [{ x: Math.max(-4, Math.min(4, z)), label: `z = ${num(z, 1)}` }];
    const series = key => FUNCTIONS.map(fn => ({ name: fn.name, points: grid.map(x => [x, fn[key](x)]) }));
    out.replaceChildren(
      table(['function', 'value f(z)', 'slope f′(z)', 'gradient'], FUNCTIONS.map(fn => {
        const d = fn.d(z);
        return [fn.name, el('span', { 'data-value': `${fn.name}`, text: num(fn.f(z)) }), el('span', { 'data-value': `${fn.name}-slope`, text: num(d) }),
          el('span', { 'data-value': `${fn.name}-state`, text: d === 0 ? 'zero: nothing flows back' : Math.abs(d) < FLAT ? 'saturated: almost nothing flows back' : 'flows' })];
      }), `at z = ${num(z, 1)}`),
      lineChart(series('f'), { label: 'The five activation functions for z from −4 to 4', xLabel: 'z', yLabel: 'f(z)', yRange: [-1.5, 4], marks: mark }),
      lineChart(series('d'), { label: 'Their derivatives for z from −4 to 4', xLabel: 'z', yLabel: 'f′(z)', yRange: [-0.2, 1.2], marks: mark }),
      el('details', {}, el('summary', { text: 'The numbers behind the charts' }),
        table(['z', ...FUNCTIONS.map(fn => fn.name), ...FUNCTIONS.map(fn => `${fn.name}′`)],
          [-4, -3, -2, -1, 0, 1, 2, 3, 4].map(x => [num(x), ...FUNCTIONS.map(fn => num(fn.f(x))), ...FUNCTIONS.map(fn => num(fn.d(x)))]))));
  };
  show();
  compare(root);
  softmax(root);
}

/** The lesson's table: the five functions at typed inputs, three decimals. */
function compare(root) {
  root.append(el('h3', { text: 'The lesson’s table' }),
    el('p', { class: 'muted', text: 'Type up to eight inputs, separated by commas. The defaults are the worked example.' }));
  const box = controls(root);
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'table', 'aria-live': 'polite' });
  textInput(box, { label: 'inputs z', value: '-2, 0, 1', onInput: text => show(text) }).name = 'inputs';
  root.append(out);
  const show = text => {
    const zs = numbers(text, 8);
    if (!zs) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Type one to eight numbers separated by commas, such as -2, 0, 1.' }));
      return;
    }
    out.replaceChildren(table(['z', ...FUNCTIONS.map(fn => fn.name)],
      zs.map((x, i) => [num(x), ...FUNCTIONS.map(fn => el('span', { 'data-value': `${fn.name}@${i}`, text: num(fn.f(x)) }))])));
  };
  show('-2, 0, 1');
}

/** Softmax of typed logits, with the largest subtracted first as the lesson recommends. */
function softmax(root) {
  root.append(el('h3', { text: 'Softmax' }),
    el('p', { class: 'muted', text: 'Type a layer’s scores (logits). The default is exercise 1.' }));
  const box = controls(root);
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'softmax', 'aria-live': 'polite' });
  textInput(box, { label: 'logits', value: '1, 2, 3', onInput: text => show(text) }).name = 'logits';
  root.append(out);
  const show = text => {
    const zs = numbers(text, 12);
    if (!zs) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Type one to twelve numbers separated by commas, such as 1, 2, 3.' }));
      return;
    }
    const top = Math.max(...zs), ex = zs.map(x => Math.exp(x - top)), sum = ex.reduce((a, b) => a + b, 0);
    out.replaceChildren(table(['logit', `e^(logit − ${num(top)})`, 'probability'],
      zs.map((x, i) => [num(x), num(ex[i]), el('span', { 'data-value': `p${i}`, text: num(ex[i] / sum) })]), `sum of the exponentials: ${num(sum)}`));
  };
  show('1, 2, 3');
}

function numbers(text, max) {
  const parts = text.split(',').map(p => p.trim()).filter(p => p !== '');
  if (!parts.length || parts.length > max) return null;
  const values = parts.map(Number);
  return values.every(v => Number.isFinite(v) && Math.abs(v) <= 1000) ? values : null;
}

/** erf by its Taylor series where that is exact to ~1e-11 (|x| < 4); beyond, Abramowitz–Stegun 7.1.26 (erf is within 2e-8 of ±1 there). */
function erf(x) {
  if (Math.abs(x) < 4) {
    let term = x, sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x * x / n;
      sum += term / (2 * n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }
  const s = Math.sign(x), a = Math.abs(x), t = 1 / (1 + 0.3275911 * a);
  return s * (1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a));
}
