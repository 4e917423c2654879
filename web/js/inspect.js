// The inspector: one answer's tokens, each token's candidates and filters, the passages a grounded answer copies,
// attention per layer and head, the logit lens.
import { el, header, getJson, showError, visible, pct, decoded } from './common.js';

header('Inspector');
const app = document.getElementById('app');
const traceId = decoded(location.pathname.split('/').pop());
// The URL's #token=&layer=&head= are only hints: kept as non-negative integers here, clamped to the trace once it is loaded.
const state = { token: 0, layer: 0, head: 0 };
for (const [k, v] of new URLSearchParams(location.hash.slice(1))) {
  if (k in state) state[k] = Math.max(0, Math.floor(Number(v)) || 0);
}
let trace, choice, tokens;

// What a constraint cut is called, by the kind the trace names (older traces only say grounding).
const CONSTRAINTS = {
  grounding: { label: 'grounding', why: 'the answer may only copy from the passages' },
  json: { label: 'JSON schema', why: 'the answer must stay a prefix of JSON valid for the response_format schema' },
  tool_call: { label: 'tool call', why: 'after <|tool_call|> the answer must stay a prefix of a valid call to one of the tools' },
};
const constraintKind = () => trace.constraint || (trace.grounding ? 'grounding' : null);

app.append(el('h1', { text: 'Inspector' }), el('p', { class: 'loading', id: 'status', text: 'Loading trace…' }));
load();

async function load() {
  try {
    trace = await getJson(`/api/traces/${encodeURIComponent(traceId)}`);
  } catch (e) {
    showError(document.getElementById('status'), e.status === 404
      ? new Error('This trace is no longer kept (the server holds the most recent ones). Ask again in the chat and inspect the new answer.') : e, load);
    return;
  }
  choice = trace.choices[0];
  tokens = trace.prompt_tokens.map(t => ({ ...t, prompt: true })).concat(choice.tokens.map(t => ({ ...t, prompt: false })));
  state.token = Math.min(state.token, Math.max(0, choice.tokens.length - 1));
  state.layer = Math.min(state.layer, Math.max(0, (trace.layers || 1) - 1));
  state.head = Math.min(state.head, Math.max(0, (trace.heads || 1) - 1));
  render();
}

function saveState() {
  history.replaceState(null, '', `#token=${state.token}&layer=${state.layer}&head=${state.head}`);
}

