// For admins: Team progress (training modules x people, overdue in red) and People (invite, make
// admin or member, revoke). The server refuses these to members whatever a page shows.
import { get, post, onEvent } from './api.js';
import { h, fill } from './dom.js';
import { percent, due, ago } from './format.js';
import { isAdmin, session, toast } from './app.js';

function adminsOnly(main) {
  fill(main, h('section', { class: 'empty' }, h('h1', {}, 'For admins'),
    h('p', {}, 'Only an admin of this library sees this page. Ask one if you need it.')));
}

const stateWords = { not_started: 'not started', in_progress: 'in progress', done: 'done', overdue: 'overdue' };

export async function teamPage(main) {
  if (!isAdmin()) return adminsOnly(main);
  const grid = h('div', { class: 'grid-wrap' });
  fill(main, h('header', { class: 'page-head' }, h('h1', {}, 'Team progress'),
    h('p', { class: 'muted' }, 'Who has watched what was assigned to them; overdue in red.')), grid);
  async function draw() {
    const all = await get('/assignments');
    if (!all.length) {
      fill(grid, h('p', { class: 'muted' }, 'Nothing is assigned yet. Open a recording and choose Assign….'));
      return;
    }
    const people = [...new Set(all.map((a) => a.assignee))].sort();
    const modules = [...new Map(all.map((a) => [a.recording_id, a.recording_title])).entries()];
    const cell = new Map(all.map((a) => [`${a.recording_id}\u0000${a.assignee}`, a]));
    fill(grid, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Module'), people.map((p) => h('th', { scope: 'col' }, p)))),
      h('tbody', {}, modules.map(([id, title]) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: `/r/${id}` }, title)),
        people.map((p) => {
          const a = cell.get(`${id}\u0000${p}`);
          if (!a) return h('td', { class: 'muted' }, '—');
          return h('td', { class: `state ${a.state}` },
            h('span', {}, a.state === 'done' ? '✓ done' : `${stateWords[a.state]} · ${percent(a.coverage)}`),
            a.due ? h('span', { class: 'due' }, due(a.due)) : null);
        }))))));
  }
  await draw();
  onEvent((e) => { if (e.kind === 'assignment.changed' || e.kind === 'view.changed') draw().catch(() => {}); });
}

export async function peoplePage(main) {
  if (!isAdmin()) return adminsOnly(main);
  const list = h('ul', { class: 'rows', id: 'people' });
  const name = h('input', { type: 'text', id: 'invite-name', required: true, maxlength: 200, autocomplete: 'off' });
  const access = h('select', { id: 'invite-access' }, h('option', { value: 'member' }, 'member'), h('option', { value: 'admin' }, 'admin'));
  const days = h('input', { type: 'number', id: 'invite-days', min: 1, max: 365, value: 7 });
  const link = h('div', { class: 'invite-link', 'aria-live': 'polite' });
  const form = h('form', { class: 'invite-form' },
    h('label', { class: 'field' }, 'Name ', name), h('label', { class: 'field' }, 'Access ', access),
    h('label', { class: 'field' }, 'Days ', days), h('button', { type: 'submit', class: 'primary' }, 'Invite'));
  fill(main, h('header', { class: 'page-head' }, h('h1', {}, 'People')),
    h('section', { 'aria-labelledby': 'inv-head' }, h('h2', { id: 'inv-head' }, 'Invite someone'), form, link), list);

  async function invite(person, body) {
    const made = await post(`/people/${encodeURIComponent(person)}/invites`, body);
    fill(link, h('p', {}, `A one-time link for ${made.person} (${made.role}), until ${new Date(made.expires_at).toLocaleString()}:`),
      h('input', { type: 'text', readonly: true, value: made.invite_url, 'aria-label': 'Invite link', class: 'link-box' }),
      h('p', { class: 'muted' }, 'It is shown this once. Send it to them; it works once.'));
  }

  async function draw() {
    const people = await get('/people');
    fill(list, people.map((p) => h('li', { class: 'row-item' },
      h('span', { class: 'row-title' }, p.name),
      h('span', { class: p.access === 'admin' ? 'badge training' : 'badge walkthrough' }, p.access),
      p.role ? h('span', { class: 'muted' }, p.role) : null,
      h('span', { class: 'muted' }, p.last_seen_at ? `last seen ${ago(p.last_seen_at)}` : 'never signed in'),
      h('button', { type: 'button', onclick: () => invite(p.id, { access: p.access === 'admin' ? 'member' : 'admin' })
        .then(draw).catch((e) => toast(e.message)) }, p.access === 'admin' ? 'Make member' : 'Make admin'),
      h('button', { type: 'button', onclick: () => invite(p.id, {}).catch((e) => toast(e.message)) }, 'New invite'),
      p.id === session.me.id ? null : h('button', { type: 'button', class: 'danger', onclick: () => revoke(p) }, 'Revoke'))));
  }

  async function revoke(p) {
    if (!confirm(`Revoke ${p.name}'s access? Every sign-in and unused invite of theirs ends now; a new invite lets them back in.`)) return;
    try {
      const done = await post(`/people/${encodeURIComponent(p.id)}/revoke`);
      toast(`${done.person}: ${done.revoked} sign-in(s) and invite(s) ended.`);
      await draw();
    } catch (err) { toast(err.message); }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const wanted = name.value.trim();
    if (!wanted) return;
    try {
      const people = await get('/people');
      let person = people.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
      if (!person) person = await post('/people', { name: wanted });
      await invite(person.id, { access: access.value, days: Number(days.value) });
      name.value = '';
      await draw();
    } catch (err) { toast(err.message); }
  });
  await draw();
}
