// Lesson 24: an image cut into square patches and flattened into "tokens", as a vision transformer reads
// it: the grid over the picture, the first patches laid out as a sequence with their numbers, patch count
// and attention cost against image size, and the projection's parameter count. Browser math (the picture
// is drawn or loaded in the browser); the defaults are the worked example (224 × 224, 16 × 16 patches →
// 196 tokens of 768 numbers; 448 × 448 → 784; a 1152 → 4096 projection has 4,722,688 parameters).
import { el } from '../common.js';
import { controls, output, numberInput, select, table, num, bars } from './kit.js';

const MAX_SIDE = 1024, STRIP = 12;

/** Patches in a w × h image with square patches of side p (the remainder is cropped, as in the lesson's code). */
export function patchGrid(w, h, p) {
  const cols = Math.floor(w / p), rows = Math.floor(h / p);
  return { cols, rows, patches: cols * rows, perPatch: p * p * 3, croppedX: w - cols * p, croppedY: h - rows * p };
}

export function mount(root) {
  root.append(el('h3', { text: 'An image as a sequence of patches' }),
    el('p', { class: 'muted', text: 'Pick a size and a patch size. Each patch of p × p pixels with three colour channels becomes one vector of p·p·3 numbers: one position in the context window.' }));
  const s = { w: 224, h: 224, p: 16, enc: 1152, lm: 4096, image: null };
  const box = controls(root);
  numberInput(box, { label: 'image width (px)', value: s.w, min: 8, max: MAX_SIDE, step: 1, onInput: v => { s.w = v; show(); } }).name = 'width';
  numberInput(box, { label: 'image height (px)', value: s.h, min: 8, max: MAX_SIDE, step: 1, onInput: v => { s.h = v; show(); } }).name = 'height';
  select(box, { label: 'patch size', options: [8, 14, 16, 32].map(p => [p, `${p} × ${p}`]), value: s.p, onInput: v => { s.p = Number(v); show(); } }).name = 'patch';
  const file = el('input', { type: 'file', id: 'lab24-file', accept: 'image/png,image/jpeg,image/gif,image/webp', name: 'picture',
    onchange: () => load(file.files && file.files[0]) });
  box.append(el('label', { class: 'lab-control', for: 'lab24-file' }, el('span', { text: 'your own picture (optional, stays in the browser)' }), file));
  const out = output(root);
  const projection = el('div', {});
  const load = f => {
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => {
      const img = new Image();
      img.onload = () => { s.image = img; show(); };
      img.onerror = () => out.prepend(el('p', { class: 'error', role: 'alert', text: 'That file could not be read as an image.' }));
      img.src = String(reader.result);
    };
    reader.readAsDataURL(f);
  };
  const show = () => {
    if (![s.w, s.h].every(v => Number.isInteger(v) && v >= 8 && v <= MAX_SIDE)) {
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: `Width and height are whole numbers from 8 to ${MAX_SIDE} pixels.` }));
      return;
    }
    const g = patchGrid(s.w, s.h, s.p);
    const base = patchGrid(224, 224, s.p).patches;
    const { canvas, pixels } = picture(s, g);
    const strip = [];
    for (let k = 0; k < Math.min(STRIP, g.patches); k++) strip.push(patch(pixels, s.w, s.p, Math.floor(k / g.cols), k % g.cols, k));
    const sizes = [112, 224, 336, 448, 672, 896];
    out.replaceChildren(
      el('div', { class: 'lab-split' }, canvas,
        table(['quantity', 'value'], [
          ['grid', el('span', { 'data-value': 'grid', text: `${g.cols} × ${g.rows}` })],
          ['patches (tokens)', el('span', { 'data-value': 'patches', text: g.patches.toLocaleString('en') })],
          ['numbers per patch', el('span', { 'data-value': 'per-patch', text: `${s.p} × ${s.p} × 3 = ${g.perPatch.toLocaleString('en')}` })],
          ['numbers in all', (g.patches * g.perPatch).toLocaleString('en')],
          ['pixels cropped', `${g.croppedX} columns, ${g.croppedY} rows`],
          ['attention pairs (patches²)', (g.patches ** 2).toLocaleString('en')],
          ['attention work vs 224 × 224', el('span', { 'data-value': 'attention-ratio', text: base ? num((g.patches / base) ** 2, 2) : '–' })],
        ], `${s.w} × ${s.h} pixels, ${s.p} × ${s.p} patches`)),
      el('h4', { text: `The first ${strip.length} tokens, read left to right, top to bottom` }),
      el('div', { class: 'lab-strip', role: 'list', 'aria-label': 'The first patches as a sequence' }, strip.map(t => el('div', { role: 'listitem', class: 'lab-token' }, t.canvas, el('span', { text: `#${t.index}` })))),
      table(['token', 'grid row, column', 'first numbers of its vector (R, G, B of the first pixels)', 'mean brightness'],
        strip.slice(0, 8).map(t => [`#${t.index}`, `${t.row}, ${t.col}`, `${t.vector.slice(0, 9).join(', ')}, … (${g.perPatch} in all)`,
          el('span', { 'data-value': `mean-${t.index}`, text: num(t.mean, 1) })]), 'each patch flattened: its pixels row by row, three numbers per pixel'),
      el('h4', { text: `Patch count against image size (${s.p} × ${s.p} patches)` }),
      bars(sizes.map(n => ({ label: `${n} × ${n}`, value: patchGrid(n, n, s.p).patches, highlight: n === s.w && n === s.h })),
        { label: 'patches per square image size', format: v => v.toLocaleString('en') }),
      table(['image', 'patches', 'attention work vs 224 × 224'], sizes.map(n => {
        const c = patchGrid(n, n, s.p).patches;
        return [`${n} × ${n}`, c.toLocaleString('en'), `×${num((c / base) ** 2, 2)}`];
      })),
      projection);
    showProjection();
  };
  const showProjection = () => {
    const params = s.enc * s.lm + s.lm;
    projection.replaceChildren(el('p', {}, `A linear projection from the vision encoder’s ${s.enc.toLocaleString('en')}-wide vectors to the language model’s ${s.lm.toLocaleString('en')}-wide embeddings has ${s.enc.toLocaleString('en')} × ${s.lm.toLocaleString('en')} + ${s.lm.toLocaleString('en')} = `,
      el('span', { 'data-value': 'projection', text: params.toLocaleString('en') }), ' parameters.'));
  };
  root.append(el('h3', { text: 'The projection into the language model' }));
  const box2 = controls(root);
  const valid = v => Number.isInteger(v) && v >= 1 && v <= 65536;
  numberInput(box2, { label: 'vision encoder width', value: s.enc, min: 1, max: 65536, step: 1, onInput: v => { if (valid(v)) { s.enc = v; showProjection(); } } }).name = 'encoder';
  numberInput(box2, { label: 'language model width', value: s.lm, min: 1, max: 65536, step: 1, onInput: v => { if (valid(v)) { s.lm = v; showProjection(); } } }).name = 'lm';
  root.append(projection);
  show();
}

