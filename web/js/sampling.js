// Sampling playground: one real next-token distribution, reshaped live by temperature, top-k and top-p (in the browser).
import { el, header, showError, visible, pct, params } from './common.js';
import { fetchDistribution, reshape } from './distribution.js';

header('Sampling');
const app = document.getElementById('app');
const text = el('input', { id: 'prompt', type: 'text', size: 40, 'aria-label': 'Prompt', value: params().get('text') || 'The attention mechanism' });
const temperature = el('input', { id: 'temperature', type: 'range', min: 0.05, max: 2, step: 0.05, value: 1 });
const topK = el('input', { id: 'top-k', type: 'range', min: 0, max: 50, step: 1, value: 0 });
const topP = el('input', { id: 'top-p', type: 'range', min: 0.05, max: 1, step: 0.05, value: 1 });
const labels = { temperature: el('output'), topK: el('output'), topP: el('output') };
const chart = el('div', { class: 'bars', id: 'distribution', 'aria-live': 'polite' });
const summary = el('p', { class: 'muted', id: 'kept' });
let logits = null, candidates = [];

app.append(el('h1', { text: 'Sampling playground' }),
  el('p', { class: 'muted', text: 'The model’s real distribution for the next token after your text. Move the sliders: temperature reshapes it, top-k and top-p cut it.' }),
  el('div', { class: 'card controls' },
    el('label', {}, 'Text', text), el('button', { id: 'fetch', text: 'Get distribution', onclick: load }),
    el('label', {}, el('span', {}, 'Temperature ', labels.temperature), temperature),
    el('label', {}, el('span', {}, 'Top-k ', labels.topK), topK),
    el('label', {}, el('span', {}, 'Top-p ', labels.topP), topP)),
  el('div', { class: 'card' }, summary, chart));
for (const s of [temperature, topK, topP]) s.addEventListener('input', draw);
text.addEventListener('keydown', (e) => { if (e.key === 'Enter') load(); });
load();

async function load() {
  chart.replaceChildren(el('span', { class: 'loading', text: 'Running the model…' }));
  try {
    const r = await fetchDistribution(text.value);
    logits = r.logits;
    candidates = r.candidates;
    draw();
  } catch (e) {
    showError(chart, e, load);
  }
}

/** Same order as the server's sampler (see distribution.js): temperature, softmax, top-k, top-p, renormalise. */
function draw() {
  const t = Number(temperature.value), k = Number(topK.value), p = Number(topP.value);
  labels.temperature.textContent = t.toFixed(2);
  labels.topK.textContent = k === 0 ? 'off' : String(k);
  labels.topP.textContent = p.toFixed(2);
  if (!logits) return;
  const { prob, keep, keptMass: kept } = reshape(logits, { temperature: t, topK: k, topP: p });
  const probs = candidates.map(c => prob(c.logit));
  summary.textContent = `${keep} candidate${keep === 1 ? '' : 's'} kept, holding ${pct(kept)} of the probability; after renormalising the top token gets ${pct(probs[0] / kept)}.`;
  const shown = Math.min(25, candidates.length);
  const top = Math.max(...probs.slice(0, shown));
  chart.replaceChildren(...candidates.slice(0, shown).flatMap((c, i) => [
    el('span', { class: 'tok', title: `id ${c.id} · logit ${c.logit.toFixed(2)}`, text: visible(c.text) }),
    el('div', { class: `bar${i < keep ? '' : ' cut'}`, style: `width:${(100 * probs[i] / top).toFixed(1)}%`, 'data-kept': i < keep }),
    el('span', { text: pct(probs[i]) })]));
}
