// Training: the default model's loss curves, config and size, from training.json via /api/model.
import { el, header, getJson, showError } from './common.js';

header('Training');
const app = document.getElementById('app');
app.append(el('h1', { text: 'How the model was trained' }), el('p', { class: 'loading', id: 'status', text: 'Loading…' }));
load();

async function load() {
  let m;
  try {
    m = await getJson('/api/model');
  } catch (e) {
    showError(document.getElementById('status'), e, load);
    return;
  }
  const info = m.info, t = m.training || {};
  const curve = t.curve || [];
  app.replaceChildren(el('h1', { text: `How ${info.name} was trained` }),
    el('section', { class: 'card' }, el('h2', { text: 'Loss curves' }), chart(curve),
      el('p', { class: 'muted', text: 'Cross-entropy in nats per token. Training loss is measured on each batch; validation loss on held-out tutor questions (whole concepts the model never practised). Training stops when validation loss stops improving.' })),
    el('section', { class: 'card' }, el('h2', { text: 'The model' }), table([
      ['parameters', info.parameters.toLocaleString('en')], ['layers', info.layers], ['hidden size', info.hidden_size],
      ['attention heads', `${info.heads} (key/value heads: ${info.kv_heads})`], ['feed-forward width', info.intermediate_size],
      ['vocabulary', info.vocab_size], ['context', `${info.context_length} tokens`], ['weights', info.dtype],
      ['steps', t.steps], ['best validation loss', t.best_val_loss ?? t.best_validation_loss], ['wall time (s)', t.wall_seconds ?? t.wall_time_s]])),
    el('section', { class: 'card' }, el('h2', { text: 'The run' }), table([
      ['tokens seen', t.tokens_seen?.toLocaleString('en')], ['training tokens', t.train_tokens?.toLocaleString('en')],
      ['validation tokens', t.validation_tokens?.toLocaleString('en')], ['first training loss', curve[0]?.train_loss],
      ['last training loss', t.final_train_loss], ['learning rate', schedule(t.config)], ['corpus sha256', t.corpus_sha256]], 'run-config')));
}

/** "0.001 peak after 80 warm-up steps, cosine decay to 0.0001", from training.json's config. */
function schedule(c) {
  if (!c || c.learning_rate == null) return undefined;
  return `${c.learning_rate} peak after ${c.warmup_steps} warm-up steps, cosine decay to ${c.min_learning_rate}`;
}

function table(rows, id = 'model-config') {
  return el('table', { id }, el('tbody', {}, rows.filter(r => r[1] !== undefined && r[1] !== null)
    .map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: String(v) })))));
}

function chart(curve) {
  const NS = 'http://www.w3.org/2000/svg';
  const w = 640, h = 300, pad = 40;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Training and validation loss by step');
  svg.id = 'loss-chart';
  const train = curve.filter(p => p.train_loss != null).map(p => [p.step, p.train_loss]);
  const val = curve.filter(p => p.val_loss != null).map(p => [p.step, p.val_loss]);
  const all = train.concat(val);
  if (!all.length) return el('p', { class: 'muted', text: 'No curve recorded.' });
  const maxX = Math.max(...all.map(p => p[0])), maxY = Math.max(...all.map(p => p[1])), minY = Math.min(0, ...all.map(p => p[1]));
  const x = s => pad + (w - 2 * pad) * s / maxX, y = v => h - pad - (h - 2 * pad) * (v - minY) / (maxY - minY);
  const add = (tag, attrs, text) => { const n = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text) n.textContent = text; svg.append(n); return n; };
  add('line', { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: '#999' });
  add('line', { x1: pad, y1: pad, x2: pad, y2: h - pad, stroke: '#999' });
  for (let i = 0; i <= 4; i++) {
    const v = minY + (maxY - minY) * i / 4;
    add('text', { x: 4, y: y(v) + 4, 'font-size': 11, fill: '#555' }, v.toFixed(1));
  }
  add('text', { x: w - pad, y: h - 10, 'font-size': 11, 'text-anchor': 'end', fill: '#555' }, `step ${maxX}`);
  const line = (pts, color, cls) => add('polyline', { points: pts.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2, class: cls });
  line(train, '#2f5bd3', 'train');
  line(val, '#c2410c', 'val');
  add('text', { x: w - pad, y: pad, 'font-size': 12, 'text-anchor': 'end', fill: '#2f5bd3' }, 'train');
  add('text', { x: w - pad, y: pad + 16, 'font-size': 12, 'text-anchor': 'end', fill: '#c2410c' }, 'validation');
  return svg;
}
