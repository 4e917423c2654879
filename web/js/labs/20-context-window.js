// Lesson 20: the KV-cache memory calculator (course-tiny's real config from GET /api/model, and public
// models) with the attention pairs n²/2 (defaults = the worked example: 6 layers × 256 numbers × float32
// → 12,288 bytes per token, 6 MiB at 512 tokens, 12 MiB at 1,024), and RoPE's rotation of one pair of dimensions by
// position, with the model's real head size, rope_theta and trained context (16 pairs; over 512 positions the fastest turns 81 times).
import { el, getJson } from '../common.js';
import { controls, output, slider, numberInput, select, table, num, svgEl } from './kit.js';

// Published architectures (layers, key/value heads, head size, context), each from its paper or model card:
// Llama 2 7B and 70B: Touvron et al. 2023, "Llama 2: open foundation and fine-tuned chat models" (7B: 32 layers,
//   32 heads of 128, no GQA; 70B: 80 layers, 64 query heads and 8 key/value heads of 128 (GQA); both 4,096 tokens).
// Llama 3 8B: Meta's Llama 3 model card, 2024 (32 layers, 8 key/value heads of 128, 8,192 tokens).
// GPT-3 175B: Brown et al. 2020, "Language models are few-shot learners", table 2.1 (96 layers, 96 heads of 128, 2,048 tokens).
export const PUBLIC_MODELS = [
  { name: 'Llama 2 7B', layers: 32, heads: 32, kvHeads: 32, headDim: 128, bytes: 2, context: 4096 },
  { name: 'Llama 2 70B', layers: 80, heads: 64, kvHeads: 8, headDim: 128, bytes: 2, context: 4096 },
  { name: 'Llama 3 8B', layers: 32, heads: 32, kvHeads: 8, headDim: 128, bytes: 2, context: 8192 },
  { name: 'GPT-3 175B', layers: 96, heads: 96, kvHeads: 96, headDim: 128, bytes: 2, context: 2048 },
];

const DTYPE_BYTES = { float32: 4, float16: 2, bfloat16: 2 };

/** Bytes, with the binary unit the lesson uses (12 KB = 12,288 bytes, 6 MB = 6 × 2²⁰). */
export function bytes(b) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, v = b;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i ? `${Math.round(b).toLocaleString('en')} bytes (${num(v, 2)} ${units[i]})` : `${Math.round(b).toLocaleString('en')} bytes`;
}

/** KV cache per token: keys and values (2) × layers × key/value heads × head size × bytes per number. */
export const kvPerToken = m => 2 * m.layers * m.kvHeads * m.headDim * m.bytes;

export async function mount(root) {
  let cfg = null;
  try {
    cfg = (await getJson('/api/model')).config;
  } catch (e) {
    root.append(el('p', { class: 'error', role: 'alert', text: `Could not load the model’s config (${e.message}); using the lesson’s numbers.` }));
  }
  const tiny = {
    name: 'course-tiny', label: 'course-tiny (this course’s model, real config)',
    layers: cfg?.num_hidden_layers ?? 6, heads: cfg?.num_attention_heads ?? 8, kvHeads: cfg?.num_key_value_heads ?? cfg?.num_attention_heads ?? 8,
    headDim: cfg?.head_dim ?? (cfg ? cfg.hidden_size / cfg.num_attention_heads : 32),
    bytes: DTYPE_BYTES[cfg?.torch_dtype] ?? 4, context: cfg?.glassbox_context_length ?? cfg?.max_position_embeddings ?? 512,
    theta: cfg?.rope_theta ?? 10000,
  };
  kvCache(root, tiny);
  rope(root, tiny);
}

