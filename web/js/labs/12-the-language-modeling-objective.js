// Lesson 12: how surprised course-tiny is by each token of a typed text. Every token after the first
// gets its loss −ln p (p: the probability the model gave it, having read the tokens before it); their
// mean is the cross-entropy training minimises, and e^mean the perplexity. Real numbers from /api/loss.
import { el, postJson, visible, pct } from '../common.js';
import { controls, output, textInput, table, num, debounced } from './kit.js';

const EXAMPLE = 'The model reads the tokens before it and predicts the next token. The loss is the negative log of the probability it gave the right one.';
const ROWS = 50;

export function mount(root) {
  root.append(el('h3', { text: 'Surprise, token by token' }),
    el('p', { class: 'muted', text: 'Type any text. course-tiny reads it once; each token is coloured by its loss −ln p: the darker, the more the model was surprised.' }));
  const box = controls(root);
  const out = output(root);
  const refresh = debounced(out, async signal => show(out, await postJson('/api/loss', { text: input.value }, signal)));
  const input = textInput(box, { label: 'Text to score', value: EXAMPLE, rows: 3, maxlength: 1000, onInput: () => refresh() });
  refresh(true);
}

function show(out, r) {
  const scored = r.tokens.slice(1);
  if (!scored.length) {
    out.replaceChildren(el('p', { class: 'muted', text: 'One token has nothing before it to be predicted from: type a little more.' }));
    return;
  }
  const worst = scored.reduce((a, b) => (b.loss > a.loss ? b : a));
  const summary = table(['quantity', 'value'], [
    ['tokens scored (all but the first)', el('span', { 'data-value': 'scored', text: String(r.scored_tokens) })],
    ['cross-entropy: mean of −ln p', el('span', { 'data-value': 'cross-entropy', text: `${num(r.cross_entropy, 3)} nats` })],
    ['perplexity: e^cross-entropy', el('span', { 'data-value': 'perplexity', text: num(r.perplexity, 2) })],
    ['a uniform guess over 4,096 tokens: ln 4096', el('span', { 'data-value': 'uniform', text: `${num(r.uniform_loss, 3)} nats` })],
    ['most surprising token', el('span', { 'data-value': 'worst', text: `“${visible(worst.text)}” (position ${worst.position}, loss ${num(worst.loss, 2)})` })],
  ]);
  const heat = el('p', { class: 'lab-heat' },
    r.tokens.map(t => el('span', {
      class: `lab-heat-tok level-${t.loss === undefined ? 'none' : level(t.loss)}`,
      title: t.loss === undefined ? 'first token: not predicted' : `loss ${num(t.loss, 2)} · p ${pct(t.prob)}`,
      text: visible(t.text),
    })));
  const legend = el('p', { class: 'muted lab-heat-legend' }, 'Shading by loss (the table below has every number): ',
    [[0, '< 1'], [1, '1–3'], [2, '3–5'], [3, '5–8'], [4, '≥ 8']].map(([l, t]) => el('span', { class: `lab-heat-tok level-${l}`, text: t })),
    ' nats');
  const rows = scored.slice(0, ROWS).map(t => [
    String(t.position),
    el('span', { class: 'mono', text: visible(t.text) }),
    el('span', { 'data-value': `p-${t.position}`, text: pct(t.prob) }),
    el('span', { 'data-value': `loss-${t.position}`, text: num(t.loss, 3) }),
    el('span', { class: 'mono', text: `${visible(t.predicted.text)} (${pct(t.predicted.prob)})` }),
  ]);
  out.replaceChildren(summary, heat, legend,
    table(['position', 'token', 'p', 'loss −ln p', 'model’s top guess'], rows,
      scored.length > ROWS ? `The first ${ROWS} of ${scored.length} scored tokens` : 'Every scored token'));
}

/** Five shades of surprise: under 1 nat (p > 0.37) to over 8 (worse than a uniform guess is 8.3). */
function level(loss) {
  return loss < 1 ? 0 : loss < 3 ? 1 : loss < 5 ? 2 : loss < 8 ? 3 : 4;
}