/** The picture at w × h with the patch grid drawn over it, and its pixels as read before the grid went on. */
function picture(s, g) {
  const canvas = el('canvas', { width: s.w, height: s.h, class: 'lab-image', role: 'img',
    'aria-label': `The picture, ${s.w} by ${s.h} pixels, cut into a ${g.cols} by ${g.rows} grid of ${s.p}-pixel patches` });
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (s.image) ctx.drawImage(s.image, 0, 0, s.w, s.h);
  else scene(ctx, s.w, s.h);
  const pixels = ctx.getImageData(0, 0, s.w, s.h).data;
  // the grid goes on top for the eye; the patches are cut from the clean pixels
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  ctx.lineWidth = Math.max(1, s.w / 320);
  ctx.beginPath();
  for (let c = 0; c <= g.cols; c++) { ctx.moveTo(c * s.p, 0); ctx.lineTo(c * s.p, g.rows * s.p); }
  for (let r = 0; r <= g.rows; r++) { ctx.moveTo(0, r * s.p); ctx.lineTo(g.cols * s.p, r * s.p); }
  ctx.stroke();
  return { canvas, pixels };
}

/** A small scene so that patches differ: sky, sun, hills, a red car. */
function scene(ctx, w, h) {
  const sky = ctx.createLinearGradient(0, 0, 0, h * 0.6);
  sky.addColorStop(0, '#5b8fd6');
  sky.addColorStop(1, '#cfe3f7');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#f4c542';
  ctx.beginPath();
  ctx.arc(w * 0.78, h * 0.2, Math.min(w, h) * 0.1, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#4f8a3c';
  ctx.beginPath();
  ctx.moveTo(0, h * 0.62);
  ctx.quadraticCurveTo(w * 0.3, h * 0.45, w * 0.6, h * 0.6);
  ctx.quadraticCurveTo(w * 0.8, h * 0.68, w, h * 0.58);
  ctx.lineTo(w, h);
  ctx.lineTo(0, h);
  ctx.fill();
  ctx.fillStyle = '#c0392b';
  ctx.fillRect(w * 0.15, h * 0.7, w * 0.32, h * 0.1);
  ctx.fillRect(w * 0.21, h * 0.63, w * 0.18, h * 0.08);
  ctx.fillStyle = '#222';
  for (const x of [0.22, 0.4]) { ctx.beginPath(); ctx.arc(w * x, h * 0.81, Math.min(w, h) * 0.035, 0, 2 * Math.PI); ctx.fill(); }
}

/** One patch: its pixels row by row as R, G, B numbers, a small enlarged picture of it, its mean brightness. */
function patch(pixels, width, p, row, col, index) {
  const vector = [];
  let sum = 0;
  const img = new ImageData(p, p);
  for (let y = 0; y < p; y++) {
    for (let x = 0; x < p; x++) {
      const src = ((row * p + y) * width + col * p + x) * 4, dst = (y * p + x) * 4;
      for (let c = 0; c < 3; c++) { vector.push(pixels[src + c]); sum += pixels[src + c]; img.data[dst + c] = pixels[src + c]; }
      img.data[dst + 3] = 255;
    }
  }
  const canvas = el('canvas', { width: p, height: p, class: 'lab-patch', role: 'img', 'aria-label': `patch ${index}: row ${row}, column ${col}` });
  canvas.getContext('2d').putImageData(img, 0, 0);
  return { index, row, col, vector, mean: sum / vector.length, canvas };
}
