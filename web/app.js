// The viewer's one page: which view the path asks for, the person signed in, links that stay in
// the page (history), and the few things every view shares (the side bar, the toast).
import { ApiError, get, clearEventHandlers, onEvent } from './api.js';
import { h, fill, $ } from './dom.js';
import { joinPage } from './join.js';
import { libraryPage } from './library.js';
import { watchPage } from './watch.js';
import { trainingPage, inboxPage } from './lists.js';
import { teamPage, peoplePage } from './admin.js';
import { sharePage, isGuest } from './share.js';

export const session = { me: null };

const views = [
  { match: /^\/join$/, page: 'join', render: joinPage, open: true },
  { match: /^\/s$/, page: 'share', render: sharePage, open: true },
  { match: /^\/$/, page: 'library', render: libraryPage },
  { match: /^\/r\/([0-9a-z]{1,64})$/, page: 'library', render: watchPage },
  { match: /^\/training$/, page: 'training', render: trainingPage },
  { match: /^\/inbox$/, page: 'inbox', render: inboxPage },
  { match: /^\/team$/, page: 'team', render: teamPage },
  { match: /^\/people$/, page: 'people', render: peoplePage },
];

let cleanup = null;
let generation = 0;  // of render(): a render overtaken by a newer one (a quick click, a redirect) stops

export function go(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

export function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

export function isAdmin() {
  return session.me && session.me.access === 'admin';
}

async function whoAmI() {
  try {
    session.me = await get('/me');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    session.me = null;
  }
  $('#you').hidden = !session.me;
  $('#you-name').textContent = session.me ? session.me.name + (isGuest() ? ' (guest)' : '') : '';
  // A guest (share link) sees their one recording: no side bar, no library to go to.
  document.body.classList.toggle('guest', isGuest());
  for (const el of document.querySelectorAll('[data-admin]')) el.hidden = !isAdmin();
  return session.me;
}

export async function refreshMe() {
  return whoAmI();
}

function signedOut(main) {
  fill(main,
    h('section', { class: 'empty' },
      h('h1', {}, 'You are not signed in'),
      h('p', {}, 'Open the invite link you were sent. No link, or it has expired? Ask an admin of this library for a new one.'),
      h('p', { class: 'muted' }, 'Came by a link to one recording? It has ended: ask whoever sent it for a new one.')));
}

async function updateInboxCount() {
  if (!session.me) return;
  try {
    const inbox = await get('/inbox');
    const el = $('#inbox-count');
    el.textContent = String(inbox.total);
    el.hidden = inbox.total === 0;
    el.setAttribute('aria-label', `${inbox.total} waiting`);
  } catch (e) { /* the count is a hint; the Inbox page says what is wrong */ }
}

export async function render() {
  const mine = ++generation;
  if (cleanup) cleanup();
  cleanup = null;
  clearEventHandlers();
  const main = $('#main');
  const path = location.pathname;
  const view = views.find((v) => v.match.test(path));
  for (const a of document.querySelectorAll('#nav a')) {
    const current = view && a.dataset.page === view.page;
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!view) {
    fill(main, h('section', { class: 'empty' }, h('h1', {}, 'Not here yet'),
      h('p', {}, 'This page is not in the web viewer yet. '), h('a', { href: '/' }, 'Go to the library')));
    return;
  }
  try {
    const signedIn = view.open || (await whoAmI());
    if (mine !== generation) return;
    if (!signedIn) {
      signedOut(main);
      return;
    }
    const own = isGuest() ? `/r/${session.me.guest.recording_id}` : null;
    if (own && !view.open && path !== own) return go(own, { replace: true });
    const params = path.match(view.match).slice(1);
    const done = (await view.render(main, ...params)) || null;
    if (mine !== generation) {
      if (done) done();
      return;
    }
    cleanup = done;
    if (session.me && !isGuest()) {
      updateInboxCount();
      onEvent((e) => { if (e.kind.startsWith('comment.')) updateInboxCount(); });
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signedOut(main);
      return;
    }
    fill(main, h('section', { class: 'empty' }, h('h1', {}, 'Something went wrong'), h('p', {}, e.message)));
  }
}

// Links inside the viewer change the view without loading the page again.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.origin !== location.origin || a.pathname.startsWith('/api/') || a.hasAttribute('download')) return;
  e.preventDefault();
  if (a.pathname + a.search === location.pathname + location.search && !a.hash) return;
  go(a.pathname + a.search + a.hash);
});
window.addEventListener('popstate', render);
render();
