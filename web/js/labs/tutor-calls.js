// Shared by the tutor widgets (lessons 21–25): the chat API called as any client would, plain or streamed,
// and the tutor's steps before it answers (POST /api/tutor/steps). Not a widget itself.
import { el, apiFetch, failure, postJson, snippet, sse } from '../common.js';

/** One non-streamed chat completion: { text, finish, usage, citations, traceId }. */
export async function chat(body) {
  const res = await postJson('/v1/chat/completions', { ...body, stream: false });
  const choice = res.choices[0];
  return { text: choice.message.content, finish: choice.finish_reason, usage: res.usage, citations: res.citations || null, traceId: res.trace_id };
}

/** A streamed chat completion: onDelta(textSoFar) per chunk; resolves like chat() once [DONE] arrives. */
export async function streamChat(body, onDelta, signal) {
  const res = await apiFetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }), signal });
  if (!res.ok) throw await failure(res);
  let text = '', finish = null, usage = null, citations = null, traceId = res.headers.get('X-Trace-Id');
  for await (const event of sse(res.body)) {
    if (event.error) throw new Error(event.error.message);
    if (event.trace_id) traceId = event.trace_id;
    if (event.citations) citations = event.citations;
    if (event.usage) usage = event.usage;
    for (const c of event.choices || []) {
      if (c.delta && c.delta.content) { text += c.delta.content; onDelta(text); }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  return { text, finish, usage, citations, traceId };
}

export const steps = (question, maxTokens) => postJson('/api/tutor/steps', { question, max_tokens: maxTokens });

/** The agent loop with the model writing the tool call (POST /api/tutor/agent): { call, observation, answer }. */
export const agent = question => postJson('/api/tutor/agent', { question });

/** The citations under an answer, as links into the course with their snippets; "none" when the answer cites nothing. */
export function citationList(citations, name) {
  if (!citations || !citations.length) return el('p', { class: 'muted' }, 'Citations: ', el('span', { 'data-value': `${name}-citations`, text: 'none' }));
  return el('div', {}, el('p', { class: 'muted' }, 'Citations: ', el('span', { 'data-value': `${name}-citations`,
    text: citations.map(c => `[${c.number}] ${c.title} — ${c.section}`).join('; ') })),
  el('ol', { class: 'lab-citations' }, citations.map(c => el('li', {},
    el('a', { href: `/course/${encodeURIComponent(c.slug)}#${encodeURIComponent(c.anchor)}`, text: `${c.title} — ${c.section}` }),
    ' ', el('span', { class: 'muted' }, snippet(c.snippet))))));
}
