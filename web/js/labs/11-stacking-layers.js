// Lesson 11: the logit lens on typed text (each layer's output read through the final norm and the tied
// output head: what course-tiny would predict if it stopped there), from /api/lens; and a parameter
// counter whose defaults come from the model's config.json (/api/model), as in the worked example.
import { el, postJson, getJson, visible, pct } from '../common.js';
import { controls, output, textInput, select, numberInput, table, num, debounced } from './kit.js';

const SENTENCE = 'Attention lets every token look back at the tokens before it.';

export async function mount(root) {
  lens(root);
  await counter(root);
}

function lens(root) {
  root.append(el('h3', { text: 'The logit lens' }),
    el('p', { class: 'muted', text: 'Choose a token: each row is the guess for the next token after that layer, read through the final norm and the output head. The last row is the model’s real prediction.' }));
  const box = controls(root);
  const out = output(root);
  const state = { position: -1, data: null };
  const refresh = debounced(out, async signal => {
    state.data = await postJson('/api/lens', { text: text.value, top: 5 }, signal);
    const n = state.data.tokens.length;
    if (state.position < 0 || state.position >= n) state.position = Math.max(0, n - 2);
    position.replaceChildren(...state.data.tokens.map((t, i) => el('option', { value: i, selected: i === state.position ? true : null, text: `${i}: ${visible(t.text)}` })));
    show();
  });
  const text = textInput(box, { label: 'Text (up to 64 tokens)', value: SENTENCE, maxlength: 300, onInput: () => { state.position = -1; refresh(); } });
  const position = select(box, { label: 'After token', value: 0, options: [], onInput: v => { state.position = Number(v); show(); } });
  const show = () => {
    const d = state.data;
    if (!d) return;
    const p = state.position, layers = d.lens[p].layers;
    const next = d.tokens[p + 1];
    const final = layers[layers.length - 1].top[0];
    const first = layers.findIndex(l => l.top.some(c => c.id === final.id));
    out.replaceChildren(
      el('p', {}, `After “${visible(d.tokens[p].text)}” (position ${p}) the model predicts `, el('strong', { text: `“${visible(final.text)}”` }),
        next ? ` (the text goes on with “${visible(next.text)}”)` : '', '. That guess is first among a layer’s top five at ',
        el('strong', { 'data-value': 'first-layer', text: `layer ${layers[first].layer}` }), '.'),
      table(['after layer', ...[1, 2, 3, 4, 5].map(r => `guess ${r}`)], layers.map(l => [
        `layer ${l.layer}`,
        ...l.top.map((c, r) => el('span', { class: `mono${next && c.id === next.id ? ' lab-hit' : ''}`,
          'data-value': r === 0 ? `lens-top-${l.layer}` : null, text: `${visible(c.text)} ${pct(c.prob)}` })),
      ]), next ? `The token that really follows, “${visible(next.text)}”, is underlined where it appears` : 'The last position: nothing follows it'));
  };
  refresh(true);
}

async function counter(root) {
  root.append(el('h3', { text: 'Counting the parameters' }),
    el('p', { class: 'muted', text: 'The defaults are course-tiny’s config.json; change them to size another model. No biases; RoPE adds no weights.' }));
  const model = await getJson('/api/model');
  const c = model.config;
  const v = { vocab: c.vocab_size, width: c.hidden_size, layers: c.num_hidden_layers, heads: c.num_attention_heads,
    kv: c.num_key_value_heads ?? c.num_attention_heads, ffn: c.intermediate_size, tied: c.tie_word_embeddings ? 'yes' : 'no' };
  const box = controls(root);
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'parameters', 'aria-live': 'polite' });
  root.append(out);
  const field = (key, label) => numberInput(box, { label, value: v[key], min: 1, step: 1, onInput: x => { v[key] = x; show(); } });
  field('vocab', 'vocabulary V');
  field('width', 'width d');
  field('layers', 'layers L');
  field('heads', 'heads');
  field('kv', 'key/value heads');
  field('ffn', 'feed-forward width f');
  select(box, { label: 'head tied to the embedding', value: v.tied, options: [['yes', 'yes'], ['no', 'no']], onInput: x => { v.tied = x; show(); } });
  const show = () => {
    const { vocab, width: d, layers: L, heads, kv, ffn: f } = v;
    if (![vocab, d, L, heads, kv, f].every(x => Number.isInteger(x) && x > 0) || d % heads || heads % kv) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Use whole numbers ≥ 1; the width must split evenly into heads, and the heads into key/value groups.' }));
      return;
    }
    const kvWidth = kv * (d / heads);
    const attention = 2 * d * d + 2 * d * kvWidth;   // W_Q and W_O are d × d; W_K and W_V are d × (kv heads · head size)
    const mlp = 3 * d * f, norms = 2 * d, block = attention + mlp + norms;
    const embed = vocab * d, head = v.tied === 'yes' ? 0 : vocab * d, total = L * block + embed + head + d;
    const f0 = x => x.toLocaleString('en');
    out.replaceChildren(table(['part', 'formula', 'parameters'], [
      ['attention W_Q, W_K, W_V, W_O', kv === heads ? `4 × ${d} × ${d}` : `2 × ${d} × ${d} + 2 × ${d} × ${kvWidth}`, f0(attention)],
      ['SwiGLU gate, up, down', `3 × ${d} × ${f}`, f0(mlp)],
      ['two RMSNorm gains', `2 × ${d}`, f0(norms)],
      ['one block', 'sum of the three', el('span', { 'data-value': 'params-block', text: f0(block) })],
      [`${L} blocks`, `${L} × ${f0(block)}`, f0(L * block)],
      ['embedding', `${vocab} × ${d}`, f0(embed)],
      ['output head', v.tied === 'yes' ? 'tied: shares the embedding' : `${vocab} × ${d}`, f0(head)],
      ['final norm', `${d}`, f0(d)],
      ['total', '', el('strong', { 'data-value': 'params-total', text: f0(total) })],
    ]), el('p', {}, `As 32-bit floats: ${num(total * 4 / 1e6, 1)} MB; ${num(100 * L * block / total, 1)}% of the parameters sit in the blocks. The committed model.safetensors holds `,
      el('span', { 'data-value': 'params-file', text: f0(model.info.parameters) }), '.'));
  };
  show();
}
