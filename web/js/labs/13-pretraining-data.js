// Lesson 13: the real training corpus, counted by the server with the code training runs (GET /api/corpus:
// documents by kind, tokens per document, the held-out concepts, token frequencies, the corpus hash against
// the one training.json recorded), and the worked example's data mixture (1,000 B tokens: Wikipedia seen
// 2.5 times, the web 0.35) as a calculator.
import { el, apiFetch, failure, getJson } from '../common.js';
import { controls, output, numberInput, select, table, num, bars, lineChart } from './kit.js';

const MIXTURES = {
  example: { budget: 1000, rows: [['filtered web', 2000, 70], ['code', 300, 15], ['books', 50, 8], ['Wikipedia', 20, 5], ['papers', 40, 2]] },
  exercise: { budget: 2000, rows: [['filtered web', 4000, 75], ['code', 500, 15], ['books', 100, 10], ['Wikipedia', 0, 0], ['papers', 0, 0]] },
};

export async function mount(root) {
  // the calculator first: the counted corpus arrives later and is appended below it, so nothing on screen moves
  mixture(root);
  root.append(el('h3', { text: 'The corpus course-tiny was trained on' }),
    el('p', { class: 'muted', text: 'Rebuilt from today’s course exactly as training builds it (lessons, glossary, the tutor’s chat examples), split and tokenized by the trainer’s own code with the model’s tokenizer.' }));
  const status = el('p', { class: 'loading', text: 'Counting the corpus with the real tokenizer… (the first time takes a minute or so)' });
  root.append(status);
  const corpus = el('div', { class: 'lab-output', 'data-lab-output': 'corpus', 'aria-live': 'polite' });
  root.append(corpus);
  try {
    const [r, model] = await Promise.all([poll(), getJson('/api/model').catch(() => null)]);
    status.remove();
    show(corpus, r, model?.training || {});
  } catch (e) {
    status.replaceWith(el('p', { class: 'error', role: 'alert', text: `Could not count the corpus: ${e.message}` }));
  }
}

/** GET /api/corpus answers 202 while it is still counting; ask again after its Retry-After. */
async function poll() {
  for (let i = 0; i < 150; i++) {
    const res = await apiFetch('/api/corpus');
    if (!res.ok) throw await failure(res);
    if (res.status !== 202) return res.json();
    const wait = Math.min(10, Number(res.headers.get('Retry-After')) || 2);
    await new Promise(ok => setTimeout(ok, wait * 1000));
  }
  throw new Error('still counting after five minutes; reload the page to try again');
}

const int = n => Number(n).toLocaleString('en');

function show(box, r, recorded) {
  const share = r.validation_tokens / r.tokens;
  const plainRows = r.plain_documents.map(d => [d.id, el('span', { 'data-value': `doc-${d.id}`, text: int(d.tokens) }), d.validation ? 'held out' : 'trained']);
  box.replaceChildren(
    table(['quantity', 'value'], [
      ['documents', el('span', { 'data-value': 'documents', text: int(r.documents) })],
      ['tokens in all', el('span', { 'data-value': 'tokens', text: int(r.tokens) })],
      ['training tokens', el('span', { 'data-value': 'train-tokens', text: int(r.train_tokens) })],
      ['… of which the loss counts', el('span', { 'data-value': 'trained-tokens', text: int(r.trained_tokens) })],
      ['held-out (validation) tokens', el('span', { 'data-value': 'validation-tokens', text: int(r.validation_tokens) })],
      ['held-out share of all tokens', el('span', { 'data-value': 'held-out-share', text: `${num(100 * share, 1)} %` })],
      ['distinct token ids used in training', `${int(r.distinct_tokens)} of ${int(r.vocab_size)}`],
      ...(recorded.train_tokens ? [['the committed run’s training / validation tokens (training.json)',
        el('span', { 'data-value': 'recorded-tokens', text: `${int(recorded.train_tokens)} / ${int(recorded.validation_tokens)}` })]] : []),
    ], 'The whole corpus'),
    el('h4', { text: 'Corpus hash' }),
    table(['corpus', 'SHA-256'], [
      ['today’s course', el('code', { class: 'lab-hash', 'data-value': 'corpus-hash', text: r.corpus_sha256 })],
      ['recorded in training.json', el('code', { class: 'lab-hash', 'data-value': 'recorded-hash', text: r.recorded_sha256 || 'none recorded' })],
    ]),
    el('p', { class: 'lab-verdict', 'data-value': 'hash-verdict', text: r.matches_recorded
      ? 'They match: this is exactly the text the committed model was trained on.'
      : 'They differ: the course (or the tutor’s prompts) changed after the model was trained, so the numbers below describe today’s text; the model saw a slightly different one.' }),
    el('h4', { text: 'Documents by kind' }),
    table(['kind', 'trained documents', 'trained tokens', 'counted in the loss', 'held-out documents', 'held-out tokens'],
      r.kinds.map(k => [k.kind, int(k.documents), el('span', { 'data-value': `kind-${k.kind}`, text: int(k.tokens) }), int(k.trained_tokens),
        int(k.validation_documents), int(k.validation_tokens)])),
    el('p', { class: 'muted', text: 'Lessons and glossary pages have no group, so they are always trained; a tutor example is held out with every other example about the same concept.' }),
    el('h4', { text: 'Held-out concepts' }),
    el('p', { 'data-value': 'held-out-groups', text: `${r.held_out_group_count} concepts: ${r.held_out_groups.join(', ')}${r.held_out_group_count > r.held_out_groups.length ? ', …' : ''}` }),
    el('h4', { text: 'Tokens per document' }),
    bars(r.plain_documents.map(d => ({ label: d.id.replace(/^(lesson|glossary):/, '$1 '), value: d.tokens })), { format: int, label: 'Tokens per lesson and glossary document' }),
    table(['document', 'tokens', 'side'], plainRows, 'The numbers behind the bars'),
    bars(r.example_tokens.map(b => ({ label: b.to > 1e9 ? `${b.from}+ tokens` : `${b.from}–${b.to - 1} tokens`, value: b.count })),
      { format: int, label: 'Tutor examples by length in tokens' }),
    el('p', { class: 'muted', text: `Tutor examples by length: each is one question, its retrieved passages and the answer, sized to fit the model’s ${recorded.config?.context_length ? `${int(recorded.config.context_length)}-token ` : ''}window.` }),
    el('h4', { text: 'Token frequencies (training side)' }),
    bars(r.top_tokens.slice(0, 30).map(t => ({ label: JSON.stringify(t.text), value: t.count })), { format: int, label: 'The 30 most frequent tokens' }),
    lineChart([{ name: 'count', points: r.zipf.map(z => [Math.log10(z.rank), Math.log10(z.count)]) }],
      { label: 'Token count against frequency rank, both on log10 scales (Zipf’s law: close to a straight line)', xLabel: 'log10 rank', yLabel: 'log10 count', height: 220 }),
    table(['rank', 'count'], r.zipf.map(z => [int(z.rank), int(z.count)]), 'How often the token of each rank occurs'));
}

