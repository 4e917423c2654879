// Lesson 06: byte-pair encoding merge by merge, on typed text, with the model's real tokenizer.
// POST /api/tokenize with merges: true returns each pre-token piece's bytes and the merges the
// encoder applied to it (lowest rank first); the widget replays them one at a time.
import { el, postJson, showError, visible } from '../common.js';
import { controls, output, slider, select, textInput, table } from './kit.js';

const MAX_ROWS = 50;

export async function mount(root) {
  root.append(el('h3', { text: 'BPE merge by merge' }),
    el('p', { class: 'muted', text: 'Type some text. It is first cut into pieces (words with their leading space, numbers, punctuation); '
      + 'each piece starts as its UTF-8 bytes, and the tokenizer joins neighbours by its learned merges, lowest rank first. Step through them.' }));
  const box = controls(root);
  textInput(box, { label: 'text', value: 'lowest lowly tokenization', maxlength: 300,
    onInput: v => { clearTimeout(timer); timer = setTimeout(() => load(v), 200); } });
  const stepper = el('div', { class: 'lab-controls' });
  root.append(stepper);
  const out = output(root);
  let timer, data = null, piece = 0, step = 0, seq = 0;

  async function load(text) {
    const mine = ++seq;
    try {
      const r = await postJson('/api/tokenize', { text, merges: true });
      if (mine !== seq) return;
      data = r;
      piece = Math.max(0, r.pieces.findIndex(p => p.steps.length > 0));
      step = 0;
      buildStepper();
      show();
    } catch (e) {
      if (mine === seq) showError(out, e, () => load(text));
    }
  }

  function buildStepper() {
    stepper.replaceChildren();
    if (!data.pieces.length) return;
    select(stepper, { label: 'piece', value: piece,
      options: data.pieces.map((p, i) => [i, `${i + 1}: “${visible(p.text)}” (${p.initial.length} bytes, ${p.steps.length} merges)`]),
      onInput: v => { piece = Number(v); step = 0; buildStepper(); show(); } });
    const n = data.pieces[piece].steps.length;
    const range = slider(stepper, { label: 'merges applied', min: 0, max: n, step: 1, value: step, format: v => `${v} of ${n}`,
      onInput: v => { step = v; show(); } });
    const go = to => { step = Math.max(0, Math.min(n, to)); range.value = step; range.dispatchEvent(new Event('input')); };
    stepper.append(el('div', { class: 'lab-step-buttons' },
      el('button', { type: 'button', class: 'secondary', 'data-step': 'previous', text: '◀ previous merge', onclick: () => go(step - 1) }),
      el('button', { type: 'button', 'data-step': 'next', text: 'next merge ▶', onclick: () => go(step + 1) }),
      el('button', { type: 'button', class: 'secondary', 'data-step': 'all', text: 'all merges', onclick: () => go(n) })));
  }

  function show() {
    const ids = data.tokens.map(t => t.id);
    const whole = el('p', {}, `The whole text: ${data.pieces.length} piece${data.pieces.length === 1 ? '' : 's'}, ${new TextEncoder().encode(data.pieces.map(p => p.text).join('')).length} bytes, `,
      `${data.pieces.reduce((s, p) => s + p.steps.length, 0)} merges → `, el('strong', { 'data-value': 'token-count', text: String(ids.length) }),
      ' tokens, ids ', el('code', { 'data-value': 'final-ids', text: ids.join(' ') }), '.');
    if (!data.pieces.length) {
      out.replaceChildren(whole);
      return;
    }
    const p = data.pieces[piece];
    // replay the first `step` merges on the piece's bytes
    const tokens = p.initial.map(t => ({ id: t.id, text: t.text }));
    let last = null;
    for (const s of p.steps.slice(0, step)) {
      last = { ...s, leftText: tokens[s.index].text, rightText: tokens[s.index + 1].text };
      tokens.splice(s.index, 2, { id: s.result, text: s.text });
    }
    const now = last ? tokens[last.index] : null;
    const chips = el('div', { class: 'chips', role: 'list', 'aria-label': `Tokens of the piece after ${step} merges` },
      tokens.map((t, i) => el('span', { role: 'listitem', class: `chip c${i % 4}${t === now ? ' selected' : ''}` },
        visible(t.text), el('span', { class: 'id', text: String(t.id) }))));
    const what = last
      ? el('p', { class: 'lab-verdict' }, `Merge ${step} of ${p.steps.length}: rank `, el('span', { 'data-value': 'rank', text: String(last.rank) }), ', ',
        el('code', { text: visible(last.leftText) }), ' + ', el('code', { text: visible(last.rightText) }), ' → ',
        el('code', { 'data-value': 'merged', text: visible(last.text) }), ` (id ${last.result}).`)
      : el('p', { class: 'lab-verdict' }, `Before any merge: one token per byte, ids 0–255. ${p.steps.length ? 'Press “next merge”.' : 'This piece has no merge.'}`);
    const state = el('p', {}, 'Now ', el('strong', { 'data-value': 'piece-tokens', text: String(tokens.length) }), ' tokens: ids ',
      el('code', { 'data-value': 'piece-ids', text: tokens.map(t => t.id).join(' ') }),
      step === p.steps.length ? ' (final: what the encoder outputs for this piece).' : '.');
    const rows = p.steps.slice(0, MAX_ROWS).map((s, i) => [String(i + 1), String(s.rank), `${s.left} + ${s.right}`, visible(s.text), String(s.result),
      i < step ? 'yes' : 'not yet']);
    const steps = table(['merge', 'rank', 'pair (ids)', 'becomes', 'id', 'applied'], rows,
      `The merges of “${visible(p.text)}” in the order the encoder applied them${p.steps.length > MAX_ROWS ? ` (first ${MAX_ROWS})` : ''}`);
    out.replaceChildren(whole, what, chips, state, steps);
  }

  await load('lowest lowly tokenization');
}
