// Lesson 21: a search playground on the course's real Lucene index. For a typed question it shows each hit's
// fused score, its BM25 word score and its sentence-vector similarity, the highlighted snippet, and what
// each field's words added to the word score (GET /api/search?fields=true, explained by the index itself).
// The default query is the lesson's worked example, "what is top-p sampling".
import { el, getJson, showError, snippet } from '../common.js';
import { controls, output, textInput, select, table, bars, num } from './kit.js';

const FIELDS = [['title', 'title (×2.5)'], ['heading', 'heading (×2)'], ['terms', 'key terms (×1.5)'],
  ['summary', 'summary'], ['text', 'text'], ['typo', 'typo match (×0.3)']];

export function mount(root) {
  root.append(el('h3', { text: 'Search the course' }),
    el('p', { class: 'muted', text: 'Type a question. The tutor retrieves with this same index: BM25 over words and a sentence encoder over meaning, fused by their scores.' }));
  const box = controls(root);
  const query = textInput(box, { label: 'query', value: 'what is top-p sampling', maxlength: 300, onInput: () => later() });
  const k = select(box, { label: 'hits (k)', value: 5, options: [[3, '3'], [5, '5'], [8, '8']], onInput: () => run() });
  query.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); run(); } });
  const out = output(root);
  let timer = null, latest = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(run, 300); };
  const run = async () => {
    clearTimeout(timer);
    const q = query.value.trim();
    const mine = ++latest;
    if (!q) {
      out.replaceChildren(el('p', { class: 'muted', text: 'Type a question to search.' }));
      return;
    }
    try {
      const res = await getJson(`/api/search?fields=true&k=${encodeURIComponent(k.value)}&q=${encodeURIComponent(q)}`);
      if (mine === latest) show(out, res);
    } catch (e) {
      if (mine === latest) showError(out, e);
    }
  };
  return run();
}

function show(out, res) {
  const hits = res.hits;
  const head = el('p', {}, el('span', { 'data-value': 'count', text: String(hits.length) }), ` hit${hits.length === 1 ? '' : 's'} for “`,
    el('span', { 'data-value': 'query', text: res.query }), '”',
    ...(res.searched_for && res.searched_for !== res.query
      ? [', searched as “', el('span', { 'data-value': 'searched-for', text: res.searched_for }), '” (misspelt words put right)']
      : []), '.');
  if (!hits.length) {
    out.replaceChildren(head, el('p', { class: 'muted', text: 'Nothing searchable is left of this query (only stop words or symbols).' }));
    return;
  }
  const byWords = hits.reduce((b, h) => h.word_score > b.word_score ? h : b);
  const byMeaning = hits.reduce((b, h) => h.similarity > b.similarity ? h : b);
  out.replaceChildren(head,
    table(['rank', 'section', 'fused', 'BM25 words', 'similarity'], hits.map((h, i) => [
      String(i + 1),
      el('a', { href: `/course/${encodeURIComponent(h.slug)}#${encodeURIComponent(h.anchor)}`, 'data-value': `hit-${i + 1}`, text: `${h.title} — ${h.section}` }),
      el('span', { 'data-value': `score-${i + 1}`, text: num(h.score, 4) }),
      el('span', { 'data-value': `words-${i + 1}`, text: num(h.word_score, 3) }),
      el('span', { 'data-value': `similarity-${i + 1}`, text: num(h.similarity, 3) }),
    ]), 'Hits, best first by fused score: 0.8 × similarity + 0.2 × BM25 words / the best BM25 words'),
    el('p', { class: 'muted', text: `Strongest by words: ${byWords.title} — ${byWords.section} (${num(byWords.word_score, 3)}). `
      + `Closest in meaning: ${byMeaning.title} — ${byMeaning.section} (${num(byMeaning.similarity, 3)}).` }),
    el('ol', { class: 'lab-hits' }, hits.map((h, i) => el('li', {},
      el('p', { class: 'lab-hit-title', text: `${h.title} — ${h.section}` }),
      el('p', { class: 'lab-snippet' }, snippet(h.snippet)),
      h.word_score > 0
        ? bars(FIELDS.map(([f, label]) => ({ label, value: h.fields[f] })), { max: Math.max(1e-9, ...FIELDS.map(([f]) => h.fields[f])),
          label: `what each field added to hit ${i + 1}'s word score` })
        : el('p', { class: 'muted', text: 'No query word occurs in it: it was found by meaning alone.' }),
      el('p', { class: 'muted' }, 'Title + heading + key terms + summary + text + typo: ', ...FIELDS.flatMap(([f], j) => [j ? ' + ' : '',
        el('span', { 'data-value': `field-${i + 1}-${f}`, text: num(h.fields[f], 3) })]), ` = ${num(h.word_score, 3)}`)))));
}