function render() {
  saveState();
  const s = trace.sampling;
  const summary = el('div', { class: 'card' },
    el('div', {}, el('strong', { text: trace.model }), ` · temperature ${s.temperature} · top-k ${s.top_k || 'off'} · top-p ${s.top_p} · min-p ${s.min_p || 'off'} · seed ${s.seed}`),
    el('div', { class: 'muted', text: `Filters apply in this order: ${trace.filter_order.join(' → ')}` }),
    trace.grounding ? el('div', { class: 'muted', text: `Grounded decoding: the answer may only copy sentences from the ${(trace.grounding.passages || []).length} retrieved passages (citation markers aside).` }) : null,
    constraintKind() === 'json' ? el('div', { class: 'muted', id: 'constraint-summary', text: 'Structured output: every token had to keep the answer a prefix of JSON valid for the request’s schema.' }) : null,
    constraintKind() === 'tool_call' ? el('div', { class: 'muted', id: 'constraint-summary', text: 'Tool call: once the model wrote <|tool_call|> (forced when tool_choice is required), every token had to keep the call valid for a tool’s parameters.' }) : null,
    el('div', { class: 'muted', text: `${trace.prompt_tokens.length} prompt tokens (${choice.cached_tokens} reused from the KV cache), ${choice.tokens.length} generated · prefill ${choice.prefill_ms.toFixed(1)} ms · decode ${choice.decode_ms.toFixed(1)} ms · finish: ${choice.finish_reason}` }));
  const answerChips = el('div', { class: 'chips', id: 'answer-tokens', role: 'listbox', 'aria-label': 'Generated tokens' },
    choice.tokens.map((t, i) => el('span', {
      class: `chip${i === state.token ? ' selected' : ''}`, tabindex: 0, role: 'option', 'aria-selected': i === state.token,
      title: `id ${t.id} · bytes [${t.bytes.join(' ')}] · p ${pct(t.prob)}`, text: visible(t.text),
      onclick: () => select(i), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(i); } },
    })));
  const promptChips = el('div', { class: 'chips', id: 'prompt-tokens' }, trace.prompt_tokens.map(t => el('span', {
    class: `chip${t.special ? ' special' : ''}`, title: `id ${t.id} · bytes [${t.bytes.join(' ')}]`, text: visible(t.text) })));
  const tokensCard = el('section', { class: 'card', 'aria-labelledby': 'tok-h' }, el('h2', { id: 'tok-h', text: 'Tokens' }),
    el('p', { class: 'muted', text: 'Prompt (as the model saw it, chat tokens included):' }), promptChips,
    el('p', { class: 'muted', text: 'Answer — select a token to see how it was chosen:' }), answerChips);
  app.replaceChildren(el('h1', { text: 'Inspector' }), summary, tokensCard);
  if (trace.grounding) {
    app.append(groundingCard());
    scrollToSource();
  }
  if (!choice.tokens.length) {
    app.append(el('p', { class: 'card', text: 'The model produced no tokens for this answer (it ended its turn at once, or the tutor answered without the model).' }));
    return;
  }
  app.append(el('div', { class: 'grid-2' }, candidatesCard(), attentionCard()), promptMatrixCard(), lensCard(),
    el('p', { class: 'note', text: 'Attention weights show where each position read from; they are not an explanation of why the model chose a token. Many heads attend to the first token or to punctuation as a resting place.' }));
}

function select(i) {
  state.token = i;
  render();
  document.querySelectorAll('#answer-tokens .chip')[i].focus();
}

function candidatesCard() {
  const t = choice.tokens[state.token];
  const bars = el('div', { class: 'bars', id: 'candidate-bars' });
  const max = Math.max(...t.candidates.map(c => c.prob), 1e-9);
  const kind = CONSTRAINTS[constraintKind()] || CONSTRAINTS.grounding;
  const cutBy = `cut by ${kind.label}`;
  let constraintCuts = 0;
  for (const c of t.candidates) {
    const chosen = c.id === t.id;
    const allowed = c.allowed !== false; // false: the constraint removed it (prob is from before the cut)
    const survived = allowed && c.top_k && c.top_p && c.min_p;
    const why = !allowed ? cutBy : !c.top_k ? 'cut by top-k' : !c.top_p ? 'cut by top-p' : !c.min_p ? 'cut by min-p' : 'kept';
    if (!allowed) constraintCuts++;
    bars.append(el('span', { class: 'tok', title: `id ${c.id} · logit ${c.logit.toFixed(2)}`, text: visible(c.text) }),
      el('div', { class: 'bar-cell' },
        el('div', { class: `bar${chosen ? ' chosen' : !allowed ? ` cut constraint ${constraintKind() || 'grounding'}` : survived ? '' : ' cut'}`, style: `width:${(100 * c.prob / max).toFixed(1)}%`,
          title: `${why}${chosen ? ' · drawn' : ''}`, 'data-survived': survived }),
        allowed ? null : el('span', { class: `constraint-cut ${constraintKind() || 'grounding'}-cut`, text: cutBy })),
      el('span', { text: pct(c.prob) }));
  }
  const cut = t.constraint_cut || 0;
  return el('section', { class: 'card', 'aria-labelledby': 'cand-h' }, el('h2', { id: 'cand-h', text: `Choosing token ${state.token + 1}: “${visible(t.text)}”` }),
    el('p', { class: 'muted', text: `p ${pct(t.prob)} · logprob ${t.logprob.toFixed(3)} · entropy ${t.entropy.toFixed(2)} nats · ${t.survivors} candidates survived the filters${cut > 0 ? ` · ${kind.label} cut ${cut} token${cut === 1 ? '' : 's'}` : ''} · random draw ${t.draw === null ? 'none (greedy)' : t.draw.toFixed(4)} · ${(t.micros / 1000).toFixed(2)} ms` }),
    bars, el('p', { class: 'muted', text: 'Green: drawn. Blue: survived top-k, top-p and min-p. Grey: cut.' }),
    constraintCuts || constraintKind() ? el('p', { class: 'muted', text: `Hatched and marked “${cutBy}”: removed by the ${kind.label} constraint (${kind.why}); its bar shows the model’s probability before the cut.` }) : null);
}

