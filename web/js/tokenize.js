// Tokenizer playground: live byte-level BPE tokenization with boundaries and ids.
import { el, header, postJson, showError, visible, params } from './common.js';

header('Tokenizer');
const app = document.getElementById('app');
const input = el('textarea', { id: 'text', rows: 4, 'aria-label': 'Text to tokenize' });
const special = el('input', { type: 'checkbox', id: 'special' });
const count = el('p', { class: 'muted', id: 'count', 'aria-live': 'polite' });
const chips = el('div', { class: 'chips', id: 'tokens' });
input.value = params().get('text') || 'Tokenizers split text into pieces: "unbelievable" → un·believ·able, and 🙂 into bytes.';
app.append(el('h1', { text: 'Tokenizer playground' }),
  el('p', { class: 'muted', text: 'Type anything: the model’s byte-level BPE tokenizer splits it as you type. Hover a token for its bytes.' }),
  el('div', { class: 'card' }, input,
    el('label', { style: 'display:block;margin-top:.4rem' }, special, ' read chat tokens such as <|user|> as special tokens'),
    count, chips));

let timer, seq = 0;
input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 120); });
special.addEventListener('change', run);
run();

async function run() {
  const mine = ++seq;
  try {
    const r = await postJson('/api/tokenize', { text: input.value, special: special.checked });
    if (mine !== seq) return;
    const bytes = new TextEncoder().encode(input.value).length;
    count.textContent = `${r.count} tokens · ${input.value.length} characters · ${bytes} bytes`;
    chips.replaceChildren(...r.tokens.map((t, i) => el('span', {
      class: `chip ${t.special ? 'special' : `c${i % 4}`}`, title: `id ${t.id} · bytes ${t.start}–${t.end}: [${t.bytes.join(' ')}]` },
      visible(t.text), el('span', { class: 'id', text: String(t.id) }))));
  } catch (e) {
    if (mine === seq) showError(chips, e, run);
  }
}
