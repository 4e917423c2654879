// Lesson 19: the sampling playground as a widget. The real model's next-token distribution
// (POST /api/distribution) reshaped in the browser by temperature, top-k, top-p and min-p, in the
// sampler's order (../distribution.js, shared with /sampling); "Draw" asks the real sampler
// (POST /api/generate/step) which token the seed picks under the same settings.
import { el, postJson, showError, visible } from '../common.js';
import { fetchDistribution, reshape } from '../distribution.js';
import { controls, output, slider, numberInput, textInput, table, num } from './kit.js';

const SHOWN = 20;

export async function mount(root) {
  root.append(el('h3', { text: 'Temperature, top-k, top-p and min-p on the real model' }),
    el('p', { class: 'muted', text: 'The model behind this course scores every token of its vocabulary after your text. '
      + 'Move the sliders: temperature reshapes the distribution, the filters cut its tail, the survivors are renormalised. '
      + 'Then draw a token with a seed.' }));
  const settings = { temperature: 1, topK: 0, topP: 0.9, minP: 0, seed: 7 };
  const box = controls(root);
  const prompt = textInput(box, { label: 'text', value: 'The cat sat on the', onInput: () => { clearTimeout(timer); timer = setTimeout(load, 250); } });
  slider(box, { label: 'temperature', min: 0.05, max: 2, step: 0.05, value: settings.temperature, format: v => v.toFixed(2),
    onInput: v => { settings.temperature = v; show(); } });
  slider(box, { label: 'top-k (0 = off)', min: 0, max: 50, step: 1, value: settings.topK, format: v => v === 0 ? 'off' : String(v),
    onInput: v => { settings.topK = v; show(); } });
  slider(box, { label: 'top-p (1 = off)', min: 0.05, max: 1, step: 0.05, value: settings.topP, format: v => v.toFixed(2),
    onInput: v => { settings.topP = v; show(); } });
  slider(box, { label: 'min-p (0 = off)', min: 0, max: 0.5, step: 0.01, value: settings.minP, format: v => v.toFixed(2),
    onInput: v => { settings.minP = v; show(); } });
  numberInput(box, { label: 'seed', value: settings.seed, min: 0, step: 1, onInput: v => { settings.seed = v; drawn = null; show(); } });
  box.append(el('button', { type: 'button', class: 'lab-draw', text: 'Draw a token', onclick: () => draw() }));
  const out = output(root);
  let timer, dist = null, drawn = null, seq = 0;

  async function load() {
    const mine = ++seq;
    try {
      const d = await fetchDistribution(prompt.value);
      if (mine !== seq) return;
      dist = d;
      drawn = null;
      show();
    } catch (e) {
      if (mine === seq) showError(out, e, load);
    }
  }

  async function draw() {
    if (!dist) return;
    const mine = seq;
    const asked = { ...settings };
    try {
      const r = await postJson('/api/generate/step', { text: prompt.value, temperature: asked.temperature, top_k: asked.topK,
        top_p: asked.topP, min_p: asked.minP, seed: Number.isInteger(asked.seed) && asked.seed >= 0 ? asked.seed : 0 });
      if (mine !== seq) return;
      drawn = { ...r, settings: asked };
      show();
    } catch (e) {
      showError(out, e, draw);
    }
  }

  function show() {
    if (!dist) return;
    if (drawn && ['temperature', 'topK', 'topP', 'minP', 'seed'].some(k => drawn.settings[k] !== settings[k])) drawn = null;
    const { prob, keep, keptMass } = reshape(dist.logits, settings);
    const rows = dist.candidates.slice(0, SHOWN).map((c, i) => ({ c, p: prob(c.logit), kept: i < keep }));
    const top = Math.max(1e-12, ...rows.map(r => r.p));
    const summary = el('p', {}, el('strong', { 'data-value': 'kept', text: String(keep) }), ` of ${dist.vocab_size} tokens survive, holding `,
      el('strong', { 'data-value': 'kept-mass', text: num(keptMass, 4) }), ' of the probability. After renormalising, the favourite ',
      el('code', { text: visible(rows[0].c.text) }), ' has ', el('strong', { 'data-value': 'top-prob', text: num(rows[0].p / keptMass, 4) }),
      ` (before the cut: ${num(rows[0].p, 4)}).`);
    const barList = el('div', { class: 'lab-bars', role: 'list', 'aria-label': `The ${SHOWN} most likely next tokens and their probability` },
      rows.map(r => el('div', { class: 'lab-bar-row' + (drawn && drawn.token.id === r.c.id ? ' highlight' : ''), role: 'listitem' },
        el('span', { class: 'lab-bar-label', text: visible(r.c.text) }),
        el('span', { class: 'lab-bar-track' }, el('span', { class: 'lab-bar' + (r.kept ? '' : ' cut'), style: `width:${(100 * r.p / top).toFixed(1)}%` })),
        el('span', { class: 'lab-bar-value', text: r.kept ? num(r.p, 4) : `${num(r.p, 4)} cut` }))));
    const numbers = table(['rank', 'token', 'id', 'logit', 'p', 'after the cut'], rows.map((r, i) => [
      String(i + 1), visible(r.c.text), String(r.c.id), num(r.c.logit, 3), num(r.p, 4),
      r.kept ? num(r.p / keptMass, 4) : 'cut']), `The ${SHOWN} most likely tokens (of ${dist.vocab_size}) after “${prompt.value}”`);
    out.replaceChildren(summary, barList, drawLine(), el('details', {}, el('summary', { text: 'The numbers as a table' }), numbers));
  }

  function drawLine() {
    if (!drawn) return el('p', { class: 'muted', text: 'Press “Draw a token”: the real sampler draws with this seed under these settings.' });
    const u = drawn.draw;
    return el('p', { class: 'lab-verdict' }, `Seed ${drawn.settings.seed}: the sampler drew u = `,
      el('span', { 'data-value': 'draw-u', text: u === null ? 'none (greedy)' : num(u, 4) }),
      ` and walked the ${drawn.survivors} survivors' running sum until it passed u × ${num(dist ? reshape(dist.logits, settings).keptMass : 0, 4)}: it picked `,
      el('code', { 'data-value': 'drawn-token', text: visible(drawn.token.text) }), ' (id ',
      el('span', { 'data-value': 'drawn-id', text: String(drawn.token.id) }), ').');
  }

  await load();
}
