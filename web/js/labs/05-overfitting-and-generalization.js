// Lesson 05: course-tiny's real train and validation curves (GET /api/model → training.curve) with the
// generalization gap marked at a chosen evaluation; early stopping with a patience slider on the lesson's
// worked example (best at step 400, stop at 600); and a polynomial fitted in the browser to ten noisy points
// with a degree slider (train error falls to zero while validation error climbs).
import { el, getJson } from '../common.js';
import { controls, output, slider, select, table, num, lineChart, svgEl } from './kit.js';

/** The lesson's table: step, train loss, validation loss. */
const LESSON = [[100, 5.20, 5.25], [200, 4.10, 4.22], [300, 3.40, 3.71], [400, 2.90, 3.65], [500, 2.50, 3.69], [600, 2.10, 3.80]];

export async function mount(root) {
  // the browser-math parts first: the real curves arrive from the server and are appended below
  // them, so nothing already on screen moves when they do
  earlyStopping(root);
  polynomial(root);
  const real = el('div', {});
  root.append(real);
  await realCurves(real);
}

/**
 * Early stopping as the trainer does it: remember the best validation loss, count evaluations without
 * improvement, stop when the count reaches the patience. evals: [{ step, train, val }] in order.
 */
export function earlyStop(evals, patience) {
  let best = 0, bad = 0, stop = null;
  for (let i = 0; i < evals.length; i++) {
    if (i === 0 || evals[i].val < evals[best].val) { best = i; bad = 0; } else if (++bad >= patience) { stop = i; break; }
  }
  return { best, stop };
}

/** The real run: every step's batch loss, the validation loss at each evaluation, and the gap at the chosen one. */
async function realCurves(box) {
  box.append(el('h3', { text: 'course-tiny’s own curves' }),
    el('p', { class: 'loading', text: 'Loading the training record…' }));
  let m;
  try {
    m = await getJson('/api/model');
  } catch (e) {
    box.lastChild.replaceWith(el('p', { class: 'error', role: 'alert', text: `The training record could not be loaded: ${e.message}` }));
    return;
  }
  const t = m.training || {}, curve = t.curve || [], cfg = t.config || {};
  const evals = evaluations(curve);
  if (!evals.length) {
    box.lastChild.replaceWith(el('p', { class: 'muted', text: 'This model has no validation curve recorded.' }));
    return;
  }
  box.lastChild.replaceWith(el('p', { class: 'muted', text: `The validation loss is measured every ${cfg.eval_every ?? '?'} steps on held-out tutor questions. A single batch’s training loss is noisy, so the gap is measured against the mean training loss since the previous evaluation unless you pick the single batch.` }));
  const state = { at: evals.length - 1, train: 'mean' };
  const ctl = controls(box);
  select(ctl, { label: 'evaluation', options: evals.map((e, i) => [i, `step ${e.step}`]), value: state.at, onInput: v => { state.at = Number(v); show(); } }).name = 'evaluation';
  select(ctl, { label: 'training loss as', options: [['mean', 'mean of the steps since the last evaluation'], ['batch', 'the single batch at the evaluation']],
    value: state.train, onInput: v => { state.train = v; show(); } }).name = 'train-loss';
  const out = output(box);
  const { best } = earlyStop(evals, Infinity);
  const show = () => {
    const trainAt = e => state.train === 'mean' ? e.trainMean : e.train;
    const e = evals[state.at], gap = e.val - trainAt(e);
    const patience = cfg.patience ?? 4, stopped = earlyStop(evals, patience).stop;
    out.replaceChildren(
      lineChart([
        { name: 'training loss (each batch)', points: curve.filter(p => p.train_loss != null).map(p => [p.step, p.train_loss]), color: '#5b6475' },
        { name: state.train === 'mean' ? 'training loss (mean per evaluation)' : 'training loss (batch at evaluation)', points: evals.map(v => [v.step, trainAt(v)]), color: '#2f5bd3' },
        { name: 'validation loss', points: evals.map(v => [v.step, v.val]), color: '#a4461b' },
        { name: `gap at step ${e.step}`, points: [[e.step, trainAt(e)], [e.step, e.val]], color: '#1d2330', dash: '3 2' },
      ], { label: `course-tiny's training and validation loss by step; gap ${num(gap)} at step ${e.step}`, xLabel: 'step', yLabel: 'loss (nats per token)',
        // the mark's label would run off the chart's right edge; the sentence below names the best step anyway
        marks: [{ x: evals[best].step, label: evals[best].step < 0.75 * evals[evals.length - 1].step ? 'best validation' : '' }] }),
      el('p', { class: 'lab-verdict' }, `At step ${e.step}: training `, el('span', { 'data-value': 'real-train', text: num(trainAt(e)) }),
        ', validation ', el('span', { 'data-value': 'real-val', text: num(e.val) }), ', gap ', el('span', { 'data-value': 'real-gap', text: num(gap) }), '.'),
      el('p', {}, 'Lowest validation loss: ', el('span', { 'data-value': 'real-best-val', text: num(evals[best].val) }), ' at step ',
        el('span', { 'data-value': 'real-best-step', text: String(evals[best].step) }), `. With the trainer’s patience of ${patience} evaluations, early stopping `,
        stopped === null ? 'never triggered: the run used all its steps.' : `stopped at step ${evals[stopped].step}.`),
      table(['step', 'training (batch)', 'training (mean)', 'validation', 'gap'], evals.map((v, i) => [
        `${v.step}${i === best ? ' (best)' : ''}`, num(v.train), num(v.trainMean), num(v.val), num(v.val - trainAt(v))]),
      `the numbers behind the chart (gap against the ${state.train === 'mean' ? 'mean' : 'batch'} training loss)`));
  };
  show();
}

