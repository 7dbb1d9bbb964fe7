// My training (what was assigned to me) and the Inbox (what waits for my reply, overdue first).
import { get, query, onEvent } from './api.js';
import { h, fill } from './dom.js';
import { moment, due, ago, percent } from './format.js';
import { session } from './app.js';

const stateWords = { not_started: 'Not started', in_progress: 'In progress', done: 'Done', overdue: 'Overdue' };
const stateClass = { not_started: 'muted', in_progress: 'accent', done: 'good', overdue: 'bad' };

export async function trainingPage(main) {
  const list = h('ul', { class: 'rows' });
  const summary = h('p', { class: 'muted' });
  fill(main, h('header', { class: 'page-head' }, h('h1', {}, 'My training'), summary), list);
  async function draw() {
    const mine = await get('/assignments' + query({ person: session.me.id }));
    const open = mine.filter((a) => a.state !== 'done').length;
    summary.textContent = mine.length ? `${open} to do · ${mine.length - open} done` : '';
    fill(list, mine.length ? mine.map((a) => h('li', { class: `row-item ${a.state}` },
      h('a', { href: `/r/${a.recording_id}` }, h('span', { class: 'row-title' }, a.recording_title)),
      h('span', { class: stateClass[a.state] }, stateWords[a.state] || a.state),
      h('span', { class: 'muted' }, `watched ${percent(a.coverage)}`),
      a.due ? h('span', { class: a.overdue ? 'bad' : 'muted' }, due(a.due)) : null,
      h('span', { class: 'muted' }, `assigned by ${a.assigned_by}`)))
      : h('li', { class: 'empty' }, 'Nothing is assigned to you. The library has everything the team recorded.'));
  }
  await draw();
  onEvent((e) => { if (e.kind === 'assignment.changed' || e.kind === 'view.changed') draw().catch(() => {}); });
}

export async function inboxPage(main) {
  const list = h('ul', { class: 'rows' });
  const summary = h('p', { class: 'muted' });
  fill(main, h('header', { class: 'page-head' }, h('h1', {}, 'Inbox'), summary), list);
  async function draw() {
    const inbox = await get('/inbox');
    const items = [...inbox.items].sort((a, b) => Number(b.overdue) - Number(a.overdue));
    summary.textContent = `${inbox.total} waiting for your reply · answer within ${inbox.response_window_hours} h`;
    fill(list, items.length ? items.map((x) => {
      const c = x.comment;
      const href = `/r/${c.recording_id}` + (c.at_ms !== null ? `?t=${moment(c.at_ms)}` : '');
      return h('li', { class: `row-item${x.overdue ? ' overdue' : ''}` },
        h('a', { href }, h('span', { class: 'row-title' }, x.recording_title),
          c.at_ms !== null ? h('span', { class: 'muted' }, ` at ${moment(c.at_ms)}`) : null),
        h('span', { class: 'warn' }, c.author), h('span', { class: 'muted' }, `${x.reason} · ${ago(c.created_at)}`),
        x.overdue ? h('span', { class: 'bad' }, 'overdue') : null,
        h('p', { class: 'comment-body' }, c.body));
    }) : h('li', { class: 'empty' }, 'Nothing waits for your reply.'));
  }
  await draw();
  onEvent((e) => { if (e.kind.startsWith('comment.')) draw().catch(() => {}); });
}
