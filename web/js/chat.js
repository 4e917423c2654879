// Chat with the tutor: streamed answers (SSE over fetch), citations into the course, sampling controls, stop, inspect.
import { el, header, apiFetch, failure, showError, snippet, params, sse } from './common.js';

header('Chat');
const app = document.getElementById('app');
const history = [];
let controller = null;

const messages = el('div', { id: 'messages', 'aria-live': 'polite' });
const input = el('textarea', { id: 'question', rows: 3, placeholder: 'Ask about the course, e.g. "What does the softmax do?"', 'aria-label': 'Your question' });
const field = (label, attrs) => el('label', {}, label, el('input', attrs));
const model = el('select', { id: 'model', 'aria-label': 'Model' },
  el('option', { value: 'glassbox-tutor', text: 'glassbox-tutor (retrieval + citations)' }),
  el('option', { value: 'course-tiny', text: 'course-tiny (raw model)' }));
const temperature = el('input', { id: 'temperature', type: 'number', min: 0, max: 2, step: 'any', value: 0.7 });
const topK = el('input', { id: 'top-k', type: 'number', min: 0, max: 4096, step: 1, value: 40 });
const topP = el('input', { id: 'top-p', type: 'number', min: 0.01, max: 1, step: 'any', value: 0.9 });
const seed = el('input', { id: 'seed', type: 'number', step: 1, value: 7 });
const maxTokens = el('input', { id: 'max-tokens', type: 'number', min: 1, max: 400, step: 1, value: 160 });
const record = el('input', { id: 'record-attention', type: 'checkbox', checked: true });
// Grounded decoding (glassbox-tutor only): checked, the answer may only copy sentences from the retrieved passages.
const grounding = el('input', { id: 'grounding-switch', type: 'checkbox', checked: true });
const send = el('button', { id: 'send', type: 'submit', text: 'Send' });
const stop = el('button', { id: 'stop', type: 'button', class: 'secondary', disabled: true, text: 'Stop', onclick: () => controller && controller.abort() });

const form = el('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); ask(); } },
  input,
  el('div', { class: 'controls', style: 'margin-top:.6rem' },
    el('label', {}, 'Model', model),
    el('label', {}, 'Temperature', temperature), el('label', {}, 'Top-k', topK), el('label', {}, 'Top-p', topP),
    el('label', {}, 'Seed', seed), el('label', {}, 'Max tokens', maxTokens),
    el('label', { style: 'flex-direction:row;align-items:center;gap:.3rem' }, record, 'record attention'),
    el('label', { style: 'flex-direction:row;align-items:center;gap:.3rem' }, grounding, 'Grounded answers (copy from the lessons)'),
    send, stop));
input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); ask(); } });

app.append(el('h1', { text: 'Ask the tutor' }),
  el('p', { class: 'muted', text: 'A 5.8M-parameter model trained only on this course answers from the lessons it retrieves. It is small on purpose: inspect any answer to see how it was made.' }),
  messages, form);
if (params().get('q')) input.value = params().get('q');

function number(inputEl, fallback) {
  const v = Number(inputEl.value);
  return Number.isFinite(v) ? v : fallback;
}

/** The field's number, or undefined when it is blank (the request then leaves the field out and the server's default applies). */
function optionalNumber(inputEl) {
  return inputEl.value.trim() === '' ? undefined : number(inputEl, undefined);
}

async function ask() {
  const question = input.value.trim();
  if (!question || controller) return;
  input.value = '';
  history.push({ role: 'user', content: question });
  messages.append(el('div', { class: 'msg user', text: question }));
  const body = el('div', { class: 'answer-text' });
  const meta = el('div', { class: 'meta' }, el('span', { class: 'loading', text: 'thinking…' }));
  const bubble = el('div', { class: 'msg assistant' }, body, meta);
  messages.append(bubble);
  controller = new AbortController();
  send.disabled = true; stop.disabled = false;
  const request = {
    model: model.value, stream: true, messages: history.slice(),
    temperature: number(temperature, 0.7), top_k: number(topK, 0), top_p: number(topP, 1), seed: number(seed, 0),
    max_tokens: optionalNumber(maxTokens), trace: { attention: record.checked, logit_lens: record.checked },
  };
  // Only the tutor grounds its answers (it has passages); course-tiny always generates freely.
  if (request.model === 'glassbox-tutor') request.grounding = grounding.checked ? 'passages' : 'off';
  const mode = request.grounding === 'passages' ? 'grounded' : 'free';
  let text = '', traceId = null, citations = null;
  try {
    const res = await apiFetch('/v1/chat/completions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request), signal: controller.signal });
    if (!res.ok) throw await failure(res);
    traceId = res.headers.get('X-Trace-Id');
    for await (const event of sse(res.body)) {
      if (event.error) throw new Error(event.error.message);
      if (event.trace_id) traceId = event.trace_id;
      if (event.citations) citations = event.citations;
      for (const choice of event.choices || []) {
        if (choice.delta && choice.delta.content) { text += choice.delta.content; body.textContent = text; }
      }
    }
    history.push({ role: 'assistant', content: text });
    if (!text) body.textContent = '(the model ended its answer at once)';
    meta.replaceChildren(...footer(citations, traceId, mode));
  } catch (e) {
    if (e.name === 'AbortError') {
      history.push({ role: 'assistant', content: text });
      meta.replaceChildren(el('span', { class: 'muted', text: 'stopped' }), ...footer(citations, traceId, mode));
    } else {
      history.pop();
      showError(meta, e, e.status === 429 ? () => { bubble.remove(); messages.lastChild.remove(); input.value = question; ask(); } : null);
    }
  } finally {
    controller = null; send.disabled = false; stop.disabled = true;
  }
}

function footer(citations, traceId, mode) {
  const parts = [];
  if (citations && citations.length) {
    parts.push(el('div', { class: 'muted', text: 'Sources:' }), el('ol', { class: 'citations' },
      citations.map(c => el('li', {}, el('a', { class: 'citation', href: `/course/${encodeURIComponent(c.slug)}#${encodeURIComponent(c.anchor)}`,
        text: `${c.title} — ${c.section}` }), ' ', el('span', { class: 'muted' }, snippet(c.snippet))))));
  } else if (citations) {
    parts.push(el('div', { class: 'muted', text: 'No lesson matched this question.' }));
  }
  if (mode) parts.push(el('div', { class: 'muted' }, 'Mode: ', el('span', { class: 'answer-mode',
    title: mode === 'grounded' ? 'The answer copies sentences from the retrieved lessons.' : 'The model generated the answer freely.', text: mode })));
  if (traceId) parts.push(el('a', { class: 'inspect-link', href: `/inspect/${encodeURIComponent(traceId)}`, text: 'Inspect this answer →' }));
  return parts;
}
