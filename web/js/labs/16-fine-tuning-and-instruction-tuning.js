// Lesson 16: typed messages rendered by the server with the real ChatFormat (POST /api/chat/template):
// the exact text, its tokens, and which of them the fine-tuning loss mask counts (the trainer's own
// encoding); and the LoRA parameter count (defaults = the worked example: d 4096, r 8 → 65,536, 0.39 %).
import { el, postJson, getJson } from '../common.js';
import { controls, output, numberInput, select, textInput, table, num } from './kit.js';

const DEFAULT_MESSAGES = [
  { role: 'system', content: 'You are the Glassbox tutor.' },
  { role: 'user', content: 'What is a token?' },
  { role: 'assistant', content: 'A token is a piece of text...' },
];

export async function mount(root) {
  template(root);
  await lora(root);
}

function template(root) {
  root.append(el('h3', { text: 'The chat template, rendered by the real ChatFormat' }),
    el('p', { class: 'muted', text: 'Edit the three messages (the lesson’s example). The server renders them exactly as training and the tutor do; highlighted tokens are the ones the loss counts.' }));
  const msgs = DEFAULT_MESSAGES.map(m => ({ ...m }));
  const s = { gen: false };
  const box = controls(root);
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(show, 250); };
  msgs.forEach(m => textInput(box, { label: `${m.role} message`, value: m.content, maxlength: 1000, onInput: v => { m.content = v; later(); } }));
  select(box, { label: 'end with', value: 'false', options: [['false', 'the whole conversation (a training example)'], ['true', 'system + user + <|assistant|> (a prompt to answer)']],
    onInput: v => { s.gen = v === 'true'; show(); } });
  const out = output(root);
  let seq = 0;
  const show = async () => {
    const mine = ++seq;
    const messages = s.gen ? msgs.filter(m => m.role !== 'assistant') : msgs;
    let r;
    try {
      r = await postJson('/api/chat/template', { messages, add_generation_prompt: s.gen });
    } catch (e) {
      if (mine === seq) out.replaceChildren(el('p', { class: 'error', role: 'alert', text: e.message }));
      return;
    }
    if (mine !== seq) return;
    const chips = r.tokens.slice(0, 300).map(t => el('span', {
      class: 'lab-token' + (t.special ? ' special' : '') + (t.trained ? ' trained' : ''),
      title: `id ${t.id}${t.trained ? ', counted in the loss' : ''}`, text: t.text }));
    out.replaceChildren(
      el('pre', { class: 'lab-rendered', 'data-value': 'rendered', text: r.text }),
      table(['quantity', 'value'], [
        ['tokens in the sequence', el('span', { 'data-value': 'token-count', text: String(r.count) })],
        ['special tokens (one id each)', el('span', { 'data-value': 'special-count', text: String(r.tokens.filter(t => t.special).length) })],
        ['tokens counted in the loss (the set A)', el('span', { 'data-value': 'trained-count', text: String(r.trained_count) })],
        ['share of the sequence that is trained', `${num(100 * r.trained_count / Math.max(1, r.count), 1)} %`],
      ]),
      el('p', { class: 'lab-tokens', 'aria-label': 'The tokens; counted ones are highlighted' }, chips),
      el('p', { class: 'muted', text: s.gen
        ? 'A prompt ends with <|assistant|>: the model writes the rest, and nothing here is trained.'
        : 'Only the assistant’s words and its closing <|end|> are trained, so the model learns to answer and to stop.' }));
  };
  show();
}

/** LoRA: B (d × r) and A (r × d) per adapted d × d matrix. */
export function loraCount({ d, r, matrices, layers }) {
  const perMatrix = 2 * d * r, full = d * d;
  return { perMatrix, full, total: perMatrix * matrices * layers, fullTotal: full * matrices * layers };
}

async function lora(root) {
  root.append(el('h3', { text: 'LoRA parameter count' }),
    el('p', { class: 'muted', text: 'Freeze W, learn W + BA with thin B and A. The defaults are the worked example: one 4096 × 4096 projection at rank 8.' }));
  let tiny = null;
  try {
    const m = await getJson('/api/model');
    tiny = { d: m.config.hidden_size, layers: m.config.num_hidden_layers, params: m.training?.parameters ?? m.info?.parameters };
  } catch {
    // the calculator works without the model; only the course-tiny preset is missing
  }
  const presets = {
    example: { d: 4096, r: 8, matrices: 1, layers: 1, params: 0 },
    exercise: { d: 4096, r: 16, matrices: 2, layers: 32, params: 7e9 },
  };
  if (tiny) presets.tiny = { d: tiny.d, r: 8, matrices: 4, layers: tiny.layers, params: tiny.params };
  const s = { ...presets.example };
  const box = controls(root);
  const inputs = {};
  select(box, { label: 'start from', value: 'example', options: [['example', 'worked example (d 4096, one matrix)'], ['exercise', 'exercise 1 (7B: W_Q and W_V, 32 layers, r 16)'],
    ...(tiny ? [['tiny', `course-tiny (d ${tiny.d}, ${tiny.layers} layers, all four attention projections)`]] : [])], onInput: v => {
    Object.assign(s, presets[v]);
    for (const k of Object.keys(inputs)) inputs[k].value = s[k];
    show();
  } });
  inputs.d = numberInput(box, { label: 'hidden size d', value: s.d, min: 1, step: 1, onInput: v => { s.d = v; show(); } });
  inputs.r = numberInput(box, { label: 'rank r', value: s.r, min: 1, step: 1, onInput: v => { s.r = v; show(); } });
  inputs.matrices = numberInput(box, { label: 'adapted matrices per layer', value: s.matrices, min: 1, step: 1, onInput: v => { s.matrices = v; show(); } });
  inputs.layers = numberInput(box, { label: 'layers', value: s.layers, min: 1, step: 1, onInput: v => { s.layers = v; show(); } });
  inputs.params = numberInput(box, { label: 'whole model’s parameters (0: unknown)', value: s.params, min: 0, onInput: v => { s.params = v; show(); } });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'lora', 'aria-live': 'polite' });
  root.append(out);
  const show = () => {
    const c = loraCount(s);
    out.replaceChildren(table(['quantity', 'formula', 'value'], [
      ['full matrix', `${s.d} × ${s.d}`, el('span', { 'data-value': 'full', text: c.full.toLocaleString('en') })],
      ['one adapter (B and A)', `${s.d} × ${s.r} + ${s.r} × ${s.d}`, el('span', { 'data-value': 'adapter', text: c.perMatrix.toLocaleString('en') })],
      ['adapter / full matrix', '2r / d', el('span', { 'data-value': 'ratio', text: `${num(100 * c.perMatrix / c.full, 2)} % (1/${num(c.full / c.perMatrix, 1)})` })],
      ['all adapters', `${c.perMatrix.toLocaleString('en')} × ${s.matrices} × ${s.layers}`, el('span', { 'data-value': 'total', text: c.total.toLocaleString('en') })],
      ['share of the whole model', 'all adapters / parameters', el('span', { 'data-value': 'model-share', text: s.params > 0 ? `${num(100 * c.total / s.params, 3)} %` : '–' })],
    ]));
  };
  show();
}
