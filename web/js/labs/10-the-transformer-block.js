// Lesson 10: the residual stream through a block. First the worked example (one RMSNorm and one residual
// step, browser math, editable), then course-tiny's real stream for a typed text: the length ‖x‖ of every
// position's vector entering a chosen block, after its attention is added and after its MLP is added
// (from /api/residual; the after-attention point is rebuilt by the trace machinery from the model's own stream).
import { el, postJson, visible } from '../common.js';
import { controls, output, textInput, select, table, num, lineChart, debounced } from './kit.js';

const SENTENCE = 'Each block reads the stream, adds what attention found, then adds what the MLP computed.';

export function mount(root) {
  workedExample(root);
  stream(root);
}

function parse(text) {
  const parts = text.split(',').map(s => s.trim());
  return parts.every(p => p !== '' && Number.isFinite(Number(p))) ? parts.map(Number) : null;
}

const vec = v => `(${v.map(x => num(x)).join(', ')})`;
const norm = v => Math.hypot(...v);

function workedExample(root) {
  root.append(el('h3', { text: 'One RMSNorm and one residual step' }),
    el('p', { class: 'muted', text: 'The worked example: the sublayer reads the normalised vector, and its output is added to the unnormalised stream.' }));
  const box = controls(root);
  const x = textInput(box, { label: 'stream x', value: '3, -1, 2, 0', onInput: () => show() });
  const a = textInput(box, { label: 'attention output', value: '0.2, 0.1, -0.3, 0.4', onInput: () => show() });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'worked-example', 'aria-live': 'polite' });
  root.append(out);
  const show = () => {
    const xs = parse(x.value), as = parse(a.value);
    if (!xs || !as || xs.length !== as.length) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Two lists of numbers of the same length, please.' }));
      return;
    }
    const rms = Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
    const normed = xs.map(v => (rms ? v / rms : 0));
    const sum = xs.map((v, i) => v + as[i]);
    out.replaceChildren(table(['step', 'value'], [
      ['mean of squares, then its root', el('span', { 'data-value': 'rms', text: num(rms) })],
      ['RMSNorm(x) = x ÷ rms (gains 1)', el('span', { 'data-value': 'normed', text: vec(normed) })],
      ['x + attention output', el('span', { 'data-value': 'sum', text: vec(sum) })],
      ['length ‖x‖ before → after', el('span', { 'data-value': 'lengths', text: `${num(norm(xs))} → ${num(norm(sum))}` })],
    ]));
  };
  show();
}

function stream(root) {
  root.append(el('h3', { text: 'course-tiny’s residual stream' }),
    el('p', { class: 'muted', text: 'The length of each position’s 256-number vector as it enters the chosen block, after the block adds its attention, and after it adds its MLP.' }));
  const box = controls(root);
  const out = output(root);
  const state = { layer: 0, data: null };
  const refresh = debounced(out, async signal => { state.data = await postJson('/api/residual', { text: text.value }, signal); show(); });
  const text = textInput(box, { label: 'Text (up to 64 tokens)', value: SENTENCE, maxlength: 300, onInput: () => refresh() });
  select(box, { label: 'Block', value: 0, options: [0, 1, 2, 3, 4, 5].map(l => [l, `block ${l}`]), onInput: v => { state.layer = Number(v); show(); } });
  const show = () => {
    const d = state.data;
    if (!d) return;
    const l = state.layer, b = d.blocks[l];
    const entering = l === 0 ? d.embedding : d.blocks[l - 1].after_mlp;
    const series = [['entering', entering], ['after attention', b.after_attention], ['after MLP', b.after_mlp]]
      .map(([name, v], i) => ({ name, points: v.map((y, p) => [p, y]), dash: ['6 3', 'none', 'none'][i] }));
    const steps = [['embedding', d.embedding]];
    d.blocks.forEach(bl => steps.push([`block ${bl.layer} attention`, bl.after_attention], [`block ${bl.layer} MLP`, bl.after_mlp]));
    const mean = v => v.reduce((s, x) => s + x, 0) / v.length;
    out.replaceChildren(
      el('p', {}, el('span', { 'data-value': 'block', text: `Block ${l}` }), `, ${d.tokens.length} positions. On average attention adds `,
        el('strong', { text: num(mean(b.after_attention) - mean(entering), 2) }), ' to the length here and the MLP ',
        el('strong', { text: num(mean(b.after_mlp) - mean(b.after_attention), 2) }), '.'),
      lineChart(series, { label: `Length of the residual vector per position through block ${l}`, xLabel: 'position', yLabel: '‖x‖', height: 220 }),
      table(['position', 'token', 'entering', 'after attention', 'after MLP'], d.tokens.slice(0, 50).map((t, p) => [String(p),
        el('span', { class: 'mono', text: visible(t.text) }),
        el('span', { 'data-value': `in-${p}`, text: num(entering[p], 3) }),
        el('span', { 'data-value': `attn-${p}`, text: num(b.after_attention[p], 3) }),
        el('span', { 'data-value': `mlp-${p}`, text: num(b.after_mlp[p], 3) })]), `Lengths through block ${l}`),
      table(['point in the model', 'mean length over positions'], steps.map(([name, v], i) => [name,
        el('span', { 'data-value': `mean-${i}`, text: num(mean(v), 3) })]), 'The stream from the embedding to the last block'));
  };
  refresh(true);
}
