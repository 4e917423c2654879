// Lesson 25: the tutor's answer with grounding on and off (the API field "grounding": "passages" | "off"), side by
// side from glassbox-tutor at a fixed seed, and a question the course cannot answer: the search finds nothing close
// enough, so the tutor says so and cites nothing instead of letting the model invent an answer.
import { el, showError } from '../common.js';
import { controls, output, textInput, select, numberInput, table, num } from './kit.js';
import { chat, steps, citationList } from './tutor-calls.js';

export const MAX_TOKENS = 60;

export function mount(root) {
  root.append(el('h3', { text: 'Grounding off and on' }),
    el('p', { class: 'muted', text: 'The same question to glassbox-tutor twice, with the same seed: grounded, every answer token must continue a sentence copied from the retrieved passages; free, the model writes whatever it predicts.' }));
  const box = controls(root);
  const question = textInput(box, { label: 'question', value: 'What does the softmax do?', maxlength: 300 });
  const temperature = select(box, { label: 'temperature', value: '0', options: [['0', '0 (greedy)'], ['0.7', '0.7'], ['1.5', '1.5']], onInput: () => {} });
  const seed = numberInput(box, { label: 'seed', value: 7, min: 0, max: 1000000, step: 1, onInput: () => {} });
  const ask = el('button', { type: 'button', text: 'Ask both ways' });
  box.append(ask);
  const out = output(root);

  root.append(el('h3', { text: 'A question the course cannot answer' }),
    el('p', { class: 'muted', text: 'Before the model is asked, the tutor checks its best search hits. If none is close enough in meaning, strong in words, or holding a term of the question that only a few sections explain ("rlaif"), it answers with a fixed sentence and no citation.' }));
  const box2 = controls(root);
  const offTopic = textInput(box2, { label: 'question', value: 'Who won the football world cup in 2022?', maxlength: 300 });
  const ask2 = el('button', { type: 'button', text: 'Ask the tutor' });
  box2.append(ask2);
  const out2 = el('div', { class: 'lab-output', 'data-lab-output': 'refusal', 'aria-live': 'polite' });
  root.append(out2);

  const settings = () => ({ temperature: Number(temperature.value), seed: Math.trunc(Number(seed.value) || 0) });
  const runBoth = async () => {
    const q = question.value.trim();
    if (!q) return;
    ask.disabled = true;
    const body = { model: 'glassbox-tutor', messages: [{ role: 'user', content: q }], max_tokens: MAX_TOKENS, ...settings() };
    // the question at once, each column as its answer arrives
    const slots = ['Grounding on ("passages")', 'Grounding off'].map(h => el('div', { class: 'lab-answer' }, el('h4', { text: h }), el('p', { class: 'loading', text: 'asking…' })));
    const verdict = el('p', { class: 'lab-verdict' });
    out.replaceChildren(el('p', {}, 'Answers to “', el('span', { 'data-value': 'question', text: q }), `” at temperature ${body.temperature}, seed ${body.seed}:`),
      el('div', { class: 'lab-columns' }, slots), verdict);
    try {
      const grounded = await chat({ ...body, grounding: 'passages' });
      slots[0].replaceWith(column('grounded', 'Grounding on ("passages")', grounded));
      const free = await chat({ ...body, grounding: 'off' });
      slots[1].replaceWith(column('free', 'Grounding off', free));
      verdict.textContent = grounded.text === free.text ? 'Both answers are the same: the free model happened to copy the passage too.'
        : 'Grounded, the answer is copied from the cited passages; free, the model also writes word sequences no lesson contains.';
    } catch (e) {
      showError(out, e);
    } finally {
      ask.disabled = false;
    }
  };
  const runOffTopic = async () => {
    const q = offTopic.value.trim();
    if (!q) return;
    ask2.disabled = true;
    out2.replaceChildren(el('p', { class: 'loading', text: 'asking…' }));
    try {
      const s = await steps(q, MAX_TOKENS);
      const answer = await chat({ model: 'glassbox-tutor', messages: [{ role: 'user', content: q }], max_tokens: MAX_TOKENS, ...settings() });
      const hits = s.search.hits.filter(h => !h.lab_steps);
      const best = hits.reduce((b, h) => (!b || h.similarity > b.similarity ? h : b), null);
      const bestWords = hits.reduce((b, h) => (!b || h.word_score > b.word_score ? h : b), null);
      const g = s.gate;
      out2.replaceChildren(
        table(['check', 'needed', 'best hit', 'value'], [
          ['meaning', `similarity ≥ ${num(g.min_similarity, 2)}`, best ? `${best.title} — ${best.section}` : '–',
            el('span', { 'data-value': 'best-similarity', text: best ? num(best.similarity, 3) : '–' })],
          ['words', `BM25 ≥ ${num(g.min_word_score, 1)} and similarity ≥ ${num(g.min_similarity_with_words, 2)}`,
            bestWords ? `${bestWords.title} — ${bestWords.section}` : '–', el('span', { 'data-value': 'best-words', text: bestWords ? num(bestWords.word_score, 3) : '–' })],
        ], 'The tutor\'s gate, on its search hits (lab steps left out)'),
        el('p', { class: 'lab-verdict' }, 'Verdict: ', el('span', { 'data-value': 'gate', text: g.answered ? 'the course answers it' : 'the course does not answer it' })),
        el('div', { class: 'lab-answer' }, el('p', { 'data-value': 'refusal-answer', text: answer.text || '(empty)' }),
          citationList(answer.citations, 'refusal'),
          el('p', { class: 'muted', text: g.answered ? 'The tutor found passages and answered from them.'
            : 'The model was never asked: this fixed sentence comes from prompts/tutor-no-context.txt. A model without this check would answer anyway, just as fluently.' })));
    } catch (e) {
      showError(out2, e);
    } finally {
      ask2.disabled = false;
    }
  };
  ask.addEventListener('click', runBoth);
  ask2.addEventListener('click', runOffTopic);
  return runBoth().then(runOffTopic);
}

function column(name, heading, a) {
  return el('div', { class: 'lab-answer' },
    el('h4', { text: heading }),
    el('p', { 'data-value': `${name}-answer`, text: a.text || '(empty)' }),
    el('p', { class: 'muted' }, el('span', { 'data-value': `${name}-tokens`, text: String(a.usage.completion_tokens) }), ' tokens, finish: ',
      el('span', { 'data-value': `${name}-finish`, text: a.finish })),
    citationList(a.citations, name),
    a.traceId ? el('a', { href: `/inspect/${encodeURIComponent(a.traceId)}`, text: 'Inspect this answer' }) : null);
}
