// Lesson 07: course-tiny's real embedding table (4,096 rows of 256 numbers). The tokens nearest to a typed
// word by cosine similarity, and a 2-D principal-component projection of chosen words' rows.
// Numbers from /api/embeddings/neighbors.
import { el, postJson, visible } from '../common.js';
import { controls, output, textInput, select, slider, table, num, bars, svgEl, debounced } from './kit.js';

const WORDS = 'cat, dog, the, a, each, vector, matrix, row, head, heads, is, has';

export function mount(root) {
  root.append(el('h3', { text: 'Nearest tokens and a map of the table' }),
    el('p', { class: 'muted', text: 'Type a word. Its row of the embedding table is compared with all 4,096 rows by cosine similarity; the words in the second box are projected onto the two directions along which their rows differ most.' }));
  const box = controls(root);
  const out = output(root);
  const state = { word: 'vector', form: 'space', k: 10, words: WORDS };
  const refresh = debounced(out, async signal => {
    const form = w => (state.form === 'space' ? ` ${w.trim()}` : w.trim());
    const project = state.words.split(',').map(w => w.trim()).filter(Boolean).slice(0, 24);
    const r = await postJson('/api/embeddings/neighbors', { text: form(state.word) || ' ', k: state.k, project: project.map(form) }, signal);
    show(out, r, project);
  });
  textInput(box, { label: 'Word', value: state.word, maxlength: 40, onInput: v => { state.word = v; refresh(); } });
  select(box, { label: 'Token form', value: state.form, options: [['space', 'with a leading space (inside a sentence)'], ['typed', 'exactly as typed (start of a text)']],
    onInput: v => { state.form = v; refresh(); } });
  slider(box, { label: 'Neighbours', min: 3, max: 30, value: state.k, onInput: v => { state.k = v; refresh(); } });
  textInput(box, { label: 'Words to project (comma-separated, up to 24)', value: state.words, maxlength: 600, onInput: v => { state.words = v; refresh(); } });
  refresh(true);
}

function show(out, r, project) {
  const q = r.query;
  const pieces = q.pieces.length > 1
    ? `“${visible(q.input)}” is ${q.pieces.length} tokens (${q.pieces.map(visible).join(' | ')}); the first one is used.`
    : `“${visible(q.input)}” is one token.`;
  const head = el('p', {}, `Token `, el('strong', { 'data-value': 'query', text: `${visible(q.text)} (id ${q.id})` }), `. ${pieces}`);
  const near = table(['rank', 'token', 'id', 'cosine'], r.neighbors.map((n, i) => [
    String(i + 1),
    el('span', { class: 'mono', 'data-value': `neighbor-${i + 1}`, text: visible(n.text) }),
    el('span', { 'data-value': `neighbor-id-${i + 1}`, text: String(n.id) }),
    el('span', { 'data-value': `cosine-${i + 1}`, text: num(n.cosine, 4) }),
  ]), `The ${r.neighbors.length} nearest of 4,095 other rows`);
  const nodes = [head, el('div', { class: 'lab-columns' }, near,
    bars(r.neighbors.map(n => ({ label: visible(n.text), value: n.cosine })), { max: 1, label: 'Cosine similarity of each neighbour', format: v => num(v, 3) }))];
  if (r.projection) {
    const p = r.projection;
    nodes.push(el('h4', { text: 'The chosen words on their two main directions' }),
      scatter(p.points),
      el('p', { class: 'muted' }, 'The first direction holds ', el('span', { 'data-value': 'explained-1', text: `${num(100 * p.explained[0], 1)}%` }),
        ' of the spread between these rows, the second ', el('span', { 'data-value': 'explained-2', text: `${num(100 * p.explained[1], 1)}%` }),
        '; the rest lies in the other directions this flat picture cannot show.'),
      table(['word', 'token', 'x', 'y', `cosine with ${visible(q.text)}`], p.points.map((pt, i) => [
        project[i],
        el('span', { class: 'mono', text: visible(pt.text) + (pt.pieces.length > 1 ? ' …' : '') }),
        num(pt.x, 3), num(pt.y, 3),
        el('span', { 'data-value': `cos-${i}`, text: num(pt.cosine_to_query, 4) }),
      ]), 'Coordinates on the two principal directions'));
  }
  out.replaceChildren(...nodes);
}

/** The projected rows as labelled dots; the numbers are in the table below it. */
function scatter(points) {
  const w = 480, h = 300, pad = 28;
  const xs = points.map(p => p.x), ys = points.map(p => p.y);
  const [x0, x1] = span(xs), [y0, y1] = span(ys);
  const sx = x => pad + (w - 2 * pad) * (x - x0) / (x1 - x0);
  const sy = y => h - pad - (h - 2 * pad) * (y - y0) / (y1 - y0);
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart lab-chart', role: 'img',
    'aria-label': `The ${points.length} chosen tokens on the first two principal directions of their embedding rows` });
  svg.append(svgEl('line', { x1: pad, y1: sy(0), x2: w - pad, y2: sy(0), stroke: '#d9dee7' }),
    svgEl('line', { x1: sx(0), y1: pad, x2: sx(0), y2: h - pad, stroke: '#d9dee7' }));
  for (const p of points) {
    svg.append(svgEl('circle', { cx: sx(p.x), cy: sy(p.y), r: 4, fill: '#2f5bd3' }),
      svgEl('text', { x: sx(p.x) + 6, y: sy(p.y) - 5, 'font-size': 12, fill: '#1d2330' }, visible(p.text)));
  }
  return svg;
}

function span(values) {
  let lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const m = (hi - lo) * 0.08;
  return [lo - m, hi + m];
}
