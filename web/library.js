// The library (/): cards with filters and sort, and search as you type, whose hits in a comment or
// a chapter open the recording at that moment.
import { get, query, onEvent } from './api.js';
import { h, fill } from './dom.js';
import { moment, day, due } from './format.js';
import { session, go, toast } from './app.js';
import { uploadVideo } from './upload.js';

const sorts = {
  newest: { label: 'Newest first', cmp: (a, b) => b.created_at.localeCompare(a.created_at) },
  oldest: { label: 'Oldest first', cmp: (a, b) => a.created_at.localeCompare(b.created_at) },
  title: { label: 'Title A–Z', cmp: (a, b) => a.title.localeCompare(b.title) },
  longest: { label: 'Longest first', cmp: (a, b) => b.duration_ms - a.duration_ms },
};

export function kindBadge(kind) {
  return h('span', { class: `badge ${kind === 'training' ? 'training' : 'walkthrough'}` }, kind);
}

function commentsLine(r) {
  if (!r.comment_count) return null;
  const n = `${r.comment_count} comment${r.comment_count === 1 ? '' : 's'}`;
  return h('span', { class: r.open_comment_count ? 'warn' : 'muted' },
    r.open_comment_count ? `${n} · ${r.open_comment_count} open` : n);
}

function card(r, watched, assignment) {
  const thumb = r.thumbnail_path
    ? h('img', { src: `/api/v1/recordings/${r.id}/thumbnail`, alt: '', loading: 'lazy', width: 320, height: 180 })
    : h('div', { class: 'no-thumb' });
  return h('li', { class: 'card' },
    h('a', { href: `/r/${r.id}`, class: 'card-link', 'aria-label': `${r.title}, ${moment(r.duration_ms)}` },
      h('div', { class: 'thumb' }, thumb, h('span', { class: 'length' }, moment(r.duration_ms)),
        watched ? h('span', { class: 'tick', title: 'Watched' }, '✓') : null),
      h('div', { class: 'card-body' },
        h('h2', { class: 'card-title' }, r.title),
        h('p', { class: 'meta' }, `${moment(r.duration_ms)} · ${r.author} · ${day(r.created_at)}`),
        h('p', { class: 'badges' }, kindBadge(r.kind), watched ? h('span', { class: 'good' }, 'Watched') : null,
          commentsLine(r)),
        assignment && assignment.state !== 'done'
          ? h('p', { class: assignment.overdue ? 'bad' : 'accent' },
            'assigned to you' + (assignment.due ? ` · ${due(assignment.due)}` : ''))
          : null,
        r.tags.length ? h('p', { class: 'tags' }, r.tags.map((t) => h('span', { class: 'tag' }, `#${t}`))) : null)));
}

// "[Onboarding] basics" (the search's excerpt marks hits with brackets) -> text and <mark>s.
function excerpt(text) {
  const parts = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (let m; (m = re.exec(text));) {
    parts.push(text.slice(last, m.index), h('mark', {}, m[1]));
    last = re.lastIndex;
  }
  parts.push(text.slice(last));
  return parts;
}

function hit(x) {
  const at = x.at_ms !== null && x.at_ms !== undefined ? x.at_ms : null;
  const href = `/r/${x.recording_id}` + (at !== null ? `?t=${moment(at)}` : '');
  const where = { recording: 'title, description or tags', comment: 'a comment', chapter: 'a chapter' }[x.matched_in] || x.matched_in;
  return h('li', { class: 'hit' },
    h('a', { href },
      h('span', { class: 'hit-title' }, x.recording_title),
      h('span', { class: 'muted' }, ` · in ${where}`, at !== null ? ` at ${moment(at)}` : ''),
      h('p', { class: 'excerpt' }, excerpt(x.excerpt || ''))));
}

