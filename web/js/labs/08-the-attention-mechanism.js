// Lesson 08: one attention row computed by hand (the lesson's worked example, every number editable)
// beside a real row of course-tiny for a typed sentence (from /api/attention, rebuilt from the model's
// own residual stream by the trace machinery).
import { el, postJson, visible } from '../common.js';
import { controls, output, textInput, select, table, num, bars, debounced } from './kit.js';

const HAND = { q: '1, 0, 1, 0', k: ['1, 0, 0, 0', '0, 1, 0, 0', '1, 0, 1, 0'], v: ['1, 0', '0, 1', '1, 1'] };
const SENTENCE = 'Attention lets every token look back at the tokens before it.';

export function mount(root) {
  byHand(root);
  real(root);
}

function parse(text) {
  const parts = text.split(',').map(s => s.trim());
  return parts.length && parts.every(p => p !== '' && Number.isFinite(Number(p))) ? parts.map(Number) : null;
}

function byHand(root) {
  root.append(el('h3', { text: 'One row by hand' }),
    el('p', { class: 'muted', text: 'The query of the third token against three keys, as in the worked example. Edit any vector (comma-separated numbers).' }));
  const box = controls(root);
  const inputs = {};
  inputs.q = textInput(box, { label: 'query q', value: HAND.q, onInput: () => show() });
  HAND.k.forEach((k, i) => { inputs[`k${i}`] = textInput(box, { label: `key k${i}`, value: k, onInput: () => show() }); });
  HAND.v.forEach((v, i) => { inputs[`v${i}`] = textInput(box, { label: `value v${i}`, value: v, onInput: () => show() }); });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'by-hand', 'aria-live': 'polite' });
  root.append(out);
  const show = () => {
    const q = parse(inputs.q.value), ks = [0, 1, 2].map(i => parse(inputs[`k${i}`].value)), vs = [0, 1, 2].map(i => parse(inputs[`v${i}`].value));
    if (!q || ks.some(k => !k || k.length !== q.length) || vs.some(v => !v || v.length !== vs[0].length)) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'The query and every key need the same number of entries, and the values all one length.' }));
      return;
    }
    const scale = Math.sqrt(q.length);
    const dots = ks.map(k => k.reduce((s, x, i) => s + x * q[i], 0));
    const scores = dots.map(d => d / scale);
    const max = Math.max(...scores);
    const exps = scores.map(s => Math.exp(s - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    const w = exps.map(e => e / sum);
    const o = vs[0].map((_, j) => w.reduce((s, wi, i) => s + wi * vs[i][j], 0));
    out.replaceChildren(table(['key', 'q · k', `score ÷ √${q.length}`, 'e^(score − max)', 'weight'], [0, 1, 2].map(i => [
      `k${i}`, num(dots[i]), num(scores[i]), num(exps[i]), el('span', { 'data-value': `hand-weight-${i}`, text: num(w[i]) })])),
    el('p', {}, 'Output Σ weight × value = ', el('strong', { 'data-value': 'hand-output', text: `(${o.map(x => num(x)).join(', ')})` }),
      `; the weights add up to ${num(w.reduce((a, b) => a + b, 0))}.`));
  };
  show();
}

function real(root) {
  root.append(el('h3', { text: 'A real row of course-tiny' }),
    el('p', { class: 'muted', text: 'Type a sentence and choose a layer, a head and a token: the bars show where that token’s query looked. The scores are course-tiny’s own q · k / √32.' }));
  const box = controls(root);
  const out = output(root);
  const state = { layer: 0, head: 0, query: -1, data: null };
  const fetchLayer = debounced(out, async signal => {
    state.data = await postJson('/api/attention', { text: text.value, layer: state.layer }, signal);
    const n = state.data.tokens.length;
    if (state.query < 0 || state.query >= n) state.query = n - 1;
    fillQueries();
    show();
  });
  const text = textInput(box, { label: 'Sentence (up to 64 tokens)', value: SENTENCE, maxlength: 300, onInput: () => { state.query = -1; fetchLayer(); } });
  select(box, { label: 'Layer', value: 0, options: [0, 1, 2, 3, 4, 5].map(l => [l, `layer ${l}`]), onInput: v => { state.layer = Number(v); fetchLayer(true); } });
  select(box, { label: 'Head', value: 0, options: [0, 1, 2, 3, 4, 5, 6, 7].map(h => [h, `head ${h}`]), onInput: v => { state.head = Number(v); show(); } });
  const query = select(box, { label: 'Query token', value: 0, options: [], onInput: v => { state.query = Number(v); show(); } });
  const fillQueries = () => {
    query.replaceChildren(...state.data.tokens.map((t, i) => el('option', { value: i, selected: i === state.query ? true : null, text: `${i}: ${visible(t.text)}` })));
  };
  const show = () => {
    const d = state.data;
    if (!d) return;   // the first answer is still on its way
    const row = d.layers[0].heads[state.head][state.query];
    const top = row.indexOf(Math.max(...row));
    out.replaceChildren(
      el('p', {}, `Layer ${d.layers[0].layer}, head ${state.head}: the query at position ${state.query} (“${visible(d.tokens[state.query].text)}”) put most weight on position ${top}, `,
        el('strong', { 'data-value': 'real-top', text: `“${visible(d.tokens[top].text)}”` }),
        '. Its weights add up to ', el('span', { 'data-value': 'real-sum', text: num(row.reduce((a, b) => a + b, 0), 4) }),
        `; the ${d.tokens.length - state.query - 1} later tokens get nothing (the causal mask).`),
      bars(row.map((w, k) => ({ label: `${k}: ${visible(d.tokens[k].text)}`, value: w, highlight: k === top })), { max: 1, label: 'Attention weights of the chosen query', format: v => num(v, 4) }),
      table(['key position', 'token', 'weight'], row.map((w, k) => [String(k), el('span', { class: 'mono', text: visible(d.tokens[k].text) }),
        el('span', { 'data-value': `real-weight-${k}`, text: num(w, 4) })]), 'The same row as numbers'));
  };
  fetchLayer(true);
}
