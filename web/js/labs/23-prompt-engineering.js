// Lesson 23: one question to course-tiny (the raw model, no retrieval) under two prompt settings side by side:
// each setting has its own system prompt and zero or two solved examples (few-shot) before the question. Both
// run through /v1/chat/completions with the same seed and temperature, so the outputs are reproducible.
import { el, showError } from '../common.js';
import { controls, output, textInput, select, numberInput, num } from './kit.js';
import { chat } from './tutor-calls.js';

export const MAX_TOKENS = 60;
/** The two solved examples a few-shot setting puts before the question: short definitions in the course's words. */
export const EXAMPLES = [
  ['What is a neuron?', 'A neuron computes a weighted sum of its inputs plus a bias and passes it through an activation function.'],
  ['What is a token?', 'A token is a piece of text, such as a word or part of a word, that the model reads as one unit.'],
];
const SETTINGS = [
  { name: 'a', title: 'Setting A', system: 'You are the Glassbox tutor.', shots: '0' },
  { name: 'b', title: 'Setting B', system: 'You are the Glassbox tutor. Answer in one sentence, like the examples.', shots: '2' },
];

/** The chat messages of one setting: system prompt (when not empty), the examples as earlier turns, then the question. */
export function messages(system, shots, question) {
  const out = system.trim() ? [{ role: 'system', content: system.trim() }] : [];
  for (const [q, a] of EXAMPLES.slice(0, shots)) out.push({ role: 'user', content: q }, { role: 'assistant', content: a });
  out.push({ role: 'user', content: question });
  return out;
}

export function mount(root) {
  root.append(el('h3', { text: 'Two prompts, one question' }),
    el('p', { class: 'muted', text: 'course-tiny answers the same question under two settings. Change a system prompt or the examples and run again: the weights stay the same, only the text in front of the question changes.' }));
  const box = controls(root);
  const question = textInput(box, { label: 'question', value: 'What is an embedding?', maxlength: 300 });
  const temperature = select(box, { label: 'temperature', value: '0', options: [['0', '0 (greedy)'], ['0.7', '0.7'], ['1.2', '1.2']], onInput: () => {} });
  const seed = numberInput(box, { label: 'seed', value: 7, min: 0, max: 1000000, step: 1, onInput: () => {} });
  const inputs = SETTINGS.map(s => {
    const b = controls(root);
    b.classList.add('lab-setting');
    b.append(el('strong', { text: s.title }));
    return {
      ...s,
      system: textInput(b, { label: `${s.title}: system prompt`, value: s.system, rows: 2, maxlength: 600 }),
      shots: select(b, { label: `${s.title}: examples`, value: s.shots, options: [['0', 'none (zero-shot)'], ['1', 'one (one-shot)'], ['2', 'two (few-shot)']], onInput: () => {} }),
    };
  });
  const go = el('button', { type: 'button', text: 'Run both settings' });
  root.append(el('div', { class: 'lab-controls' }, go));
  const out = output(root);

  const run = async () => {
    const q = question.value.trim();
    if (!q) return;
    go.disabled = true;
    const t = Number(temperature.value), sd = Math.trunc(Number(seed.value) || 0);
    // the question at once, each column as its answer arrives
    const slots = inputs.map(s => el('div', { class: 'lab-answer' }, el('h4', { text: s.title }), el('p', { class: 'loading', text: 'asking…' })));
    out.replaceChildren(el('p', {}, 'Answers to “', el('span', { 'data-value': 'question', text: q }), `” from course-tiny at temperature ${num(t, 2)}, seed ${sd}:`),
      el('div', { class: 'lab-columns' }, slots));
    try {
      for (const [i, s] of inputs.entries()) {
        const msgs = messages(s.system.value, Number(s.shots.value), q);
        const a = await chat({ model: 'course-tiny', messages: msgs, max_tokens: MAX_TOKENS, temperature: t, seed: sd });
        slots[i].replaceWith(column(s, msgs, a));
      }
    } catch (e) {
      showError(out, e);
    } finally {
      go.disabled = false;
    }
  };
  go.addEventListener('click', run);
  return run();
}

function column(s, msgs, a) {
  return el('div', { class: 'lab-answer' },
    el('h4', { text: s.title }),
    el('p', { 'data-value': `${s.name}-answer`, text: a.text || '(empty)' }),
    el('p', { class: 'muted' }, 'Prompt ', el('span', { 'data-value': `${s.name}-prompt-tokens`, text: String(a.usage.prompt_tokens) }),
      ' tokens, answer ', el('span', { 'data-value': `${s.name}-tokens`, text: String(a.usage.completion_tokens) }), ` tokens, finish: ${a.finish}`),
    el('details', {}, el('summary', { text: `The ${msgs.length} messages sent` }),
      el('ol', { class: 'lab-messages' }, msgs.map(m => el('li', {}, el('strong', { text: `${m.role}: ` }), m.content)))));
}
