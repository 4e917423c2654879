// One lesson's widget on its own page: /lab/{slug}, with a link back to the lesson.
import { el, header, getJson, showError, decoded, renderMath } from './common.js';
import { mountLab } from './labs/kit.js';

header('Course');
const app = document.getElementById('app');
const slug = decoded(location.pathname.replace(/^\/lab\/?/, ''));
const status = el('p', { class: 'loading', text: 'Loading…' });
app.append(status);
load();

async function load() {
  let lesson;
  try {
    lesson = await getJson(`/api/lessons/${encodeURIComponent(slug)}`);
  } catch (e) {
    showError(status, e.status === 404 ? new Error(`There is no lesson “${slug}”. The course lists them all.`) : e, e.status === 404 ? null : load);
    return;
  }
  document.title = `Lab: ${lesson.title} · Glassbox`;
  const card = el('div', { class: 'card' });
  app.replaceChildren(el('h1', { text: `Lab: ${lesson.title}` }),
    el('p', { class: 'muted' }, 'The hands-on part of ', el('a', { href: `/course/${lesson.slug}#try-it-in-the-lab`, text: 'the lesson' }), '.'),
    el('section', { class: 'card lesson' }, el('h2', { text: 'What to try' }), steps(lesson)),
    card);
  if (lesson.has_lab) {
    await mountLab(card, lesson.slug);
  } else {
    card.append(el('p', { class: 'muted', text: 'This lesson has no widget yet; its “Try it in the lab” section lists what to try.' }));
  }
}

/** The lesson's "Try it in the lab" steps (the server's sanitized lesson HTML, parsed inert), formulas typeset. */
function steps(lesson) {
  const page = document.createElement('template');
  page.innerHTML = lesson.html;   // built by the server from Markdown with raw HTML escaped, as on the course page
  let list = null;
  for (let n = page.content.getElementById('try-it-in-the-lab')?.nextElementSibling; n && !/^H[1-6]$/.test(n.tagName); n = n.nextElementSibling) {
    if (n.tagName === 'UL' || n.tagName === 'OL') { list = n; break; }
  }
  if (!list) return el('p', { class: 'muted', text: 'Change the controls below and watch the numbers.' });
  const node = document.importNode(list, true);
  renderMath(node);
  return node;
}
