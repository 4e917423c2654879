// Lesson 15: the training-compute calculator C ≈ 6·N·D (defaults = the worked example: Chinchilla,
// N = 70e9, D = 1.4e12 → 5.88e23 FLOPs, 588,000 s at 1e18 FLOP/s), the compute-optimal split of the
// same budget at 20 tokens per parameter, the 16-bytes-per-parameter training state, and a log-log
// chart of parameters against tokens with the Chinchilla line, public models and course-tiny's real
// run (parameters and tokens seen from training.json via GET /api/model).
import { el, getJson } from '../common.js';
import { controls, output, numberInput, select, table, num, svgEl } from './kit.js';

// Published sizes and training tokens (parameters N, tokens D), each from its model's paper:
// GPT-3: Brown et al. 2020, "Language models are few-shot learners" (175B parameters, 300B tokens).
// Gopher: Rae et al. 2021, "Scaling language models: methods, analysis & insights from training Gopher" (280B, 300B).
// Chinchilla: Hoffmann et al. 2022, "Training compute-optimal large language models" (70B, 1.4T).
// LLaMA 7B / 65B: Touvron et al. 2023, "LLaMA: open and efficient foundation language models", table 2 (6.7B / 65.2B, 1.0T / 1.4T tokens).
// Llama 2 7B / 70B: Touvron et al. 2023, "Llama 2: open foundation and fine-tuned chat models" (2.0T tokens each).
export const PUBLIC_MODELS = [
  { name: 'Chinchilla', n: 70e9, d: 1.4e12 },
  { name: 'GPT-3', n: 175e9, d: 300e9 },
  { name: 'Gopher', n: 280e9, d: 300e9 },
  { name: 'LLaMA 7B', n: 6.7e9, d: 1.0e12 },
  { name: 'LLaMA 65B', n: 65.2e9, d: 1.4e12 },
  { name: 'Llama 2 7B', n: 7e9, d: 2.0e12 },
  { name: 'Llama 2 70B', n: 70e9, d: 2.0e12 },
];

/** A big number as the lesson writes it, 5.88e+23. */
export const sci = x => Number.isFinite(x) ? Number(x.toPrecision(3)).toExponential() : String(x);
const TOKENS_PER_PARAM = 20, BYTES_PER_PARAM = 16;

export async function mount(root) {
  let tiny = null;
  try {
    const m = await getJson('/api/model');
    const t = m.training || {};
    if (t.parameters && t.tokens_seen) {
      tiny = { name: 'course-tiny', label: `${m.info?.name || 'course-tiny'} (this course’s model, real)`, n: t.parameters, d: t.tokens_seen, corpus: t.train_tokens, seconds: t.wall_seconds, real: true };
    }
  } catch (e) {
    root.append(el('p', { class: 'error', role: 'alert', text: `Could not load the model’s training record (${e.message}); the public models still work.` }));
  }
  const models = tiny ? [...PUBLIC_MODELS, tiny] : PUBLIC_MODELS;
  root.append(el('h3', { text: 'Training compute: C ≈ 6 · N · D' }),
    el('p', { class: 'muted', text: 'Pick a model or type your own N and D. The defaults are the worked example (Chinchilla).' }));
  const s = { n: 70e9, d: 1.4e12, flops: 1e18, util: 100, devices: 64, model: 'Chinchilla' };
  const box = controls(root);
  let nInput, dInput;
  const picker = select(box, { label: 'model', value: s.model, options: [...models.map(m => [m.name, m.label || m.name]), ['custom', 'my own numbers']], onInput: v => {
    s.model = v;
    const m = models.find(x => x.name === v);
    if (m) { s.n = m.n; s.d = m.d; nInput.value = m.n; dInput.value = m.d; }
    show();
  } });
  nInput = numberInput(box, { label: 'parameters N', value: s.n, min: 1, onInput: v => { s.n = v; s.model = picker.value = 'custom'; show(); } });
  dInput = numberInput(box, { label: 'training tokens D', value: s.d, min: 1, onInput: v => { s.d = v; s.model = picker.value = 'custom'; show(); } });
  numberInput(box, { label: 'cluster FLOP/s (peak)', value: s.flops, min: 1, onInput: v => { s.flops = v; show(); } });
  numberInput(box, { label: 'utilisation %', value: s.util, min: 1, max: 100, onInput: v => { s.util = v; show(); } });
  numberInput(box, { label: 'devices sharing the state', value: s.devices, min: 1, step: 1, onInput: v => { s.devices = v; show(); } });
  const out = output(root);
  const show = () => {
    const c = 6 * s.n * s.d, seconds = c / (s.flops * Math.min(100, Math.max(1e-9, s.util)) / 100);
    const nOpt = Math.sqrt(c / (6 * TOKENS_PER_PARAM)), dOpt = TOKENS_PER_PARAM * nOpt;
    const state = BYTES_PER_PARAM * s.n;
    const picked = models.find(m => m.name === s.model);
    const rows = [
      ['compute C = 6ND', `6 × ${sci(s.n)} × ${sci(s.d)}`, el('span', { 'data-value': 'flops', text: `${sci(c)} FLOPs` })],
      ['tokens per parameter', 'D / N', el('span', { 'data-value': 'tokens-per-param', text: num(s.d / s.n, 3) })],
      ['time on the cluster', `C / (${sci(s.flops)} × ${num(s.util, 1)} %)`, el('span', { 'data-value': 'seconds', text: seconds >= 1 ? `${Math.round(seconds).toLocaleString('en')} s` : `${sci(seconds)} s` })],
      ['… in days', 's / 86,400', el('span', { 'data-value': 'days', text: seconds >= 8640 ? num(seconds / 86400, 1) : sci(seconds / 86400) })],
      ['compute-optimal N for the same C', '√(C / 120)', el('span', { 'data-value': 'optimal-n', text: sci(nOpt) })],
      ['compute-optimal D for the same C', '20 × N', el('span', { 'data-value': 'optimal-d', text: sci(dOpt) })],
      ['training state (16 bytes per parameter)', '16 × N', el('span', { 'data-value': 'state-bytes', text: `${sci(state)} bytes` })],
      ['… per device when sharded (ZeRO / FSDP)', `16N / ${s.devices}`, el('span', { 'data-value': 'state-per-device', text: `${num(state / Math.max(1, s.devices) / 1e9, 2)} GB` })],
    ];
    const notes = [el('p', { class: 'lab-verdict', text: verdict(s.d / s.n) })];
    if (picked?.real) {
      notes.push(el('p', { class: 'muted', 'data-value': 'tiny-run', text: `The committed run read its ${picked.corpus.toLocaleString('en')}-token corpus about `
        + `${num(picked.d / picked.corpus, 1)} times and took ${Math.round(picked.seconds).toLocaleString('en')} s on two CPU cores: `
        + `about ${sci(c / picked.seconds)} FLOP/s achieved.` }));
    }
    out.replaceChildren(table(['quantity', 'formula', 'value'], rows), ...notes,
      chart(models, s), table(['model', 'N', 'D', 'D / N', '6ND'], models.map(m => [m.name, sci(m.n), sci(m.d), num(m.d / m.n, 2), sci(6 * m.n * m.d)]),
        'The points on the chart (published figures; course-tiny from its training.json)'));
  };
  show();
}