function select(label, name, options, value) {
  return h('label', { class: 'field' }, h('span', { class: 'sr-only' }, label),
    h('select', { name, 'aria-label': label },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

export async function libraryPage(main) {
  const state = { kind: '', tag: '', author: '', unwatched: false, sort: 'newest', q: '' };
  const count = h('p', { class: 'muted', id: 'lib-count' }, '');
  const search = h('input', { type: 'search', id: 'search', placeholder: 'Search titles, descriptions, tags and comments',
    'aria-label': 'Search titles, descriptions, tags, comments and chapters', autocomplete: 'off' });
  const filters = h('div', { class: 'filters' });
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', id: 'upload-file', accept: 'video/*', class: 'sr-only', tabindex: -1 });
  const uploadButton = h('button', { type: 'button', id: 'upload' }, 'Upload a video…');
  const uploads = h('div', { class: 'uploads', 'aria-live': 'polite' });
  fill(main, h('header', { class: 'page-head' }, h('h1', {}, 'Library'), count),
    h('div', { class: 'toolbar' }, search, uploadButton, file), uploads, filters, results);

  // Upload: the button, or a video dropped anywhere on the library.
  async function upload(f) {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Uploading ${f.name}` });
    const label = h('span', {}, `Uploading ${f.name}`);
    const row = h('div', { class: 'upload-row' }, label, bar);
    uploads.append(row);
    try {
      const id = await uploadVideo(f, (x) => { bar.value = x; label.textContent = `Uploading ${f.name} · ${Math.floor(x * 100)} %`; });
      row.remove();
      toast(`${f.name} is in the library.`);
      go(`/r/${id}`);
    } catch (e) {
      label.textContent = `${f.name} was not uploaded: ${e.message}`;
      label.className = 'bad';
      bar.remove();
    }
  }
  uploadButton.addEventListener('click', () => file.click());
  file.addEventListener('change', () => { for (const f of file.files) upload(f); file.value = ''; });
  const drag = {
    dragover: (e) => { e.preventDefault(); main.classList.add('dropping'); },
    dragleave: () => main.classList.remove('dropping'),
    drop: (e) => {
      e.preventDefault();
      main.classList.remove('dropping');
      for (const f of e.dataTransfer.files) upload(f);
    },
  };
  for (const [name, fn] of Object.entries(drag)) main.addEventListener(name, fn);

  // The cards come a page at a time, newest first (the API's order and paging): a first screenful
  // at once, then further pages as the person nears the end of the list (or presses "Show more").
  // Filters apply to what has come so far, and pages keep coming while the end of what they show
  // is in view; a sort other than newest first asks for every page, since it needs them all.
  const pageSize = 500;  // the API's largest page
  const firstScreen = 48;
  let loaded = pages();
  let assigned = new Map();
  const more = h('button', { type: 'button', id: 'show-more', class: 'show-more', hidden: true }, 'Show more');
  main.append(more);

  // The recordings loaded so far, and which of them I watched: my unwatched ones (a part of the
  // same newest-first list) are read as far back as the recordings loaded.
  function pages() {
    const p = { all: [], complete: false, unwatched: [], unwatchedComplete: false, watchedIds: new Set() };
    p.next = async (limit = pageSize) => {
      const page = await get('/recordings' + query({ limit, offset: p.all.length }));
      const known = new Set(p.all.map((r) => r.id));  // one added meanwhile pushes the next page on by one
      p.all = p.all.concat(page.filter((r) => !known.has(r.id)));
      p.complete = page.length < limit;
      const oldest = p.all.length ? p.all[p.all.length - 1].created_at : '';
      while (!p.unwatchedComplete && (!p.unwatched.length || p.unwatched[p.unwatched.length - 1].created_at >= oldest)) {
        const got = await get('/recordings' + query({ limit, offset: p.unwatched.length, unwatched: true }));
        p.unwatched = p.unwatched.concat(got);
        p.unwatchedComplete = got.length < limit;
      }
      const notWatched = new Set(p.unwatched.map((r) => r.id));
      p.watchedIds = new Set(p.all.filter((r) => !notWatched.has(r.id)).map((r) => r.id));
    };
    return p;
  }

  // From the start again (something changed), as far as was loaded before.
  async function reloadLoaded() {
    const had = Math.max(loaded.all.length, firstScreen);
    const fresh = pages();
    const mine = await get('/assignments' + query({ person: session.me.id }));
    while (!fresh.complete && fresh.all.length < had) await fresh.next();
    loaded = fresh;
    assigned = new Map(mine.map((a) => [a.recording_id, a]));
  }

  let filterChoices = '';
  // Drawn again only when a page brought new choices (or `force`), so a focused select keeps its focus.
  function drawFilters(force = false) {
    const tags = [...new Set(loaded.all.flatMap((r) => r.tags))].sort();
    const authors = [...new Set(loaded.all.map((r) => r.author))].sort();
    const choices = JSON.stringify([tags, authors]);
    if (choices === filterChoices && !force) return;
    filterChoices = choices;
    const unwatched = h('input', { type: 'checkbox', name: 'unwatched', checked: state.unwatched });
    fill(filters,
      select('Kind', 'kind', [['', 'Any kind'], ['walkthrough', 'Walkthroughs'], ['training', 'Training']], state.kind),
      select('Tag', 'tag', [['', 'Any tag'], ...tags.map((t) => [t, `#${t}`])], state.tag),
      select('Author', 'author', [['', 'Anyone'], ...authors.map((a) => [a, a])], state.author),
      h('label', { class: 'check' }, unwatched, 'Unwatched'),
      select('Sort', 'sort', Object.entries(sorts).map(([k, s]) => [k, s.label]), state.sort));
  }

  let drawnIds = [];  // the cards on the page, in order
  // `appending`: a new page came; when the cards drawn stay first, the new ones are added after them.
  function drawCards(appending = false) {
    const { all, complete, watchedIds } = loaded;
    const shown = all.filter((r) => (!state.kind || r.kind === state.kind) && (!state.tag || r.tags.includes(state.tag)) &&
      (!state.author || r.author === state.author) && (!state.unwatched || !watchedIds.has(r.id)))
      .sort(sorts[state.sort].cmp);
    const sorting = state.sort !== 'newest' && !complete;
    count.textContent = `${shown.length} of ${complete ? '' : 'the newest '}${all.length} recording${all.length === 1 ? '' : 's'}` +
      (complete ? '' : sorting ? ' (loading the rest to sort them…)' : ' · more as you scroll');
    more.hidden = complete || !!state.q;
    const list = results.querySelector('ul.cards');
    const cardOf = (r) => card(r, watchedIds.has(r.id), assigned.get(r.id));
    if (!all.length && complete) {
      fill(results, h('section', { class: 'empty' }, h('h2', {}, 'No recordings yet.'),
        h('p', {}, 'Record one with the desktop app, or upload a video.')));
    } else if (!shown.length && complete) {
      fill(results, h('section', { class: 'empty' }, h('h2', {}, 'Nothing matches these filters.'),
        h('button', { type: 'button', onclick: () => { Object.assign(state, { kind: '', tag: '', author: '', unwatched: false }); drawFilters(true); drawCards(); } },
          'Clear the filters')));
    } else if (appending && list && drawnIds.length <= shown.length && drawnIds.every((id, i) => shown[i].id === id)) {
      list.append(...shown.slice(drawnIds.length).map(cardOf));
    } else {
      fill(results, h('ul', { class: 'cards' }, shown.map(cardOf)));
    }
    drawnIds = shown.map((r) => r.id);
    if (!complete && !state.q && (sorting || nearEnd())) grow().catch(() => {});
  }

  // Pages while the end of the list is in or near view (every page, to sort), one at a time; at
  // least one.
  let growing = null;
  function nearEnd() { return !more.hidden && more.getBoundingClientRect().top < window.innerHeight + 800; }
  function grow() {
    if (!growing) {
      growing = (async () => {
        const p = loaded;
        do {
          await p.next();
          if (p !== loaded) return;  // reloaded meanwhile
          drawFilters();
          if (!state.q) drawCards(true);
        } while (!p.complete && !state.q && (state.sort !== 'newest' || nearEnd()));
      })().finally(() => { growing = null; });
    }
    return growing;
  }
  more.addEventListener('click', () => grow().catch((e) => toast(e.message)));
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !loaded.complete && !state.q) grow().catch(() => {});
  }, { rootMargin: '800px 0px' });
  observer.observe(more);

  let searchSeq = 0;
  async function drawSearch() {
    const seq = ++searchSeq;
    const q = state.q;
    const hits = await get('/search' + query({ q, limit: 50 }));
    if (seq !== searchSeq) return;  // a newer search has been typed meanwhile
    count.textContent = `${hits.length} match${hits.length === 1 ? '' : 'es'}`;
    fill(results, hits.length ? h('ul', { class: 'hits' }, hits.map(hit))
      : h('section', { class: 'empty' }, h('h2', {}, `Nothing matches '${q}'.`)));
  }

  function draw() {
    filters.hidden = !!state.q;
    if (state.q) more.hidden = true;
    return state.q ? drawSearch() : drawCards();
  }

  filters.addEventListener('change', (e) => {
    const el = e.target;
    state[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    drawCards();
  });
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = search.value.trim(); draw().catch(() => {}); }, 150);
  });

  // A first screenful comes first (a quick answer to draw), then a page more.
  const [mine] = await Promise.all([get('/assignments' + query({ person: session.me.id })), loaded.next(firstScreen)]);
  assigned = new Map(mine.map((a) => [a.recording_id, a]));
  drawFilters();
  draw();
  if (!loaded.complete) grow().catch(() => {});

  let reload = null;
  onEvent((e) => {
    if (!e.kind.startsWith('recording.') && !e.kind.startsWith('comment.') && e.kind !== 'view.changed' &&
      e.kind !== 'assignment.changed' && e.kind !== 'resync') return;
    clearTimeout(reload);
    reload = setTimeout(async () => { await reloadLoaded(); drawFilters(); if (!state.q) drawCards(); }, 300);
  });
  const key = (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); search.focus(); }
  };
  document.addEventListener('keydown', key);
  return () => {
    observer.disconnect();
    clearTimeout(reload);
    clearTimeout(typing);
    document.removeEventListener('keydown', key);
    for (const [name, fn] of Object.entries(drag)) main.removeEventListener(name, fn);
  };
}
