// Lesson 14: the default model's real run (learning rate and loss per step, from training.json via
// GET /api/model), the lesson's warm-up + cosine schedule as a calculator (defaults = the worked example:
// η_max 1e-3, η_min 1e-4, warm-up 100, T 3000 → 5.5e-4 at step 1,550), gradient clipping, and AdamW
// steps for a steady and a flipping gradient (exercise 3, with the trainer's β1 0.9, β2 0.95, ε 1e-8).
import { el, getJson } from '../common.js';
import { controls, output, slider, numberInput, textInput, table, num, lineChart } from './kit.js';

/** A learning rate or other small number as the lesson writes it: 5.5e-4. */
export const sci = x => Number.isFinite(x) ? Number(x.toPrecision(4)).toExponential() : String(x);

/** The lesson's schedule: linear warm-up to η_max over t_w steps, then half a cosine down to η_min at step T. */
export function scheduleAt(t, { max, min, warmup, total }) {
  if (t <= warmup) return max * t / warmup;
  if (t >= total) return min;
  return min + 0.5 * (max - min) * (1 + Math.cos(Math.PI * (t - warmup) / (total - warmup)));
}

export async function mount(root) {
  root.append(el('h3', { text: 'The default model’s run' }));
  const status = el('p', { class: 'loading', text: 'Loading training.json…' });
  root.append(status);
  try {
    const m = await getJson('/api/model');
    status.replaceWith(realRun(m));
  } catch (e) {
    status.replaceWith(el('p', { class: 'error', role: 'alert', text: `Could not load the model’s training record: ${e.message}` }));
  }
  calculator(root);
  adam(root);
}

/** The recorded learning rate, losses and gradient norm per step, with a step slider. */
function realRun(m) {
  const t = m.training || {}, c = t.config || {}, curve = t.curve || [];
  const box = el('div');
  if (!curve.length) {
    box.append(el('p', { class: 'muted', text: 'This model has no recorded training curve.' }));
    return box;
  }
  const vocab = m.config?.vocab_size ?? c.vocab_size;
  box.append(el('p', { class: 'muted', text: `${curve.length} steps of ${c.batch_size} windows × ${c.seq_len} tokens; `
    + `peak ${c.learning_rate} after ${c.warmup_steps} warm-up steps, cosine decay to ${c.min_learning_rate}; gradient clipped at ${c.grad_clip}. `
    + 'Move the slider to read one step.' }));
  const evals = curve.filter(p => p.val_loss != null);
  const ctl = controls(box);
  const out = output(box);
  const show = step => {
    const p = curve.find(q => q.step === step) || curve[curve.length - 1];
    const lastEval = evals.filter(q => q.step <= p.step).pop();
    out.replaceChildren(table(['at step', 'value'], [
      ['learning rate', el('span', { 'data-value': 'real-lr', text: sci(p.lr) })],
      ['training loss (this batch)', el('span', { 'data-value': 'real-train-loss', text: num(p.train_loss, 4) })],
      ['latest validation loss', el('span', { 'data-value': 'real-val-loss', text: lastEval ? `${num(lastEval.val_loss, 4)} (step ${lastEval.step})` : 'none yet' })],
      ['gradient norm before clipping', el('span', { 'data-value': 'real-grad-norm', text: num(p.grad_norm, 3) })],
      ['tokens seen', el('span', { 'data-value': 'real-tokens', text: p.tokens_seen.toLocaleString('en') })],
    ], `Step ${p.step} of ${curve.length}`),
    el('p', { class: 'muted', text: `First loss ${num(curve[0].train_loss, 3)}; ln ${vocab} = ${num(Math.log(vocab), 3)}, the loss of a uniform guess.` }));
  };
  slider(ctl, { label: 'step', min: 1, max: curve[curve.length - 1].step, value: 1, onInput: show });
  show(1);
  const mark = [{ x: c.warmup_steps, label: 'end of warm-up' }];
  box.append(
    lineChart([{ name: 'learning rate', points: curve.map(p => [p.step, p.lr * 1e4]) }],
      { label: 'Learning rate by step, as recorded in training.json', xLabel: 'step', yLabel: 'η (×10⁻⁴)', height: 200, marks: mark }),
    lineChart([{ name: 'training', points: curve.map(p => [p.step, p.train_loss]) },
      { name: 'validation', points: evals.map(p => [p.step, p.val_loss]), color: '#a4461b' }],
    { label: 'Training and validation loss by step', xLabel: 'step', yLabel: 'loss (nats)', yRange: [0, Math.ceil(curve[0].train_loss)] }),
    table(['step', 'learning rate', 'training loss', 'validation loss'],
      [curve[0], curve.find(p => p.step === c.warmup_steps), ...evals].filter(Boolean).filter((p, i, a) => a.indexOf(p) === i)
        .map(p => [String(p.step), sci(p.lr), num(p.train_loss, 4), p.val_loss == null ? '–' : num(p.val_loss, 4)]),
      'The numbers behind the charts (first step, end of warm-up, every evaluation)'));
  return box;
}