function verdict(ratio) {
  if (ratio < 5) return 'Far fewer than 20 tokens per parameter: for this compute, a smaller model on more data would reach a lower loss.';
  if (ratio <= 40) return 'Close to Chinchilla’s 20 tokens per parameter: compute-optimal.';
  return 'Well past 20 tokens per parameter: more training than compute-optimal, for a model that is cheaper to run.';
}

/** Parameters (x) against tokens (y), both log10, with the line D = 20N and the chosen point. */
function chart(models, s) {
  const w = 560, h = 300, pad = { l: 56, r: 12, t: 12, b: 40 };
  const pts = [...models.map(m => ({ name: m.name, n: m.n, d: m.d, real: m.real })), { name: 'yours', n: s.n, d: s.d, mine: true }]
    .filter(p => p.n > 0 && p.d > 0);
  const lx = pts.map(p => Math.log10(p.n)), ly = pts.map(p => Math.log10(p.d));
  const x0 = Math.floor(Math.min(...lx)) - 0.5, x1 = Math.ceil(Math.max(...lx)) + 0.5;
  const y0 = Math.floor(Math.min(...ly, x0 + Math.log10(20))) - 0.5, y1 = Math.ceil(Math.max(...ly)) + 0.5;
  const sx = v => pad.l + (w - pad.l - pad.r) * (v - x0) / (x1 - x0), sy = v => h - pad.b - (h - pad.t - pad.b) * (v - y0) / (y1 - y0);
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart lab-chart', role: 'img',
    'aria-label': 'Parameters against training tokens on log scales, with the Chinchilla line of 20 tokens per parameter' });
  svg.append(svgEl('line', { x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b, stroke: '#8a92a3' }),
    svgEl('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: h - pad.b, stroke: '#8a92a3' }));
  for (let e = Math.ceil(x0); e <= x1; e += 2) svg.append(svgEl('text', { x: sx(e), y: h - pad.b + 14, 'font-size': 11, 'text-anchor': 'middle', fill: '#5b6475' }, `1e${e}`));
  for (let e = Math.ceil(y0); e <= y1; e += 2) svg.append(svgEl('text', { x: pad.l - 4, y: sy(e) + 4, 'font-size': 11, 'text-anchor': 'end', fill: '#5b6475' }, `1e${e}`));
  svg.append(svgEl('text', { x: (pad.l + w - pad.r) / 2, y: h - 6, 'font-size': 12, 'text-anchor': 'middle', fill: '#1d2330' }, 'parameters N'),
    svgEl('text', { x: pad.l + 4, y: pad.t + 10, 'font-size': 12, fill: '#1d2330' }, 'tokens D'));
  // D = 20 N is a straight line of slope 1 on log-log axes
  const c = Math.log10(TOKENS_PER_PARAM), xa = Math.max(x0, y0 - c), xb = Math.min(x1, y1 - c);
  svg.append(svgEl('line', { x1: sx(xa), y1: sy(xa + c), x2: sx(xb), y2: sy(xb + c), stroke: '#1f7a4d', 'stroke-width': 2, 'stroke-dasharray': '6 4' }),
    svgEl('text', { x: sx(xb) - 4, y: sy(xb + c) + 16, 'font-size': 11, 'text-anchor': 'end', fill: '#1f7a4d' }, 'Chinchilla: D = 20 N'));
  for (const p of pts) {
    const color = p.mine ? '#a4461b' : p.real ? '#7b3fb0' : '#2f5bd3';
    svg.append(svgEl('circle', { cx: sx(Math.log10(p.n)), cy: sy(Math.log10(p.d)), r: p.mine ? 6 : 4, fill: p.mine ? 'none' : color, stroke: color, 'stroke-width': 2 }));
    if (!p.mine && (p.real || ['GPT-3', 'Chinchilla', 'Llama 2 7B'].includes(p.name))) {
      svg.append(svgEl('text', { x: sx(Math.log10(p.n)) + 7, y: sy(Math.log10(p.d)) + 4, 'font-size': 11, fill: color }, p.real ? 'course-tiny' : p.name));
    }
  }
  return svg;
}
