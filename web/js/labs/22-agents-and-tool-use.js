// Lesson 22: the tutor's retrieve → read → answer loop for a typed question, written out as an agent trace.
// Step by step: the search tool call and its hits (the observation, from POST /api/tutor/steps), the gate that
// keeps at most three passages, the prompt's size in tokens, then the answer streamed from /v1/chat/completions
// (model glassbox-tutor) with its citations. The tutor runs one fixed loop; below it, the same loop with the model
// writing the call itself (POST /api/tutor/agent): constrained to search_course(query) with a query made of the question's
// own words, then the observation, then a grounded answer; both generations open in the inspector.
import { el, showError } from '../common.js';
import { controls, output, textInput, numberInput, table, num } from './kit.js';
import { streamChat, steps, agent, citationList } from './tutor-calls.js';

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
      step('observation', `${hits.length} hits, best first by fused score:`,
        table(['#', 'section', 'fused', 'words', 'similarity', 'gate'], hits.map((h, i) => [
          String(i + 1), el('span', { 'data-value': `hit-${i + 1}`, text: `${h.title} — ${h.section}` }), num(h.score, 4), num(h.word_score, 2), num(h.similarity, 3),
          el('span', { 'data-value': `hit-${i + 1}-gate`, text: h.used ? 'kept' : h.lab_steps ? 'lab steps: skipped' : h.passes_gate ? 'passes, not kept' : 'below the gate' })])));
      const g = s.gate;
      step('decision', `Gate: a hit answers when its similarity is ≥ ${num(g.min_similarity, 2)}, or its word score ≥ ${num(g.min_word_score, 1)} with similarity ≥ ${num(g.min_similarity_with_words, 2)}, `
        + `or it has a course term of the question (a word no common English word matches, used by at most ${g.max_term_chunks} sections); `
        + `further hits join when within ${num(g.relative_similarity * 100, 0)}% of the best similarity or ${num(g.relative_word_score * 100, 0)}% of the best word score, at most ${g.max_passages}.`,
        el('p', {}, 'Course terms in the question: ', el('span', { 'data-value': 'course-terms', text: g.course_terms.length ? g.course_terms.join(', ') : 'none' })),
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
  mountAgent(root, question);
  return run();
}

const inspectLink = (traceId, text) => traceId ? el('p', {}, el('a', { href: `/inspect/${encodeURIComponent(traceId)}`, text })) : null;

/** The model makes the call: one button, then action → observation → answer as the server ran them. */
function mountAgent(root, question) {
  const box = el('section', { class: 'lab-agent', 'aria-labelledby': 'lab-agent-title' },
    el('h3', { id: 'lab-agent-title', text: 'Let the model make the call' }),
    el('p', { class: 'muted', text: 'Now the model writes the tool call itself. Constrained decoding holds it to the tool\'s schema, search_course(query), '
      + 'and the query must be a run of consecutive words from your question, not starting or ending with words like "what", "how" or "the": which words is the model\'s choice. The server runs the search '
      + 'and hands the passages back in a tool message; the model answers from them.' }));
  const go = el('button', { type: 'button', text: 'Let the model call search_course' });
  const out = el('div', { 'aria-live': 'polite' });
  box.append(go, out);
  root.append(box);
  go.addEventListener('click', async () => {
    const q = question.value.trim().slice(0, 300);
    if (!q) return;
    go.disabled = true;
    out.replaceChildren(el('p', { class: 'muted', text: 'The model is writing its call…' }));
    try {
      const r = await agent(q);
      const trace = el('ol', { class: 'lab-trace' });
      const step = (kind, ...body) => trace.append(el('li', {}, el('p', { class: 'lab-step' }, el('span', { class: 'lab-step-kind', text: kind })), ...body));
      step('action', el('p', {}, `The model wrote ${r.call.tokens} tokens; its query had ${r.tool.query_choices} allowed choices:`),
        el('pre', {}, el('code', { 'data-value': 'agent-call', text: r.call.text })), inspectLink(r.call.trace_id, 'Inspect the call token by token'));
      if (!r.observation) {
        step('stop', el('p', { 'data-value': 'agent-answer', text: `The call was cut short (finish: ${r.call.finish_reason}), so there is nothing to run.` }));
      } else {
        const o = r.observation;
        step('observation', el('p', {}, 'search_course(', el('code', { 'data-value': 'agent-query', text: JSON.stringify(o.query) }), `) returned ${o.passages.length} passages`),
          el('div', {}, o.passages.map(p => el('p', { class: 'lab-passage' }, el('strong', { text: `[${p.number}] ${p.title} — ${p.section}: ` }), p.text))));
        step('answer', el('p', { class: 'lab-answer', 'data-value': 'agent-answer', text: r.answer.text || '(empty)' }),
          r.answer.model_asked ? inspectLink(r.answer.trace_id, 'Inspect the answer token by token') : el('p', { class: 'muted', text: 'Nothing passed the gate: the tutor\'s fixed answer, the model is not asked.' }));
      }
      out.replaceChildren(trace);
    } catch (e) {
      showError(out, e);
    } finally {
      go.disabled = false;
    }
  });
}