/** The lesson's schedule for any settings, with the worked example's three steps and one of your choice. */
function calculator(root) {
  root.append(el('h3', { text: 'Learning-rate schedule calculator' }),
    el('p', { class: 'muted', text: 'Warm-up then cosine decay, the formula of step 6. The defaults are the worked example.' }));
  const s = { max: 1e-3, min: 1e-4, warmup: 100, total: 3000, step: 1550, norm: 4, limit: 1 };
  const box = controls(root);
  numberInput(box, { label: 'peak η_max', value: s.max, min: 0, onInput: v => { s.max = v; show(); } });
  numberInput(box, { label: 'floor η_min', value: s.min, min: 0, onInput: v => { s.min = v; show(); } });
  numberInput(box, { label: 'warm-up steps t_w', value: s.warmup, min: 1, step: 1, onInput: v => { s.warmup = Math.max(1, v); show(); } });
  numberInput(box, { label: 'last step T', value: s.total, min: 2, step: 1, onInput: v => { s.total = Math.max(2, v); show(); } });
  numberInput(box, { label: 'step t', value: s.step, min: 0, step: 1, onInput: v => { s.step = v; show(); } });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'schedule', 'aria-live': 'polite' });
  root.append(out);
  const clip = controls(root);
  numberInput(clip, { label: 'global gradient norm ‖g‖', value: s.norm, min: 0, onInput: v => { s.norm = v; show(); } });
  numberInput(clip, { label: 'clipping limit', value: s.limit, min: 0, onInput: v => { s.limit = v; show(); } });
  const clipOut = el('div', { class: 'lab-output', 'data-lab-output': 'clipping', 'aria-live': 'polite' });
  root.append(clipOut);
  const show = () => {
    const phase = t => t <= s.warmup ? 'warm-up' : t >= s.total ? 'floor' : 'cosine decay';
    const rows = [50, 1550, 3000].map(t => [`step ${t}`, phase(t), sci(scheduleAt(t, s))]);
    rows.push([`your step ${s.step}`, phase(s.step), el('span', { 'data-value': 'lr', text: sci(scheduleAt(s.step, s)) })]);
    const n = 120, pts = Array.from({ length: n + 1 }, (_, i) => { const t = Math.round(s.total * i / n); return [t, scheduleAt(t, s) * 1e4]; });
    out.replaceChildren(table(['step', 'phase', 'η'], rows, 'Learning rate at the worked example’s steps and yours'),
      lineChart([{ name: 'η', points: pts }], { label: 'The schedule from step 0 to T', xLabel: 'step', yLabel: 'η (×10⁻⁴)', height: 180,
        yRange: [0, Math.max(s.max, s.min) * 1e4 || 1], marks: [{ x: Math.min(Math.max(s.step, 0), s.total), label: `t = ${s.step}` }] }));
    const scale = s.norm > s.limit ? s.limit / s.norm : 1;
    clipOut.replaceChildren(table(['clipping', 'value'], [
      ['scale applied to every gradient', el('span', { 'data-value': 'clip-scale', text: num(scale, 4) })],
      ['norm after clipping', el('span', { 'data-value': 'clip-norm', text: num(s.norm * scale, 4) })],
    ]), el('p', { class: 'muted', text: scale < 1 ? 'Over the limit: the direction stays, the length is cut to the limit.' : 'Within the limit: the gradients pass unchanged.' }));
  };
  show();
}

/**
 * AdamW on one weight per gradient pattern: m and v, their bias-corrected m̂ and v̂, and the step
 * η·(m̂/(√v̂+ε) + λθ). The defaults are exercise 3: a steady +0.001 against +1, −1 in turns.
 */