/** The passages a grounded answer may copy; the selected token's source range is marked in its passage. */
function groundingCard() {
  const passages = trace.grounding.passages || [];
  const t = choice.tokens[state.token];
  const source = t ? t.source : null;
  const shown = source ? passages.find(p => p.number === source.passage) : null;
  const label = t ? `Token ${state.token + 1} “${visible(t.text)}”` : '';
  const status = !t ? 'The model produced no tokens for this answer.'
    : !source ? `${label}: this token is a citation marker or not copied.`
    : !shown ? `${label} copies from passage [${source.passage}], which this trace does not include.`
    : `${label} copies characters ${source.start}–${source.end} of passage [${source.passage}], marked below.`;
  const list = el('div', { class: 'passages', id: 'grounding-passages', role: 'region', 'aria-label': 'Retrieved passages', tabindex: 0 },
    passages.map(p => el('div', { class: 'passage', id: `passage-${p.number}` },
      el('h3', { text: `[${p.number}] ${p.title} — ${p.section}` }),
      el('p', { class: 'passage-text' }, p === shown ? withMark(p.text, source.start, source.end) : p.text))));
  return el('section', { class: 'card', id: 'grounding', 'aria-labelledby': 'ground-h' }, el('h2', { id: 'ground-h', text: 'Grounding' }),
    el('p', { class: 'muted', text: 'The answer may only copy sentences from these retrieved passages; it cites them as [n].' }),
    el('p', { id: 'grounding-status', text: status }), list);
}

/** Text with [start, end) wrapped in <mark>, as text nodes (offsets are string indices, as the server counts them). */
function withMark(text, start, end) {
  const s = Math.max(0, Math.min(text.length, start)), e = Math.max(s, Math.min(text.length, end));
  return [text.slice(0, s), el('mark', { class: 'grounding-source', text: text.slice(s, e) }), text.slice(e)];
}

/** Scrolls the passage list (not the page) so the marked source sits in view. */
function scrollToSource() {
  const mark = document.querySelector('mark.grounding-source');
  if (!mark) return;
  const box = mark.closest('.passages');
  const top = mark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTop = Math.max(0, top - box.clientHeight / 3);
}

function color(w) {
  return `rgba(47, 91, 211, ${Math.min(1, Math.sqrt(w)).toFixed(3)})`;
}

