// Lesson 17: a preference pair scored by a reward model → the Bradley–Terry probability that the chosen
// answer wins and the reward-model loss −ln σ(r_w − r_l); and the DPO loss from the policy's log-probability
// changes against the reference. Browser math; the defaults are the worked example (r_w 1.2, r_l 0.4 →
// 0.690 and 0.371; DPO with β 0.1, +2.0 and −1.0 → score 0.3, loss 0.554).
import { el } from '../common.js';
import { controls, output, slider, numberInput, table, num, lineChart } from './kit.js';

export const sigmoid = z => 1 / (1 + Math.exp(-z));
/** −ln σ(z), computed without overflow for large |z|. */
export const logLoss = z => z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));

export function mount(root) {
  reward(root);
  dpo(root);
}

function reward(root) {
  root.append(el('h3', { text: 'A preference pair and its reward model' }),
    el('p', { class: 'muted', text: 'A rater preferred answer w to answer l. Move the reward model’s two scores: only their difference matters.' }),
    el('div', { class: 'lab-pair' },
      el('div', { class: 'lab-answer' }, el('strong', { text: 'prompt: ' }), 'What is a token?'),
      el('div', { class: 'lab-answer chosen' }, el('strong', { text: 'chosen (w): ' }), 'A piece of text, often a word or part of a word, that the model reads as one unit.'),
      el('div', { class: 'lab-answer rejected' }, el('strong', { text: 'rejected (l): ' }), 'Tokens are very important in AI and are used by all modern systems.')));
  const s = { w: 1.2, l: 0.4 };
  const box = controls(root);
  const fmt = v => num(v, 2);
  const rw = slider(box, { label: 'reward of the chosen answer r_w', min: -3, max: 3, step: 0.1, value: s.w, format: fmt, onInput: v => { s.w = v; show(); } });
  const rl = slider(box, { label: 'reward of the rejected answer r_l', min: -3, max: 3, step: 0.1, value: s.l, format: fmt, onInput: v => { s.l = v; show(); } });
  box.append(el('button', { type: 'button', text: 'Swap the scores', onclick: () => {
    [s.w, s.l] = [s.l, s.w];
    rw.value = s.w; rl.value = s.l;
    rw.dispatchEvent(new Event('input')); rl.dispatchEvent(new Event('input'));
  } }));
  const out = output(root);
  const show = () => {
    const d = s.w - s.l, p = sigmoid(d), loss = logLoss(d);
    const curve = Array.from({ length: 81 }, (_, i) => { const z = -4 + i * 0.1; return [z, logLoss(z)]; });
    out.replaceChildren(table(['quantity', 'formula', 'value'], [
      ['difference', 'r_w − r_l', el('span', { 'data-value': 'margin', text: num(d, 3) })],
      ['e^(−difference)', '', num(Math.exp(-d), 3)],
      ['P(chosen wins), Bradley–Terry', 'σ(r_w − r_l) = 1 / (1 + e^(−(r_w − r_l)))', el('span', { 'data-value': 'p-chosen', text: num(p, 3) })],
      ['reward-model loss', '−ln σ(r_w − r_l)', el('span', { 'data-value': 'rm-loss', text: num(loss, 3) })],
    ]),
    el('p', { class: 'lab-verdict', text: d > 0 ? `The reward model ranks the pair correctly, with ${num(100 * p, 1)} % confidence.`
      : d < 0 ? 'The ranking is the wrong way round: the loss is large and its gradient pushes hard to fix it.' : 'A tie: σ(0) = 0.5 and the loss is ln 2 ≈ 0.693.' }),
    lineChart([{ name: 'loss', points: curve }], { label: 'Loss −ln σ(z) against the score difference z, with this pair marked', xLabel: 'r_w − r_l',
      yLabel: 'loss', height: 200, marks: [{ x: Math.max(-4, Math.min(4, d)), label: `z = ${num(d, 2)}` }] }),
    table(['r_w − r_l', '−2', '−0.8', '0', '0.8', '2'], [['loss', ...[-2, -0.8, 0, 0.8, 2].map(z => num(logLoss(z), 3))]], 'Points on the curve'));
  };
  show();
}

function dpo(root) {
  root.append(el('h3', { text: 'DPO: the same loss on log-probability changes' }),
    el('p', { class: 'muted', text: 'How far the policy has moved each answer’s log-probability from the frozen reference model, log π_θ(y|x) − log π_ref(y|x).' }));
  const s = { beta: 0.1, w: 2.0, l: -1.0 };
  const box = controls(root);
  numberInput(box, { label: 'change for the chosen answer', value: s.w, step: 0.1, onInput: v => { s.w = v; show(); } });
  numberInput(box, { label: 'change for the rejected answer', value: s.l, step: 0.1, onInput: v => { s.l = v; show(); } });
  numberInput(box, { label: 'β', value: s.beta, min: 0, step: 0.05, onInput: v => { s.beta = v; show(); } });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'dpo', 'aria-live': 'polite' });
  root.append(out);
  const show = () => {
    const z = s.beta * (s.w - s.l);
    out.replaceChildren(table(['quantity', 'formula', 'value'], [
      ['DPO score', `β × (${num(s.w, 3)} − (${num(s.l, 3)}))`, el('span', { 'data-value': 'dpo-score', text: num(z, 4) })],
      ['σ(score)', '1 / (1 + e^(−score))', el('span', { 'data-value': 'dpo-p', text: num(sigmoid(z), 3) })],
      ['DPO loss', '−ln σ(score)', el('span', { 'data-value': 'dpo-loss', text: num(logLoss(z), 3) })],
    ]), el('p', { class: 'muted', text: 'β sets how much each nat of movement counts: a small β keeps the loss near ln 2 unless the policy moves a lot, which keeps it close to the reference.' }));
  };
  show();
}
