// The model's next-token distribution and the sampler's filters, shared by the sampling playground
// (/sampling) and lesson 19's widget. Same order as the server's sampler (model/.../infer/Sampler.java):
// temperature, softmax over the whole vocabulary, top-k, top-p, min-p, renormalise.
import { postJson } from './common.js';

/** POST /api/distribution: all raw logits after the text, and the top candidates ({ id, text, logit }, best first). */
export function fetchDistribution(text) {
  return postJson('/api/distribution', { text });
}

/**
 * Applies the filters to the whole vocabulary's logits. topK 0 is off, topP 1 is off, minP 0 is off.
 * Returns prob(logit) (the tempered softmax before any cut), keep (how many of the best survive),
 * keptMass (their total probability, which renormalising divides by) and pmax.
 */
export function reshape(logits, { temperature = 1, topK = 0, topP = 1, minP = 0 } = {}) {
  const t = temperature;
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  for (const l of logits) sum += Math.exp((l - max) / t);
  const prob = logit => Math.exp((logit - max) / t) / sum;
  const sorted = Float64Array.from(logits, prob).sort().reverse();
  const keepK = topK > 0 ? Math.min(topK, sorted.length) : sorted.length;
  let keepP = keepK;
  if (topP < 1) {
    let mass = 0;
    for (let i = 0; i < keepK; i++) { mass += sorted[i]; if (mass >= topP) { keepP = i + 1; break; } }
  }
  const threshold = minP * sorted[0];
  let keep = 0;
  while (keep < keepP && sorted[keep] >= threshold && sorted[keep] > 0) keep++;
  keep = Math.max(1, keep);
  let keptMass = 0;
  for (let i = 0; i < keep; i++) keptMass += sorted[i];
  return { prob, keep, keepK, keepP, keptMass, pmax: sorted[0] };
}
