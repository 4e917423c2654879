// Lesson 09: all eight heads of one layer of course-tiny, side by side, for a typed sentence: each head's
// attention matrix as a small heat map (query rows, key columns), how much each looks at the previous
// token, at the first token and at itself, and every head's row for a chosen token as numbers.
// From /api/attention (rows rebuilt from the model's own residual stream by the trace machinery).
import { el, postJson, visible } from '../common.js';
import { controls, output, textInput, select, table, num, debounced } from './kit.js';

const SENTENCE = 'The model reads the tokens, and then the model predicts the next token.';

export function mount(root) {
  root.append(el('h3', { text: 'Every head of one layer' }),
    el('p', { class: 'muted', text: 'Each square is one head: row q is where the token at position q looked, column k the token it looked at (darker = more weight). The empty upper triangle is the causal mask.' }));
  const box = controls(root);
  const out = output(root);
  const state = { layer: 0, query: -1, data: null };
  const refresh = debounced(out, async signal => {
    state.data = await postJson('/api/attention', { text: text.value, layer: state.layer }, signal);
    const n = state.data.tokens.length;
    if (state.query < 0 || state.query >= n) state.query = n - 1;
    query.replaceChildren(...state.data.tokens.map((t, i) => el('option', { value: i, selected: i === state.query ? true : null, text: `${i}: ${visible(t.text)}` })));
    show();
  });
  const text = textInput(box, { label: 'Sentence (up to 64 tokens)', value: SENTENCE, maxlength: 300, onInput: () => { state.query = -1; refresh(); } });
  select(box, { label: 'Layer', value: 0, options: [0, 1, 2, 3, 4, 5].map(l => [l, `layer ${l}`]), onInput: v => { state.layer = Number(v); refresh(true); } });
  const query = select(box, { label: 'Token for the numbers', value: 0, options: [], onInput: v => { state.query = Number(v); show(); } });
  const show = () => {
    const d = state.data;
    if (!d) return;
    const heads = d.layers[0].heads, n = d.tokens.length;
    const stats = heads.map(rows => summary(rows));
    const grid = el('div', { class: 'lab-heads' }, heads.map((rows, h) => el('figure', { class: 'lab-head' },
      heatmap(rows, `Head ${h} of layer ${d.layers[0].layer}: previous token ${num(stats[h].prev, 2)}, first token ${num(stats[h].first, 2)} of the weight on average`),
      el('figcaption', { text: `head ${h}` }))));
    const best = stats.reduce((b, s, h) => (s.prev > stats[b].prev ? h : b), 0);
    const rowsTable = table(['key', ...heads.map((_, h) => `h${h}`)],
      Array.from({ length: state.query + 1 }, (_, k) => [`${k}: ${visible(d.tokens[k].text)}`,
        ...heads.map((rows, h) => el('span', { 'data-value': `row-${h}-${k}`, text: num(rows[state.query][k], 3) }))]),
      `Every head’s weights for the token at position ${state.query} (“${visible(d.tokens[state.query].text)}”)`);
    out.replaceChildren(
      el('p', {}, el('span', { 'data-value': 'layer', text: `Layer ${d.layers[0].layer}` }), ', ',
        el('span', { 'data-value': 'token-count', text: String(n) }), ' tokens. The head that most follows the previous token: ',
        el('strong', { 'data-value': 'previous-head', text: `head ${best}` }), ` (${num(100 * stats[best].prev, 1)}% of its weight on average).`),
      grid,
      table(['head', 'previous token', 'first token', 'itself', 'mean distance back'], stats.map((s, h) => [`head ${h}`,
        el('span', { 'data-value': `prev-${h}`, text: num(s.prev, 3) }),
        el('span', { 'data-value': `first-${h}`, text: num(s.first, 3) }),
        el('span', { 'data-value': `self-${h}`, text: num(s.self, 3) }),
        el('span', { 'data-value': `dist-${h}`, text: num(s.dist, 2) })]),
        'Average weight over the positions that have a previous token (1 … n−1)'),
      rowsTable);
  };
  refresh(true);
}

/** Mean weight on the previous token, the first token and itself, and the mean distance looked back, over queries 1 … n−1. */
function summary(rows) {
  const n = rows.length;
  if (n < 2) return { prev: 0, first: 0, self: 1, dist: 0 };
  let prev = 0, first = 0, self = 0, dist = 0;
  for (let q = 1; q < n; q++) {
    prev += rows[q][q - 1];
    first += rows[q][0];
    self += rows[q][q];
    dist += rows[q].reduce((s, w, k) => s + w * (q - k), 0);
  }
  const m = n - 1;
  return { prev: prev / m, first: first / m, self: self / m, dist: dist / m };
}

/** One head's n × n matrix on a canvas, one pixel per cell, scaled up by CSS. */
function heatmap(rows, label) {
  const n = rows.length;
  const canvas = el('canvas', { width: n, height: n, class: 'lab-heatmap', role: 'img', 'aria-label': label });
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(n, n);
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      const i = 4 * (q * n + k);
      if (k > q) { img.data.set([243, 245, 249, 255], i); continue; }
      const w = Math.sqrt(rows[q][k]);   // square root: small weights stay visible
      img.data.set([Math.round(255 - w * (255 - 47)), Math.round(255 - w * (255 - 91)), Math.round(255 - w * (255 - 211)), 255], i);
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
