// Lesson 18: the inference loop one token per click, on the real engine. Each click sends the ids so
// far to POST /api/generate/step with this widget's KV session: the engine computes only the newest
// position (the rest come from its KV cache), greedily picks the next token and shows its candidates.
// The cache size is 2 × layers × KV heads × head size × positions × bytes, from the model's config.json.
import { el, getJson, postJson, showError, visible } from '../common.js';
import { controls, output, textInput, table, num, bars, lineChart } from './kit.js';

const MAX_ROWS = 50;
const BYTES = { float32: 4, float16: 2, bfloat16: 2 };

export async function mount(root) {
  root.append(el('h3', { text: 'Generation, one token per click' }),
    el('p', { class: 'muted', text: 'Each click runs one turn of the loop on the model behind this course: it reads the logits at the last position, '
      + 'takes the most likely token (greedy), appends it and keeps the keys and values of every position in its KV cache.' }));
  const box = controls(root);
  const prompt = textInput(box, { label: 'prompt', value: 'The KV cache stores', maxlength: 500, onInput: () => restart() });
  const next = el('button', { type: 'button', 'data-step': 'next', text: 'next token ▶', onclick: () => step() });
  box.append(el('div', { class: 'lab-step-buttons' }, next,
    el('button', { type: 'button', class: 'secondary', 'data-step': 'restart', text: 'start again', onclick: () => restart() })));
  const out = output(root);
  const session = `lab18-${Math.random().toString(36).slice(2, 12)}`;
  let config, promptIds = [], generated = [], history = [], last = null, busy = false, ended = false, seq = 0;

  try {
    const model = await getJson('/api/model');
    const c = model.config;
    config = { layers: c.num_hidden_layers, kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
      headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads, bytes: BYTES[c.torch_dtype] ?? 4,
      dtype: c.torch_dtype ?? 'float32', context: model.info.contextLength ?? model.info.context_length ?? c.max_position_embeddings };
  } catch (e) {
    showError(out, e);
    return;
  }

  const kvNumbers = positions => 2 * config.layers * config.kvHeads * config.headDim * positions;

  async function restart() {
    const mine = ++seq;
    generated = []; history = []; last = null; ended = false;
    try {
      const r = await postJson('/api/tokenize', { text: prompt.value });
      if (mine !== seq) return;
      promptIds = r.tokens.map(t => ({ id: t.id, text: t.text }));
      show();
    } catch (e) {
      if (mine === seq) showError(out, e, restart);
    }
  }

  async function step() {
    if (busy || ended || !promptIds.length) return;
    const ids = promptIds.concat(generated).map(t => t.id);
    if (ids.length >= config.context) return;
    busy = true;
    next.disabled = true;
    const mine = seq;
    try {
      const r = await postJson('/api/generate/step', { ids, session });
      if (mine !== seq) return;
      last = r;
      history.push({ step: history.length + 1, token: r.token, prob: r.prob, positions: r.prompt_tokens, computed: r.computed_tokens,
        cached: r.cached_tokens, end: r.end });
      if (r.end) ended = true;
      else generated.push({ id: r.token.id, text: r.token.text });
      show();
    } catch (e) {
      showError(out, e, step);
    } finally {
      busy = false;
      next.disabled = ended;
    }
  }

  function show() {
    const inCache = last ? last.prompt_tokens : 0;
    const numbers = kvNumbers(inCache), bytes = numbers * config.bytes;
    const chips = el('div', { class: 'chips', role: 'list', 'aria-label': 'The prompt tokens, then the generated ones' },
      promptIds.map(t => el('span', { role: 'listitem', class: 'chip c0', title: `prompt token, id ${t.id}` }, visible(t.text), el('span', { class: 'id', text: String(t.id) }))),
      generated.map((t, i) => el('span', { role: 'listitem', class: `chip c2${i === generated.length - 1 ? ' selected' : ''}`, title: `generated token ${i + 1}, id ${t.id}` },
        visible(t.text), el('span', { class: 'id', text: String(t.id) }))));
    const status = el('p', {}, el('span', { 'data-value': 'steps', text: String(history.length) }), ' steps; the text is ',
      String(promptIds.length), ' prompt tokens + ', el('span', { 'data-value': 'generated', text: String(generated.length) }), ' generated: ',
      el('code', { 'data-value': 'generated-ids', text: generated.map(t => t.id).join(' ') || '–' }), '.');
    const turn = !last
      ? el('p', { class: 'lab-verdict', text: 'Press “next token ▶”: the first step prefills the whole prompt.' })
      : el('p', { class: 'lab-verdict' }, `Step ${history.length}: ${last.prompt_tokens} positions went in; `,
        el('span', { 'data-value': 'computed', text: String(last.computed_tokens) }), ` computed now, ${last.cached_tokens} read back from the KV cache. `,
        last.end ? `The model chose ${last.token.text}, an end token: the loop stops here.` : `Chosen: “${visible(last.token.text)}” with probability ${num(last.prob, 3)}.`);
    const candidates = last ? bars(last.candidates.map(c => ({ label: visible(c.text), value: c.prob, highlight: c.id === last.token.id })),
      { max: 1, label: 'The ten most likely next tokens at this step' }) : null;
    const kv = el('p', {}, 'KV cache now: 2 (keys and values) × ', String(config.layers), ' layers × ', String(config.kvHeads), ' KV heads × ',
      String(config.headDim), ' dims × ', el('strong', { 'data-value': 'kv-positions', text: String(inCache) }), ' positions = ',
      el('strong', { 'data-value': 'kv-entries', text: numbers.toLocaleString('en') }), ` numbers × ${config.bytes} bytes (${config.dtype}) = `,
      el('strong', { 'data-value': 'kv-bytes', text: bytes.toLocaleString('en') }), ` bytes (${num(bytes / 1024, 1)} KiB). `,
      `The full context of ${config.context} positions would take ${(kvNumbers(config.context) * config.bytes).toLocaleString('en')} bytes.`);
    const shown = history.slice(-MAX_ROWS);
    const rows = shown.map(h => [String(h.step), visible(h.token.text), num(h.prob, 3), String(h.positions), String(h.computed),
      (kvNumbers(h.positions) * config.bytes).toLocaleString('en')]);
    const parts = [status, chips, turn, candidates, kv];
    if (history.length >= 2) {
      parts.push(lineChart([{ name: 'KV cache', points: history.map(h => [h.step, kvNumbers(h.positions) * config.bytes / 1024]) }],
        { label: 'KV cache size in KiB after each step', xLabel: 'step', yLabel: 'KiB', height: 200 }));
    }
    if (rows.length) {
      parts.push(table(['step', 'token', 'p', 'positions in', 'computed', 'KV bytes'], rows,
        `Every step so far${history.length > MAX_ROWS ? ` (the last ${MAX_ROWS})` : ''}`));
    }
    out.replaceChildren(...parts.filter(Boolean));
  }

  await restart();
}