/** The worked example's mixture: each source's share of the budget, the tokens trained and the passes over it. */
function mixture(root) {
  root.append(el('h3', { text: 'A data mixture' }),
    el('p', { class: 'muted', text: 'Tokens in billions. The defaults are the worked example; exercise 1 is one choice away.' }));
  const s = structuredClone(MIXTURES.example);
  const box = controls(root);
  const inputs = [];
  let budget;
  select(box, { label: 'start from', value: 'example', options: [['example', 'worked example (1,000 B)'], ['exercise', 'exercise 1 (2,000 B)']], onInput: v => {
    Object.assign(s, structuredClone(MIXTURES[v]));
    budget.value = s.budget;
    s.rows.forEach((row, i) => { inputs[i][0].value = row[1]; inputs[i][1].value = row[2]; });
    show();
  } });
  budget = numberInput(box, { label: 'training budget (B tokens)', value: s.budget, min: 0, onInput: v => { s.budget = v; show(); } });
  s.rows.forEach((row, i) => inputs.push([
    numberInput(box, { label: `${row[0]}: available (B)`, value: row[1], min: 0, onInput: v => { s.rows[i][1] = v; show(); } }),
    numberInput(box, { label: `${row[0]}: share %`, value: row[2], min: 0, max: 100, onInput: v => { s.rows[i][2] = v; show(); } }),
  ]));
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'mixture', 'aria-live': 'polite' });
  root.append(out);
  const slug = name => name.toLowerCase().replace(/[^a-z]+/g, '-');
  const show = () => {
    const total = s.rows.reduce((a, r) => a + r[2], 0);
    const rows = s.rows.map(([name, avail, sh]) => {
      const trained = s.budget * sh / 100;
      return [name, int(avail), `${num(sh, 2)} %`, el('span', { 'data-value': `trained-${slug(name)}`, text: num(trained, 2) }),
        el('span', { 'data-value': `passes-${slug(name)}`, text: avail > 0 ? num(trained / avail, 3) : '–' })];
    });
    rows.push(['total', int(s.rows.reduce((a, r) => a + r[1], 0)), el('span', { 'data-value': 'mix-total-share', text: `${num(total, 2)} %` }),
      num(s.budget * total / 100, 2), '']);
    out.replaceChildren(table(['source', 'available (B)', 'share', 'trained (B)', 'passes (epochs)'], rows),
      el('p', { class: 'lab-verdict', text: Math.abs(total - 100) > 1e-9 ? `The shares add to ${num(total, 2)} %, not 100 %.`
        : 'Sources with more than one pass are upsampled; a pass below 1 means part of that source is never seen.' }));
  };
  show();
}