function kvCache(root, tiny) {
  root.append(el('h3', { text: 'KV-cache memory and attention pairs' }),
    el('p', { class: 'muted', text: 'The cache keeps a key and a value vector per layer and key/value head for every token so far. Start from this course’s model (the worked example) or a public one.' }));
  const models = [tiny, ...PUBLIC_MODELS];
  const s = { ...tiny, n: tiny.context };
  const box = controls(root);
  const inputs = {};
  select(box, { label: 'model', value: tiny.name, options: models.map(m => [m.name, m.label || m.name]), onInput: v => {
    const m = models.find(x => x.name === v);
    Object.assign(s, m, { n: m.context });
    for (const k of ['layers', 'kvHeads', 'headDim', 'n']) inputs[k].value = s[k];
    inputs.bytes.value = String(s.bytes);
    show();
  } });
  inputs.layers = numberInput(box, { label: 'layers', value: s.layers, min: 1, step: 1, onInput: v => { s.layers = v; show(); } });
  inputs.kvHeads = numberInput(box, { label: 'key/value heads', value: s.kvHeads, min: 1, step: 1, onInput: v => { s.kvHeads = v; show(); } });
  inputs.headDim = numberInput(box, { label: 'head size', value: s.headDim, min: 1, step: 1, onInput: v => { s.headDim = v; show(); } });
  inputs.bytes = select(box, { label: 'numbers stored as', value: String(s.bytes), options: [['4', 'float32 (4 bytes)'], ['2', '16-bit (2 bytes)'], ['1', '8-bit (1 byte)']],
    onInput: v => { s.bytes = Number(v); show(); } });
  inputs.n = numberInput(box, { label: 'context length n', value: s.n, min: 1, step: 1, onInput: v => { s.n = v; show(); } });
  const out = output(root);
  const show = () => {
    const per = kvPerToken(s);
    const rows = [512, 2048, 8192].map(n => [n.toLocaleString('en'), bytes(per * n), (n * n / 2).toLocaleString('en')]);
    rows.push([el('span', { text: `your n = ${s.n.toLocaleString('en')}` }), el('span', { 'data-value': 'kv-total', text: bytes(per * s.n) }),
      el('span', { 'data-value': 'pairs', text: (s.n * s.n / 2).toLocaleString('en') })]);
    out.replaceChildren(
      table(['quantity', 'formula', 'value'], [
        ['KV cache per token', `2 × ${s.layers} × ${s.kvHeads} × ${s.headDim} × ${s.bytes}`, el('span', { 'data-value': 'kv-per-token', text: bytes(per) })],
        ['… with one key/value head per query head (no grouped-query attention)', `per token × ${s.heads} / ${s.kvHeads}`,
          el('span', { 'data-value': 'kv-without-gqa', text: bytes(per * s.heads / s.kvHeads) })],
      ]),
      table(['context n', 'KV cache', 'attention pairs per layer and head ≈ n²/2'], rows, 'The worked example’s three lengths and yours'),
      el('p', { class: 'muted', text: '16 times the context means 16 times the cache but 256 times the attention pairs: memory grows linearly, attention work quadratically.' }));
  };
  show();
}

/** RoPE: pair i of a head turns by p · ω_i, with ω_i = θ^(−2i/d); position interpolation divides p by a factor. */
export function ropeFrequency(i, headDim, theta) {
  return Math.pow(theta, -2 * i / headDim);
}

