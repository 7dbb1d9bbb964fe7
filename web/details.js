// On the watch page, for a recording's author or an admin: editing its title, description, kind
// and tags; for admins: "Assign…" (to a person, with a due date). The server enforces the same.
import { get, api, post } from './api.js';
import { h, fill } from './dom.js';
import { isAdmin, session, toast } from './app.js';

export function canEdit(rec) {
  return isAdmin() || rec.author === session.me.name;
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

// The edit form; `saved(rec)` with the recording as the server now has it.
export function editForm(rec, saved, close) {
  const title = h('input', { type: 'text', id: 'edit-title', value: rec.title, maxlength: 1000 });
  const description = h('textarea', { id: 'edit-description', rows: 3 });
  description.value = rec.description || '';
  const kind = h('select', { id: 'edit-kind' },
    ['walkthrough', 'training'].map((k) => h('option', { value: k, selected: rec.kind === k }, k)));
  const tags = h('input', { type: 'text', id: 'edit-tags', value: rec.tags.join(' '), 'aria-describedby': 'tags-help' });
  const form = h('form', { class: 'panel-form', id: 'edit-form' },
    h('h2', {}, 'Details'),
    field('Title', title), field('Description', description), field('Kind', kind),
    field('Tags', tags), h('p', { class: 'muted', id: 'tags-help' }, 'Separated by spaces.'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: close }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const wanted = [...new Set(tags.value.split(/[\s,]+/).map((t) => t.replace(/^#/, '')).filter(Boolean))];
    const body = {
      title: title.value, description: description.value, kind: kind.value,
      add_tags: wanted.filter((t) => !rec.tags.includes(t)), remove_tags: rec.tags.filter((t) => !wanted.includes(t)),
    };
    try {
      saved(await api('PATCH', `/recordings/${rec.id}`, body));
      close();
    } catch (err) { toast(err.message); }
  });
  return form;
}

export async function assignForm(rec, close) {
  const people = await get('/people');
  const person = h('select', { id: 'assign-person' }, people.map((p) => h('option', { value: p.id }, p.name)));
  const dueDate = h('input', { type: 'date', id: 'assign-due' });
  const result = h('p', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel-form', id: 'assign-form' },
    h('h2', {}, 'Assign'), field('Person', person), field('Due (optional)', dueDate),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Assign'),
      h('button', { type: 'button', onclick: close }, 'Close')), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const a = await post('/assignments', { recording: rec.id, person: person.value, due: dueDate.value || null });
      fill(result, `Assigned to ${a.assignee}` + (a.due ? `, due ${a.due}` : '') + (a.state === 'done' ? ' (already watched: done)' : '') + '.');
    } catch (err) { toast(err.message); }
  });
  return form;
}