export function adamSteps(grads, steps, { beta1 = 0.9, beta2 = 0.95, eps = 1e-8, lr = 1e-3, decay = 0.1, theta = 1 } = {}) {
  let m = 0, v = 0, p = theta;
  const rows = [];
  for (let t = 1; t <= steps; t++) {
    const g = grads[(t - 1) % grads.length];
    m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g * g;
    const mHat = m / (1 - beta1 ** t), vHat = v / (1 - beta2 ** t);
    const ratio = mHat / (Math.sqrt(vHat) + eps);
    const update = lr * (ratio + decay * p);
    p -= update;
    rows.push({ t, g, m, v, mHat, vHat, ratio, update, theta: p });
  }
  return rows;
}

function adam(root) {
  root.append(el('h3', { text: 'AdamW, step by step' }),
    el('p', { class: 'muted', text: 'Two weights, each fed a repeating list of gradients (exercise 3). β1 = 0.9, β2 = 0.95 and ε = 10⁻⁸ as in Glassbox’s trainer; both weights start at θ = 1.' }));
  const s = { a: '0.001', b: '1, -1', steps: 50, lr: 1e-3, decay: 0.1 };
  const box = controls(root);
  textInput(box, { label: 'gradients of weight A (repeated)', value: s.a, onInput: v => { s.a = v; show(); } });
  textInput(box, { label: 'gradients of weight B (repeated)', value: s.b, onInput: v => { s.b = v; show(); } });
  slider(box, { label: 'steps', min: 1, max: 200, value: s.steps, onInput: v => { s.steps = v; show(); } });
  numberInput(box, { label: 'learning rate η', value: s.lr, min: 0, onInput: v => { s.lr = v; show(); } });
  numberInput(box, { label: 'weight decay λ', value: s.decay, min: 0, onInput: v => { s.decay = v; show(); } });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'adam', 'aria-live': 'polite' });
  root.append(out);
  const parse = text => {
    const parts = text.split(',').map(x => x.trim()).filter(Boolean);
    const g = parts.map(Number);
    return parts.length && parts.length <= 20 && g.every(Number.isFinite) ? g : null;
  };
  const show = () => {
    const ga = parse(s.a), gb = parse(s.b);
    if (!ga || !gb) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Type up to 20 numbers separated by commas, such as 1, -1.' }));
      return;
    }
    const opts = { lr: s.lr, decay: s.decay };
    const A = adamSteps(ga, s.steps, opts), B = adamSteps(gb, s.steps, opts);
    const a = A[A.length - 1], b = B[B.length - 1];
    const ratio = Math.abs(b.ratio) > 1e-12 ? Math.abs(a.ratio / b.ratio) : Infinity;
    out.replaceChildren(table(['after the last step', 'weight A', 'weight B'], [
      ['gradient g', num(a.g, 6), num(b.g, 6)],
      ['m (average gradient)', num(a.m, 6), num(b.m, 6)],
      ['v (average squared gradient)', sci(a.v), sci(b.v)],
      ['m̂ / (√v̂ + ε)', el('span', { 'data-value': 'ratio-a', text: num(a.ratio, 4) }), el('span', { 'data-value': 'ratio-b', text: num(b.ratio, 4) })],
      ['step size η·|m̂/(√v̂+ε) + λθ|', sci(Math.abs(a.update)), sci(Math.abs(b.update))],
      ['θ now', num(a.theta, 6), num(b.theta, 6)],
    ], `After ${s.steps} steps`),
    el('p', { class: 'lab-verdict', 'data-value': 'adam-verdict', text: Number.isFinite(ratio)
      ? `Adam’s ratio is ${num(ratio, 1)} times larger for weight A than for weight B.`
      : 'Weight B’s average gradient is zero, so Adam does not move it (apart from weight decay).' }),
    lineChart([{ name: 'A', points: A.map(r => [r.t, r.ratio]) }, { name: 'B', points: B.map(r => [r.t, r.ratio]) }],
      { label: 'Adam’s normalised step m̂/(√v̂+ε) for each weight, by step', xLabel: 'step', yLabel: 'm̂/(√v̂+ε)', height: 200 }));
  };
  show();
}