function rope(root, tiny) {
  const pairs = tiny.headDim / 2, ctx = tiny.context;
  root.append(el('h3', { text: 'RoPE: one pair of dimensions turned by position' }),
    el('p', { class: 'muted', text: `This model’s heads have ${tiny.headDim} numbers, so ${pairs} pairs, with rope_theta ${tiny.theta} and a trained context of ${ctx} tokens. Pair i turns by p · ω_i radians at position p.` }));
  const s = { i: 0, p: ctx - 1, factor: 1 };
  const box = controls(root);
  slider(box, { label: 'pair i', min: 0, max: pairs - 1, value: s.i, onInput: v => { s.i = v; show(); } });
  slider(box, { label: 'position p', min: 0, max: 4 * ctx, value: s.p, onInput: v => { s.p = v; show(); } });
  select(box, { label: 'position interpolation', value: '1', options: [['1', 'none (p as is)'], ['4', 'divide p by 4 (4× the context)']], onInput: v => { s.factor = Number(v); show(); } });
  const out = el('div', { class: 'lab-output', 'data-lab-output': 'rope', 'aria-live': 'polite' });
  root.append(out);
  const show = () => {
    const w = ropeFrequency(s.i, tiny.headDim, tiny.theta), pos = s.p / s.factor, angle = pos * w, seenMax = (ctx - 1) * w;
    // positions below the trained length (p < ctx, after interpolation) are familiar; past it, only pairs that turned a full circle are
    const fresh = pos >= ctx && seenMax < 2 * Math.PI;
    const slow = Array.from({ length: pairs }, (_, k) => ropeFrequency(k, tiny.headDim, tiny.theta)).filter(f => (ctx - 1) * f < 2 * Math.PI).length;
    out.replaceChildren(
      table(['quantity', 'value'], [
        ['frequency ω_i = θ^(−2i/d)', el('span', { 'data-value': 'omega', text: `${w < 1e-3 ? Number(w.toPrecision(3)).toExponential() : num(w, 4)} rad per position` })],
        ['angle p · ω_i', el('span', { 'data-value': 'angle', text: `${num(angle, 4)} rad (${num((angle * 180 / Math.PI) % 360, 1)}° after whole turns)` })],
        [`turns of this pair within the trained ${ctx} positions`, el('span', { 'data-value': 'turns', text: num(seenMax / (2 * Math.PI), 2) })],
        ['pairs that never complete one turn in training', el('span', { 'data-value': 'slow-pairs', text: `${slow} of ${pairs}` })],
        ['(cos, sin) applied to the pair', `(${num(Math.cos(angle), 3)}, ${num(Math.sin(angle), 3)})`],
      ]),
      el('p', { class: 'lab-verdict', 'data-value': 'rope-verdict', text: fresh
        ? `New territory: this pair reached at most ${num(seenMax, 3)} rad in training, and now turns to ${num(angle, 3)} rad.`
        : 'An angle this pair already met during training.' }),
      dial(angle, seenMax),
      table(['pair i', 'ω_i', `turns in ${ctx} positions`, `angle at p = ${s.p}`], Array.from({ length: pairs }, (_, k) => {
        const f = ropeFrequency(k, tiny.headDim, tiny.theta);
        return [String(k), Number(f.toPrecision(3)).toExponential(), num((ctx - 1) * f / (2 * Math.PI), 3), num(pos * f, 3)];
      }), 'Every pair of this model’s heads'));
  };
  show();
}

/** The pair as a point on a circle: where it starts (1, 0), the arc of angles met in training, and where it is now. */
function dial(angle, seenMax) {
  const size = 200, c = size / 2, r = 70;
  const svg = svgEl('svg', { viewBox: `0 0 ${size} ${size}`, class: 'chart lab-dial', role: 'img',
    'aria-label': `The pair rotated by ${num(angle, 3)} radians; the shaded arc is the range of angles seen in training` });
  svg.append(svgEl('circle', { cx: c, cy: c, r, fill: 'none', stroke: '#8a92a3' }));
  if (seenMax < 2 * Math.PI) {
    const x = c + r * Math.cos(seenMax), y = c - r * Math.sin(seenMax);
    svg.append(svgEl('path', { d: `M${c + r},${c} A${r},${r} 0 ${seenMax > Math.PI ? 1 : 0} 0 ${x.toFixed(1)},${y.toFixed(1)}`, fill: 'none', stroke: '#1f7a4d', 'stroke-width': 6, opacity: 0.6 }));
  } else {
    svg.append(svgEl('circle', { cx: c, cy: c, r, fill: 'none', stroke: '#1f7a4d', 'stroke-width': 6, opacity: 0.6 }));
  }
  const x = c + r * Math.cos(angle), y = c - r * Math.sin(angle);
  svg.append(svgEl('line', { x1: c, y1: c, x2: c + r, y2: c, stroke: '#8a92a3', 'stroke-dasharray': '3 3' }),
    svgEl('line', { x1: c, y1: c, x2: x.toFixed(1), y2: y.toFixed(1), stroke: '#a4461b', 'stroke-width': 3 }),
    svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, fill: '#a4461b' }),
    svgEl('text', { x: 4, y: size - 6, 'font-size': 11, fill: '#1d2330' }, 'green: angles seen in training'));
  return svg;
}
