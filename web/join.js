// /join#CODE: the invite link. Signs the person in (the server sets the session cookie), then
// shows their training, or the library when nothing is assigned to them.
import { ApiError, get, post, query } from './api.js';
import { h, fill } from './dom.js';
import { go, refreshMe } from './app.js';

export async function joinPage(main) {
  const code = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  // The code leaves the address bar (and so the history) at once: it is a one-time secret.
  history.replaceState(null, '', '/join');
  if (!code) {
    const me = await refreshMe();
    if (me) return go('/', { replace: true });
    fill(main, h('section', { class: 'empty' }, h('h1', {}, 'Join'),
      h('p', {}, 'Open the whole invite link you were sent: the code after # is what lets you in.')));
    return;
  }
  fill(main, h('p', { class: 'muted' }, 'Signing you in…'));
  let person;
  try {
    const signedIn = await post('/session', { invite: code });
    person = signedIn.person;
    // The answer also holds a 180-day personal token for scripts; the page lives on its cookie, so
    // the token is ended at once rather than left valid in a page's memory.
    await fetch('/api/v1/session', { method: 'DELETE', headers: { Authorization: `Bearer ${signedIn.token}` } })
      .catch(() => {});
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      fill(main, h('section', { class: 'empty', role: 'alert' },
        h('h1', {}, 'This invite no longer works'),
        h('p', {}, 'It has expired or was already used. Ask the admin who invited you for a new link; ',
          'an admin makes one with "walkthrough people invite NAME" or on the People page.')));
      return;
    }
    throw e;
  }
  await refreshMe();
  const mine = await get('/assignments' + query({ person: person.id }));
  const open = mine.filter((a) => a.state !== 'done');
  go(open.length ? '/training' : '/', { replace: true });
}
