// Sharing one recording with someone outside the team. For its author or an admin, on the watch
// page: "Share…" makes a link (watch, or watch and comment; days), shows it once, lists the links
// and revokes them. For a guest: /s#CODE signs them in (asking their name when the link lets them
// comment) and opens that recording, with nothing else of the library around it.
import { ApiError, get, post } from './api.js';
import { h, fill } from './dom.js';
import { go, refreshMe, session, toast } from './app.js';
import { day } from './format.js';

export function isGuest() {
  return !!(session.me && session.me.guest);
}

export function guestBadge() {
  return h('span', { class: 'badge guest', title: 'Not a member of the team: came by a share link' }, 'guest');
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

function linkState(s) {
  if (s.revoked_at) return h('span', { class: 'muted' }, 'revoked');
  if (new Date(s.expires_at) <= new Date()) return h('span', { class: 'muted' }, 'expired');
  return h('span', { class: 'good' }, `until ${day(s.expires_at)}`);
}

// The panel: make a link, see it once, the links so far with Revoke.
export function sharePanel(rec, close) {
  const mode = h('select', { id: 'share-mode' },
    h('option', { value: 'watch' }, 'Watch only'), h('option', { value: 'comment' }, 'Watch and comment (under a name they type)'));
  const days = h('input', { type: 'number', id: 'share-days', min: 1, max: 90, value: 7 });
  const made = h('div', { class: 'share-made', 'aria-live': 'polite' });
  const list = h('ul', { class: 'rows', id: 'share-links' });
  const form = h('form', { class: 'panel-form', id: 'share-form' },
    h('h2', {}, 'Share with someone outside the team'),
    h('p', { class: 'muted' }, 'They see this recording and nothing else; what they watch and write is marked as a guest\'s.'),
    field('Guests may', mode), field('Days the link works', days),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Make link'),
      h('button', { type: 'button', onclick: close }, 'Close')),
    made, list);

  async function draw() {
    const links = await get(`/recordings/${rec.id}/shares`);
    fill(list, links.length ? links.map((s) => h('li', { class: 'row-item share-link' },
      h('span', {}, s.mode === 'comment' ? 'watch and comment' : 'watch only'), linkState(s),
      h('span', { class: 'muted' }, `${s.guests} opened · by ${s.created_by}`),
      s.revoked_at || new Date(s.expires_at) <= new Date() ? null
        : h('button', { type: 'button', onclick: () => revoke(s) }, 'Revoke')))
      : h('li', { class: 'muted' }, 'No links yet.'));
  }

  async function revoke(s) {
    if (!confirm('Revoke this link? Whoever has it can no longer open the recording.')) return;
    try {
      await post(`/recordings/${rec.id}/shares/${s.id}/revoke`);
      await draw();
    } catch (err) { toast(err.message); }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const link = await post(`/recordings/${rec.id}/shares`, { mode: mode.value, days: Number(days.value) });
      const box = h('input', { type: 'text', readonly: true, value: link.url, id: 'share-url', 'aria-label': 'Share link', class: 'link-box' });
      const copy = h('button', { type: 'button', id: 'share-copy' }, 'Copy');
      copy.addEventListener('click', async () => {
        box.select();
        try {
          await navigator.clipboard.writeText(link.url);
          copy.textContent = 'Copied';
        } catch (err) { toast('Press Ctrl+C to copy the selected link.'); }
      });
      fill(made, h('p', {}, `Until ${new Date(link.expires_at).toLocaleString()}:`), h('div', { class: 'row' }, box, copy),
        h('p', { class: 'muted' }, 'It is shown this once; send it to them.'));
      await draw();
    } catch (err) { toast(err.message); }
  });
  draw().catch((err) => toast(err.message));
  return form;
}

function ended(main, title, text) {
  fill(main, h('section', { class: 'empty', role: 'alert' }, h('h1', {}, title), h('p', {}, text)));
}

// /s#CODE: the guest's way in.
export async function sharePage(main) {
  const code = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  // The code leaves the address bar (and so the history) at once: it is the link's secret.
  history.replaceState(null, '', '/s');
  document.body.classList.add('guest');  // no library around this page, signed in or not
  if (!code) {
    const me = await refreshMe();
    if (me && me.guest) return go(`/r/${me.guest.recording_id}`, { replace: true });
    return ended(main, 'Open the whole link', 'The code after # in the link you were sent is what lets you in.');
  }
  async function open(name) {
    try {
      const signedIn = await post('/session', name === undefined ? { share: code } : { share: code, name });
      await refreshMe();
      go(`/r/${signedIn.person.guest.recording_id}`, { replace: true });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'name_needed') return askName();
      if (e.status === 410) return ended(main, 'This link has ended', e.message);
      if (e.status === 401) return ended(main, 'This link does not work', e.message);
      if (name !== undefined && e.status === 400) return toast(e.message);
      throw e;
    }
  }
  function askName() {
    const input = h('input', { type: 'text', id: 'guest-name', required: true, maxlength: 80, autocomplete: 'name' });
    const form = h('form', { class: 'panel-form guest-form' },
      h('h1', {}, 'Your name'),
      h('p', { class: 'muted' }, 'You were sent a recording to watch and comment on. Your comments show this name, marked as a guest\'s.'),
      field('Name', input), h('button', { type: 'submit', class: 'primary' }, 'Open the recording'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim()) open(input.value.trim());
    });
    fill(main, form);
    input.focus();
  }
  // Someone of the team who opens a link meant for a guest would lose their own sign-in in this
  // browser (one session cookie): they are asked first.
  const me = await refreshMe();
  document.body.classList.add('guest');
  if (me && !me.guest) {
    fill(main, h('section', { class: 'empty' }, h('h1', {}, 'This link is for a guest'),
      h('p', {}, `You are signed in as ${me.name}. Opening it here signs you out of the team's library in this browser; `,
        'open it in a private window instead, or go on.'),
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'primary', onclick: () => open(undefined) }, 'Open as a guest'),
        h('a', { href: '/' }, 'Back to the library'))));
    return;
  }
  fill(main, h('p', { class: 'muted' }, 'Opening the recording…'));
  await open(undefined);
}