/** The evaluation points of a curve, each with the mean training loss of the steps since the previous one. */
function evaluations(curve) {
  const out = [];
  let sum = 0, count = 0;
  for (const p of curve) {
    if (p.train_loss != null) { sum += p.train_loss; count++; }
    if (p.val_loss != null) {
      out.push({ step: p.step, train: p.train_loss, trainMean: count ? sum / count : p.train_loss, val: p.val_loss });
      sum = 0;
      count = 0;
    }
  }
  return out;
}

/** The lesson's worked example under a patience slider. */
function earlyStopping(root) {
  root.append(el('h3', { text: 'When to stop: the lesson’s example' }),
    el('p', { class: 'muted', text: 'Early stopping keeps the weights of the best validation loss and gives up after “patience” evaluations without improvement.' }));
  const ctl = controls(root);
  slider(ctl, { label: 'patience (evaluations)', min: 1, max: 4, step: 1, value: 2, onInput: v => show(v) }).name = 'patience';
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'early-stopping', 'aria-live': 'polite' });
  root.append(out);
  const evals = LESSON.map(([step, train, val]) => ({ step, train, val }));
  const show = patience => {
    const { best, stop } = earlyStop(evals, patience);
    const last = stop ?? evals.length - 1, b = evals[best], l = evals[last];
    out.replaceChildren(
      table(['step', 'train loss', 'validation loss', 'gap', ''], evals.map((e, i) => [String(e.step), num(e.train, 2), num(e.val, 2), num(e.val - e.train, 2),
        i === best ? 'best: weights kept' : i === stop ? 'stop' : i > last ? 'not run' : ''])),
      el('p', { class: 'lab-verdict' }, 'Best validation loss at step ', el('span', { 'data-value': 'best-step', text: String(b.step) }), '; ',
        stop === null ? el('span', { 'data-value': 'stop-step', text: 'no stop: the table ends first' }) : el('span', {}, 'training stops at step ', el('span', { 'data-value': 'stop-step', text: String(l.step) })), '.'),
      table(['', 'step', 'gap', 'perplexity e^(validation loss)'], [
        ['kept weights', String(b.step), el('span', { 'data-value': 'gap-best', text: num(b.val - b.train, 2) }), el('span', { 'data-value': 'ppl-best', text: num(Math.exp(b.val), 1) })],
        ['last evaluation run', String(l.step), el('span', { 'data-value': 'gap-last', text: num(l.val - l.train, 2) }), el('span', { 'data-value': 'ppl-last', text: num(Math.exp(l.val), 1) })],
      ]));
  };
  show(2);
}

