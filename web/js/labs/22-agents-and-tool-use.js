// Lesson 22: the tutor's retrieve → read → answer loop for a typed question, written out as an agent trace.
// Step by step: the search tool call and its hits (the observation, from POST /api/tutor/steps), the gate that
// keeps at most two passages, the prompt's size in tokens, then the answer streamed from /v1/chat/completions
// (model glassbox-tutor) with its citations. The tutor runs one fixed loop; an agent would let the model choose.
import { el, showError } from '../common.js';
import { controls, output, textInput, numberInput, table, num } from './kit.js';
import { streamChat, steps, citationList } from './tutor-calls.js';

export const MAX_TOKENS = 80;
export const SEED = 7;

export function mount(root) {
  root.append(el('h3', { text: 'The tutor as an agent trace' }),
    el('p', { class: 'muted', text: 'Type a question and run it. Each step is what the tutor really did: one tool call (search), what came back, what it kept, what it sent to the model, and the answer.' }));
  const box = controls(root);
  const question = textInput(box, { label: 'question', value: 'How much memory does the KV cache need?', maxlength: 300 });
  const maxTokens = numberInput(box, { label: 'max tokens for the answer', value: MAX_TOKENS, min: 1, max: 300, step: 1, onInput: () => {} });
  const go = el('button', { type: 'button', text: 'Run the tutor' });
  box.append(go);
  question.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); run(); } });
  const out = output(root);
  let controller = null;

  const run = async () => {
    const q = question.value.trim();
    if (!q) return;
    if (controller) controller.abort();
    const mine = controller = new AbortController();
    const budget = Math.max(1, Math.min(300, Math.trunc(Number(maxTokens.value) || MAX_TOKENS)));
    const trace = el('ol', { class: 'lab-trace' });
    out.replaceChildren(el('p', {}, 'Trace for “', el('span', { 'data-value': 'question', text: q }), '”'), trace);
    const step = (kind, title, ...body) => { const li = el('li', {}, el('p', { class: 'lab-step' }, el('span', { class: 'lab-step-kind', text: kind }), ' ', title), ...body); trace.append(li); return li; };
    try {
      step('plan', 'The tutor\'s code, not the model, decides: search the course with the question, then answer from what it finds.');
      step('action', el('code', { text: `search(query=${JSON.stringify(q)}, k=8)` }));
      const s = await steps(q, budget);
      if (mine.signal.aborted) return;
      const hits = s.search.hits;
      step('observation', `${hits.length} hits, best first by fused rank:`,
        table(['#', 'section', 'fused', 'words', 'similarity', 'gate'], hits.map((h, i) => [
          String(i + 1), el('span', { 'data-value': `hit-${i + 1}`, text: `${h.title} — ${h.section}` }), num(h.score, 4), num(h.word_score, 2), num(h.similarity, 3),
          el('span', { 'data-value': `hit-${i + 1}-gate`, text: h.used ? 'kept' : h.lab_steps ? 'lab steps: skipped' : h.passes_gate ? 'passes, not kept' : 'below the gate' })])));
      const g = s.gate;
      step('decision', `Gate: a hit answers when its similarity is ≥ ${num(g.min_similarity, 2)}, or its word score ≥ ${num(g.min_word_score, 1)} with similarity ≥ ${num(g.min_similarity_with_words, 2)}; `
        + `further hits join when within ${num(g.relative_similarity * 100, 0)}% of the best similarity or ${num(g.relative_word_score * 100, 0)}% of the best word score, at most ${g.max_passages}.`,
        el('p', {}, 'Kept: ', el('span', { 'data-value': 'used', text: s.passages.length ? s.passages.map(p => `[${p.number}] ${p.title} — ${p.section}`).join('; ') : 'nothing' })));
      if (!s.prompt) {
        step('answer', 'No passage passed the gate, so the tutor stops here with its fixed answer; the model is not asked.',
          el('p', { class: 'lab-answer', 'data-value': 'answer', text: s.fallback }));
        return;
      }
      step('read', `The passages as they go into the prompt (the sentences nearest the question, up to the word budget):`,
        el('div', {}, s.passages.map(p => el('p', { class: 'lab-passage' }, el('strong', { text: `[${p.number}] ${p.title} — ${p.section}: ` }), p.text))));
      const pr = s.prompt;
      const byRole = Object.fromEntries(pr.messages.map(m => [m.role, m.tokens]));
      step('prompt', 'What the model is given, in tokens:',
        table(['part', 'tokens'], [
          ...pr.messages.map(m => [m.role === 'context' ? 'context (the passages)' : m.role, el('span', { 'data-value': `prompt-${m.role}`, text: String(m.tokens) })]),
          ['chat markup (start, assistant)', String(pr.markup_tokens)],
          ['total prompt', el('span', { 'data-value': 'prompt-tokens', text: String(pr.tokens) })],
          ['room left in the context', el('span', { 'data-value': 'room-left', text: `${pr.room_left} of ${pr.context_length}` })],
        ]),
        el('p', { class: 'muted', text: `The answer may use ${pr.max_tokens} of those ${pr.room_left} tokens; ${byRole.context ? 'the passages are most of the prompt' : 'no passages'}.` }));
      const text = el('p', { 'data-value': 'answer-stream', text: '…' });
      const li = step('answer', `glassbox-tutor writes the answer (streamed, temperature 0, seed ${SEED}):`, el('div', { class: 'lab-answer' }, text));
      const a = await streamChat({ model: 'glassbox-tutor', messages: [{ role: 'user', content: q }], max_tokens: budget, temperature: 0, seed: SEED },
        t => { text.textContent = t; }, mine.signal);
      li.lastChild.replaceChildren(el('p', { 'data-value': 'answer', text: a.text || '(empty)' }),
        el('p', { class: 'muted' }, el('span', { 'data-value': 'completion-tokens', text: String(a.usage ? a.usage.completion_tokens : '?') }),
          ' tokens, finish: ', a.finish || '?', '; the API counted ', el('span', { 'data-value': 'usage-prompt-tokens', text: String(a.usage ? a.usage.prompt_tokens : '?') }), ' prompt tokens.'),
        citationList(a.citations, 'answer'),
        a.traceId ? el('a', { href: `/inspect/${encodeURIComponent(a.traceId)}`, text: 'Inspect this answer' }) : null);
    } catch (e) {
      if (e.name !== 'AbortError') showError(out, e);
    } finally {
      if (controller === mine) controller = null;
    }
  };
  go.addEventListener('click', run);
  return run();
}
