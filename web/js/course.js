// The course reader: sidebar, the lesson as sanitized HTML from the server, KaTeX formulas, prev/next, lab actions.
import { el, header, getJson, showError, decoded, renderMath } from './common.js';
import { mountLab } from './labs/kit.js';

header('Course');
const app = document.getElementById('app');
const slug = decoded(location.pathname.replace(/^\/course\/?/, ''));
const nav = el('nav', { class: 'lessons card', 'aria-label': 'Lessons' }, el('p', { class: 'loading', text: 'Loading lessons…' }));
const article = el('article', { class: 'lesson card', id: 'lesson' }, el('p', { class: 'loading', text: 'Loading…' }));
app.append(el('div', { class: 'course' }, nav, article));
load();

async function load() {
  let lessons;
  try {
    lessons = await getJson('/api/lessons');
  } catch (e) {
    showError(nav, e, load);
    return;
  }
  nav.replaceChildren(el('ol', {}, lessons.map(l => el('li', {}, el('a', {
    href: `/course/${l.slug}`, 'aria-current': l.slug === slug ? 'page' : null, text: l.title })))));
  const target = slug || lessons[0].slug;
  try {
    await showLesson(await getJson(`/api/lessons/${encodeURIComponent(target)}`));
  } catch (e) {
    showError(article, e.status === 404 ? new Error(`There is no lesson “${target}”. Pick one from the list.`) : e);
  }
}

async function showLesson(lesson) {
  document.title = `${lesson.title} · Glassbox`;
  const content = el('div', { class: 'lesson-body' });
  content.innerHTML = lesson.html;   // built by the server from Markdown with raw HTML escaped
  await renderMath(content);
  article.replaceChildren(el('h1', { text: lesson.title }), el('p', { class: 'muted', text: lesson.summary }), content,
    el('div', { class: 'pager' },
      lesson.previous ? el('a', { href: `/course/${lesson.previous}`, rel: 'prev', text: '← previous lesson' }) : el('span'),
      lesson.next ? el('a', { href: `/course/${lesson.next}`, rel: 'next', text: 'next lesson →' }) : el('span')));
  addLabActions(content, lesson);
  if (location.hash) {
    const anchor = document.getElementById(decoded(location.hash.slice(1)));
    if (anchor) { anchor.scrollIntoView(); anchor.setAttribute('tabindex', '-1'); anchor.focus(); }
  }
}

/** "Try it in the lab" gets buttons that open the lab pages on an example taken from the lesson itself. */
function addLabActions(content, lesson) {
  const lab = content.querySelector('#try-it-in-the-lab');
  if (!lab) return;
  const example = firstSentence(content) || lesson.summary;
  const term = (lesson.key_terms && lesson.key_terms[0]) || lesson.title;
  const actions = el('div', { class: 'lab-actions' },
    el('a', { class: 'button', href: `/tokenize?text=${encodeURIComponent(example)}`, text: 'Tokenize this sentence' }),
    el('a', { class: 'button', href: `/?q=${encodeURIComponent(`What is ${term}?`)}`, text: `Ask the tutor about ${term} and inspect its attention` }),
    el('a', { class: 'button secondary', href: `/sampling?text=${encodeURIComponent(example.split(' ').slice(0, 6).join(' '))}`, text: 'Replay with another temperature' }));
  if (!lesson.has_lab) {
    lab.after(actions);
    return;
  }
  // heading → the steps (what to do) → the widget → a link to it alone → the other lab pages
  const holder = el('div', { class: 'lab-holder' });
  const alone = el('p', { class: 'muted' }, el('a', { href: `/lab/${lesson.slug}`, text: 'Open this widget on its own page' }));
  stepsOf(lab).after(holder, alone, actions);
  mountLab(holder, lesson.slug);
}

/** The list of steps under the lab heading, or the heading itself when it has none. */
function stepsOf(heading) {
  for (let n = heading.nextElementSibling; n && !/^H[1-6]$/.test(n.tagName); n = n.nextElementSibling) {
    if (n.tagName === 'UL' || n.tagName === 'OL') return n;
  }
  return heading;
}

function firstSentence(content) {
  const p = content.querySelector('p');
  if (!p) return null;
  const m = p.textContent.match(/^[^.!?]{10,200}[.!?]/);
  return m ? m[0] : null;
}