function attentionCard() {
  const t = choice.tokens[state.token];
  const card = el('section', { class: 'card', 'aria-labelledby': 'att-h' }, el('h2', { id: 'att-h', text: 'Attention' }));
  if (!t.attention) {
    card.append(el('p', { class: 'muted', text: 'This answer was generated without recording attention (turn on “record attention” in the chat).' }));
    return card;
  }
  const layers = t.attention.length, heads = t.attention[0].length;
  const layerSel = el('select', { id: 'layer', 'aria-label': 'Layer', onchange: (e) => { state.layer = Number(e.target.value); render(); } },
    [...Array(layers).keys()].map(l => el('option', { value: l, selected: l === state.layer, text: `layer ${l}` })));
  const headSel = el('select', { id: 'head', 'aria-label': 'Head', onchange: (e) => { state.head = Number(e.target.value); render(); } },
    [...Array(heads).keys()].map(h => el('option', { value: h, selected: h === state.head, text: `head ${h}` })));
  const row = t.attention[Math.min(state.layer, layers - 1)][Math.min(state.head, heads - 1)];
  const strip = el('div', { class: 'chips', id: 'attention-row' }, row.map((w, j) => el('span', {
    class: 'chip', style: `background:${color(w)};color:${w > 0.3 ? '#fff' : 'inherit'}`, title: `${visible(tokens[j].text)}: ${pct(w)}`,
    text: visible(tokens[j].text) })));
  const grid = el('div', { class: 'heads', id: 'heads-grid', style: `grid-template-columns:repeat(${heads},1fr)` });
  for (let l = 0; l < layers; l++) {
    for (let h = 0; h < heads; h++) {
      const c = el('canvas', { width: t.attention[l][h].length, height: 1, title: `layer ${l} head ${h}`, 'aria-label': `layer ${l} head ${h}`,
        tabindex: 0, onclick: () => { state.layer = l; state.head = h; render(); },
        onkeydown: (e) => { if (e.key === 'Enter') { state.layer = l; state.head = h; render(); } } });
      paintRow(c, t.attention[l][h]);
      if (l === state.layer && h === state.head) c.style.outline = '2px solid #2f5bd3';
      grid.append(c);
    }
  }
  card.append(el('div', { class: 'controls' }, layerSel, headSel),
    el('p', { class: 'muted', text: `Where the position before “${visible(t.text)}” looked, over the ${row.length} tokens before it:` }), strip,
    el('p', { class: 'muted', text: 'All heads (rows: layers, columns: heads); click one to select it:' }), grid);
  return card;
}

function paintRow(canvas, row) {
  const ctx = canvas.getContext('2d');
  row.forEach((w, j) => { ctx.fillStyle = color(w); ctx.fillRect(j, 0, 1, 1); });
}

function promptMatrixCard() {
  const card = el('section', { class: 'card', 'aria-labelledby': 'pm-h' }, el('h2', { id: 'pm-h', text: `Prompt attention, layer ${state.layer} head ${state.head}` }));
  const matrix = choice.prompt_attention;
  if (!matrix) {
    card.append(el('p', { class: 'muted', text: 'Not recorded for this answer (it needs attention recording, and prompts of at most 256 tokens).' }));
    return card;
  }
  const rows = matrix[state.layer][state.head];
  const n = rows.length;
  const canvas = el('canvas', { class: 'heatmap', id: 'prompt-heatmap', width: n, height: n, 'aria-label': 'Prompt attention heatmap' });
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, n, n);
  rows.forEach((row, q) => row.forEach((w, k) => { ctx.fillStyle = color(w); ctx.fillRect(k, q, 1, 1); }));
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const q = Math.floor((e.clientY - r.top) / r.height * n), k = Math.floor((e.clientX - r.left) / r.width * n);
    if (rows[q] && k <= q) canvas.title = `${visible(tokens[q].text)} → ${visible(tokens[k].text)}: ${pct(rows[q][k])}`;
  });
  card.append(el('p', { class: 'muted', text: 'Row: the query token; column: the key it reads. Causal: nothing above the diagonal.' }),
    el('div', { style: 'max-width:520px' }, canvas));
  return card;
}

function lensCard() {
  const t = choice.tokens[state.token];
  const card = el('section', { class: 'card', 'aria-labelledby': 'lens-h' }, el('h2', { id: 'lens-h', text: 'Logit lens' }));
  if (!t.logit_lens) {
    card.append(el('p', { class: 'muted', text: 'Not recorded for this answer.' }));
    return card;
  }
  card.append(el('p', { class: 'muted', text: 'What the model would predict if it stopped after each layer (the final norm and output head applied early).' }),
    el('table', { id: 'logit-lens' }, el('thead', {}, el('tr', {}, el('th', { text: 'after layer' }), [1, 2, 3, 4, 5].map(i => el('th', { text: `#${i}` })))),
      el('tbody', {}, t.logit_lens.map(layer => el('tr', {}, el('td', { text: String(layer.layer) }),
        layer.top.map(c => el('td', { class: 'mono', title: `id ${c.id}`, text: `${visible(c.text)} ${pct(c.prob)}` })))))));
  return card;
}