/** Ten noisy training points of sin(2πx), ten validation points in between, a least-squares polynomial of the chosen degree. */
function polynomial(root) {
  root.append(el('h3', { text: 'Underfit, fit, overfit: a polynomial' }),
    el('p', { class: 'muted', text: 'Ten training points (filled) and ten validation points (hollow) from the same curve plus noise. Raise the degree: training error keeps falling, validation error does not.' }));
  const { train, val } = data();
  const fits = [];
  for (let d = 0; d <= 9; d++) {
    const c = fit(train, d);
    fits.push({ c, train: mse(c, train), val: mse(c, val) });
  }
  const bestDegree = fits.reduce((b, f, d) => f.val < fits[b].val ? d : b, 0);
  const ctl = controls(root);
  slider(ctl, { label: 'degree', min: 0, max: 9, step: 1, value: 1, onInput: v => show(v) }).name = 'degree';
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'polynomial', 'aria-live': 'polite' });
  root.append(out);
  const show = d => {
    const f = fits[d];
    out.replaceChildren(
      el('div', { class: 'lab-split' }, plot(train, val, f.c, d),
        table(['degree', 'train error', 'validation error'], fits.map((g, k) => [
          `${k}${k === d ? ' ◀' : ''}${k === bestDegree ? ' (best)' : ''}`, num(g.train, 4), num(g.val, 4)]), 'mean squared error by degree')),
      el('p', { class: 'lab-verdict' }, `Degree ${d}: training error `, el('span', { 'data-value': 'train-mse', text: num(f.train, 4) }),
        ', validation error ', el('span', { 'data-value': 'val-mse', text: num(f.val, 4) }), '. ',
        d < bestDegree ? 'Too stiff: it misses the pattern (underfitting).' : d === bestDegree ? 'The lowest validation error: flexible enough, no more.'
          : f.train < 1e-9 ? 'It passes through every training point and swings wildly between them (overfitting).' : 'More flexible than needed: it starts to follow the noise.'),
      el('p', {}, 'Best degree on the validation points: ', el('span', { 'data-value': 'best-degree', text: String(bestDegree) }), '.'));
  };
  show(1);
}

function data() {
  const rand = mulberry32(5), truth = x => Math.sin(2 * Math.PI * x);
  const gauss = () => { const u = 1 - rand(), v = rand(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); };
  const train = [], val = [];
  for (let i = 0; i < 10; i++) train.push([i / 9, truth(i / 9) + 0.25 * gauss()]);
  for (let i = 0; i < 10; i++) val.push([(i + 0.5) / 10, truth((i + 0.5) / 10) + 0.25 * gauss()]);
  return { train, val };
}

function mulberry32(a) {
  return () => {
    a = a + 0x6D2B79F5 | 0;
    let t = Math.imul(a ^ a >>> 15, 1 | a);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}

/** Least squares by the normal equations in t = 2x − 1 (powers of t stay within ±1), Gauss–Jordan with pivoting. */
function fit(points, degree) {
  const n = degree + 1, A = Array.from({ length: n }, () => new Array(n + 1).fill(0));
  for (const [x, y] of points) {
    const p = Array.from({ length: n }, (_, k) => (2 * x - 1) ** k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i][j] += p[i] * p[j];
      A[i][n] += p[i] * y;
    }
  }
  for (let c = 0; c < n; c++) {
    let m = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[m][c])) m = r;
    [A[c], A[m]] = [A[m], A[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k];
    }
  }
  return A.map((row, i) => row[n] / row[i]);
}

const poly = (c, x) => c.reduce((s, ck, k) => s + ck * (2 * x - 1) ** k, 0);
const mse = (c, pts) => pts.reduce((s, [x, y]) => s + (poly(c, x) - y) ** 2, 0) / pts.length;

function plot(train, val, c, degree) {
  const w = 320, h = 220, lo = -2, hi = 2;
  const px = x => 10 + x * (w - 20), py = y => h - 10 - (Math.max(lo, Math.min(hi, y)) - lo) / (hi - lo) * (h - 20);
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart lab-poly', role: 'img',
    'aria-label': `A degree-${degree} polynomial through ten training points; the table beside it lists the errors` });
  svg.append(svgEl('line', { x1: 10, y1: py(0), x2: w - 10, y2: py(0), stroke: '#d9dee7' }));
  const path = (f, attrs) => {
    const d = [];
    for (let i = 0; i <= 200; i++) d.push(`${i ? 'L' : 'M'}${px(i / 200).toFixed(1)},${py(f(i / 200)).toFixed(1)}`);
    svg.append(svgEl('path', { d: d.join(''), fill: 'none', ...attrs }));
  };
  path(x => Math.sin(2 * Math.PI * x), { stroke: '#8a92a3', 'stroke-dasharray': '4 3' });
  path(x => poly(c, x), { stroke: '#2f5bd3', 'stroke-width': 2 });
  for (const [x, y] of train) svg.append(svgEl('circle', { cx: px(x), cy: py(y), r: 4, fill: '#2f5bd3' }));
  for (const [x, y] of val) svg.append(svgEl('circle', { cx: px(x), cy: py(y), r: 4, fill: '#fff', stroke: '#a4461b', 'stroke-width': 2 }));
  svg.append(svgEl('text', { x: 12, y: 14, 'font-size': 11, fill: '#5b6475' }, 'dashed: the true curve'));
  return svg;
}
