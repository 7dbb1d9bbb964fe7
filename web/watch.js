// Watching a recording (/r/ID, ?t=2:13 opens at a moment): the video with our own timeline
// (chapter marks, comment markers, what I watched in green), chapters, comments by moment, watched
// % and Mark watched, and the desktop player's keys.
import { get, post, api, onEvent } from './api.js';
import { h, fill } from './dom.js';
import { moment, parseMoment, ago, percent } from './format.js';
import { session, isAdmin, toast } from './app.js';
import { PlayedStretches, progressReporter } from './coverage.js';
import { kindBadge } from './library.js';
import { canEdit, editForm, assignForm } from './details.js';
import { isGuest, guestBadge, sharePanel } from './share.js';

const speeds = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const frame = 1 / 30;

// Our recordings are H.264 with Opus sound in MP4 (High profile; imported files may differ, and
// canPlayType answers for the codec family). Chromium and Firefox play them; a browser that says ""
// to Opus in MP4 (Safari, where it is recent and unreliable) gets the server's copy with AAC sound.
const opusInMp4 = 'video/mp4; codecs="avc1.640028, opus"';

function needsAacCopy(rec) {
  return rec.audio_codec === 'opus' && document.createElement('video').canPlayType(opusInMp4) === '';
}

// The address of the AAC copy once the server has it. It is made once, on first request: until it
// is ready the server answers 503 with Retry-After, which a <video> would take for a broken file,
// so the page asks first (HEAD), telling `waiting(true)` meanwhile; `waiting` returns false once
// the page has been left (then nothing more is asked).
async function aacCopy(rec, waiting) {
  const copy = `/api/v1/recordings/${rec.id}/media?audio=aac`;
  for (;;) {
    const response = await fetch(copy, { method: 'HEAD', credentials: 'same-origin' });
    if (response.ok) { waiting(false); return copy; }
    if (response.status !== 503) {
      waiting(false);
      throw new Error(response.status === 422 ? 'This recording’s sound cannot be converted for this browser; try Chrome or Firefox.'
        : `This recording cannot be played here (the server answered ${response.status}).`);
    }
    if (!waiting(true)) return null;
    const seconds = Math.min(30, Math.max(1, Number(response.headers.get('Retry-After')) || 2));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

function myView(rec) {
  return (rec.views || []).find((v) => v.person === session.me.name && !v.guest) || null;
}

export async function watchPage(main, id) {
  let rec = await get(`/recordings/${id}`);
  let comments = await get(`/recordings/${id}/comments`);
  let view = myView(rec);
  const durationMs = () => rec.duration_ms || 1;

  const copyNeeded = needsAacCopy(rec);
  const video = h('video', { id: 'video', preload: 'metadata', playsinline: true, 'aria-label': `Video: ${rec.title}`,
    src: copyNeeded ? null : `/api/v1/recordings/${rec.id}/media` });
  const watchedLabel = h('span', { class: 'muted', id: 'watched-pct' });
  const markWatched = h('button', { type: 'button', id: 'mark-watched' }, 'Mark watched');
  const title = h('h1', { class: 'watch-title' });
  const badges = h('span', { class: 'badges' });
  const editButton = h('button', { type: 'button', id: 'edit' }, 'Edit');
  const assignButton = h('button', { type: 'button', id: 'assign' }, 'Assign…');
  const shareButton = h('button', { type: 'button', id: 'share' }, 'Share…');
  // A guest (share link): this recording only; comments when their link allows them.
  const guest = isGuest() ? session.me.guest : null;
  const panel = h('div', { class: 'panel' });

  // The timeline: watched stretches, what has played of the video now, chapter and comment marks.
  const watchedLayer = h('div', { class: 'tl-watched' });
  const playedFill = h('div', { class: 'tl-played' });
  const marks = h('div', { class: 'tl-marks' });
  const knob = h('div', { class: 'tl-knob' });
  const timeline = h('div', { class: 'timeline', role: 'slider', tabindex: 0, 'aria-label': 'Position in the video',
    'aria-valuemin': 0, 'aria-valuemax': Math.round(durationMs() / 1000), 'aria-valuenow': 0 },
  h('div', { class: 'tl-track' }, watchedLayer, playedFill), marks, knob);
  const tooltip = h('div', { class: 'tl-tip', role: 'tooltip', hidden: true });

  const playButton = h('button', { type: 'button', class: 'primary', id: 'play', 'aria-label': 'Play' }, 'Play');
  const clock = h('span', { class: 'clock', id: 'clock' }, '0:00 / ' + moment(durationMs()));
  const speed = h('select', { id: 'speed', 'aria-label': 'Speed' },
    speeds.map((s) => h('option', { value: s, selected: s === 1 }, `${s}×`)));
  const mute = h('button', { type: 'button', id: 'mute', 'aria-pressed': 'false' }, 'Mute');
  const full = h('button', { type: 'button', id: 'fullscreen' }, 'Full screen');
  const chapterNow = h('span', { class: 'chapter-now' });
  const stage = h('div', { class: 'stage' }, video);

  const chapterList = h('ol', { class: 'chapters', id: 'chapters' });
  const threads = h('div', { class: 'threads', id: 'comments' });
  const commentsCount = h('p', { class: 'muted' });
  const body = h('textarea', { id: 'comment-body', rows: 3, 'aria-label': 'Your comment', placeholder: 'Ask a question at the moment it comes up' });
  const atBox = h('input', { type: 'checkbox', id: 'comment-at', checked: true });
  const atLabel = h('span', {}, 'At 0:00 (now in the video)');
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Comment');
  const form = h('form', { class: 'comment-form', id: 'comment-form' },
    h('label', { class: 'check' }, atBox, atLabel), body, h('div', { class: 'row' }, sendButton, h('span', { class: 'muted' }, 'Ctrl+Enter')));

  fill(main,
    h('header', { class: 'watch-head' },
      guest ? null : h('a', { href: '/', class: 'back' }, '← Library'), title, badges, h('span', { class: 'grow' }), watchedLabel,
      markWatched, editButton, assignButton, shareButton),
    h('div', { class: 'watch' },
      h('section', { class: 'player', 'aria-label': 'Player' }, stage,
        h('div', { class: 'timeline-wrap' }, timeline, tooltip),
        h('div', { class: 'controls' }, playButton, clock, h('label', { class: 'field' }, h('span', { class: 'sr-only' }, 'Speed'), speed), mute, full, chapterNow),
        h('p', { class: 'keys muted' }, 'Space play/pause · ←/→ 5 s · J/L 10 s · ,/. frame · F full screen · M mute · 0–9 jump · PgUp/PgDn chapter')),
      h('aside', { class: 'side-panel' }, panel,
        h('section', { 'aria-labelledby': 'ch-head' }, h('h2', { id: 'ch-head' }, 'Chapters'), chapterList),
        h('section', { 'aria-labelledby': 'cm-head' }, h('h2', { id: 'cm-head' }, 'Comments'), commentsCount, form, threads))));

  function drawHead() {
    title.textContent = rec.title;
    document.title = `${rec.title} · walkthrough`;
    fill(badges, kindBadge(rec.kind), rec.tags.map((t) => h('span', { class: 'tag' }, `#${t}`)));
    watchedLabel.textContent = view && view.watched ? `watched ${percent(view.coverage)} ✓` : `watched ${percent(view ? view.coverage : 0)}`;
    markWatched.hidden = !!(view && view.watched) || !!guest;
    editButton.hidden = !canEdit(rec) || !!guest;
    assignButton.hidden = !isAdmin();
    shareButton.hidden = editButton.hidden;
    form.hidden = !!guest && guest.mode !== 'comment';
  }

  const closePanel = () => fill(panel);
  editButton.addEventListener('click', () => {
    fill(panel, editForm(rec, (changed) => { Object.assign(rec, changed); drawHead(); }, closePanel));
    panel.querySelector('input').focus();
  });
  shareButton.addEventListener('click', () => {
    fill(panel, sharePanel(rec, closePanel));
    panel.querySelector('select').focus();
  });
  assignButton.addEventListener('click', async () => {
    try {
      fill(panel, await assignForm(rec, closePanel));
      panel.querySelector('select').focus();
    } catch (err) { toast(err.message); }
  });

  function place(el, ms) {
    el.style.left = `${Math.min(100, (ms / durationMs()) * 100)}%`;
    return el;
  }

  function drawWatched() {
    fill(watchedLayer, ((view && view.intervals) || []).map((i) => {
      const el = place(h('div', { class: 'tl-stretch' }), i.start_ms);
      el.style.width = `${((i.end_ms - i.start_ms) / durationMs()) * 100}%`;
      return el;
    }));
  }

  function drawMarks() {
    const chapterMarks = (rec.chapters || []).map((c) => place(h('button', { type: 'button', class: 'mark chapter-mark', tabindex: -1,
      'aria-label': `Chapter ${c.at}: ${c.title}`, onclick: (e) => { e.stopPropagation(); seek(c.at_ms / 1000); },
      dataset: { tip: `${c.at} ${c.title}` } }), c.at_ms));
    const commentMarks = comments.filter((c) => c.parent_id === null && c.at_ms !== null).map((c) =>
      place(h('button', { type: 'button', class: `mark comment-mark${c.resolved_at ? ' resolved' : ''}`, tabindex: -1,
        'aria-label': `Comment at ${moment(c.at_ms)} by ${c.author}`, onclick: (e) => { e.stopPropagation(); seek(c.at_ms / 1000); },
        dataset: { tip: `${moment(c.at_ms)} ${c.author}: ${c.body}` } }), c.at_ms));
    fill(marks, chapterMarks, commentMarks);
  }

  function drawChapters() {
    const list = rec.chapters || [];
    fill(chapterList, list.length ? list.map((c) => h('li', {},
      h('button', { type: 'button', class: 'moment', onclick: () => seek(c.at_ms / 1000), 'aria-label': `Go to ${c.at}` }, moment(c.at_ms)),
      h('span', { class: 'chapter-title' }, c.title)))
      : h('li', { class: 'muted' }, 'No chapters.'));
  }

  function canResolve(root) {
    if (guest) return false;
    return isAdmin() || (root.author === session.me.name && !root.author_guest) || rec.author === session.me.name;
  }

  function commentEl(c, root) {
    const actions = h('div', { class: 'row' });
    const el = h('article', { class: c.parent_id ? 'comment reply' : 'comment', id: `c-${c.id}` },
      h('p', { class: 'comment-head' },
        c.at_ms !== null ? h('button', { type: 'button', class: 'moment', onclick: () => seek(c.at_ms / 1000),
          'aria-label': `Go to ${moment(c.at_ms)}` }, moment(c.at_ms)) : null,
        h('span', { class: c.author === rec.author && !c.author_guest ? 'author accent' : 'author warn' }, c.author),
        c.author_guest ? guestBadge() : null,
        h('span', { class: 'muted' }, ago(c.created_at))),
      h('p', { class: 'comment-body' }, c.body), actions);
    if (!c.parent_id) {
      if (!guest || guest.mode === 'comment') actions.append(h('button', { type: 'button', onclick: () => replyTo(root, el) }, 'Reply'));
      if (c.resolved_at) actions.append(h('span', { class: 'good' }, `Resolved by ${c.resolved_by}`));
      else if (canResolve(root)) actions.append(h('button', { type: 'button', onclick: () => resolve(root) }, 'Resolve'));
    }
    return el;
  }

  function drawComments() {
    const roots = comments.filter((c) => c.parent_id === null);
    const open = roots.filter((c) => !c.resolved_at).length;
    commentsCount.textContent = comments.length ? `${comments.length} · ${open} open` : '';
    if (!comments.length) {
      fill(threads, h('p', { class: 'muted' }, 'No comments yet. Ask a question at the moment it comes up.'));
      return;
    }
    fill(threads, roots.map((root) => h('div', { class: `thread${root.resolved_at ? ' resolved' : ''}` },
      commentEl(root, root), comments.filter((c) => c.thread_id === root.id && c.id !== root.id).map((c) => commentEl(c, root)))));
  }

  function replyTo(root, el) {
    if (el.querySelector('form')) return;
    const text = h('textarea', { rows: 2, 'aria-label': `Reply to ${root.author}` });
    const f = h('form', { class: 'reply-form' }, text, h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Reply'),
      h('button', { type: 'button', onclick: () => f.remove() }, 'Cancel')));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      try {
        const c = await post(`/recordings/${rec.id}/comments`, { body: text.value, reply_to: root.id });
        comments.push(c);
        drawComments();
      } catch (err) { toast(err.message); }
    });
    text.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) f.requestSubmit(); });
    el.append(f);
    text.focus();
  }

  async function resolve(root) {
    try {
      await post(`/comments/${root.id}/resolve`);
      await reloadComments();
    } catch (err) { toast(err.message); }
  }

  async function reloadComments() {
    comments = await get(`/recordings/${rec.id}/comments`);
    drawComments();
    drawMarks();
  }

  async function reloadRecording() {
    rec = await get(`/recordings/${rec.id}`);
    view = myView(rec);
    drawHead(); drawWatched(); drawMarks(); drawChapters();
  }

  function seek(seconds) {
    const d = Number.isFinite(video.duration) ? video.duration : durationMs() / 1000;
    video.currentTime = Math.max(0, Math.min(d, seconds));
  }

  function chapterAt(ms) {
    let now = null;
    for (const c of rec.chapters || []) if (c.at_ms <= ms) now = c;
    return now;
  }

  function tick() {
    const ms = video.currentTime * 1000;
    playedFill.style.width = `${Math.min(100, (ms / durationMs()) * 100)}%`;
    place(knob, ms);
    clock.textContent = `${moment(ms)} / ${moment(durationMs())}`;
    timeline.setAttribute('aria-valuenow', String(Math.floor(video.currentTime)));
    timeline.setAttribute('aria-valuetext', moment(ms));
    atLabel.textContent = `At ${moment(ms)} (now in the video)`;
    const c = chapterAt(ms);
    chapterNow.textContent = c ? c.title : '';
  }

  // The timeline: click or drag to seek; hovering a mark shows its chapter or comment.
  function fraction(e) {
    const box = timeline.getBoundingClientRect();
    return Math.max(0, Math.min(1, (e.clientX - box.left) / box.width));
  }
  let dragging = false;
  timeline.addEventListener('pointerdown', (e) => {
    dragging = true;
    timeline.setPointerCapture(e.pointerId);
    seek(fraction(e) * durationMs() / 1000);
  });
  timeline.addEventListener('pointermove', (e) => {
    if (dragging) seek(fraction(e) * durationMs() / 1000);
    const mark = e.target.closest('.mark');
    tooltip.hidden = !mark;
    if (mark) {
      tooltip.textContent = mark.dataset.tip;
      tooltip.style.left = `${fraction(e) * 100}%`;
    }
  });
  timeline.addEventListener('pointerup', () => { dragging = false; });
  timeline.addEventListener('pointerleave', () => { tooltip.hidden = true; });

  playButton.addEventListener('click', () => togglePlay());
  speed.addEventListener('change', () => { video.playbackRate = Number(speed.value); });
  mute.addEventListener('click', () => { video.muted = !video.muted; });
  full.addEventListener('click', () => toggleFullscreen());
  video.addEventListener('click', () => togglePlay());
  video.addEventListener('play', () => { playButton.textContent = 'Pause'; playButton.setAttribute('aria-label', 'Pause'); });
  video.addEventListener('pause', () => { playButton.textContent = 'Play'; playButton.setAttribute('aria-label', 'Play'); });
  video.addEventListener('volumechange', () => {
    mute.setAttribute('aria-pressed', String(video.muted));
    mute.textContent = video.muted ? 'Unmute' : 'Mute';
  });
  video.addEventListener('timeupdate', tick);
  video.addEventListener('seeked', tick);
  video.addEventListener('error', () => toast('This recording cannot be played in this browser.'));

  function togglePlay() {
    if (video.paused || video.ended) video.play().catch(() => {});
    else video.pause();
  }
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else stage.requestFullscreen().catch(() => {});
  }
  function jumpChapter(step) {
    const ms = video.currentTime * 1000;
    const list = rec.chapters || [];
    if (step > 0) {
      const next = list.find((c) => c.at_ms > ms + 250);
      if (next) seek(next.at_ms / 1000);
    } else {
      const prev = [...list].reverse().find((c) => c.at_ms < ms - 1500);
      seek(prev ? prev.at_ms / 1000 : 0);
    }
  }

  const keys = (e) => {
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    const actions = {
      ' ': () => togglePlay(), k: () => togglePlay(),
      ArrowLeft: () => seek(video.currentTime - 5), ArrowRight: () => seek(video.currentTime + 5),
      j: () => seek(video.currentTime - 10), l: () => seek(video.currentTime + 10),
      ',': () => { video.pause(); seek(video.currentTime - frame); }, '.': () => { video.pause(); seek(video.currentTime + frame); },
      f: () => toggleFullscreen(), m: () => { video.muted = !video.muted; },
      PageUp: () => jumpChapter(-1), PageDown: () => jumpChapter(1),
    };
    let act = actions[k] || actions[k.toLowerCase()];
    if (!act && /^[0-9]$/.test(k)) act = () => seek((Number(k) / 10) * durationMs() / 1000);
    if (!act) return;
    if (k === ' ' && e.target.closest('button, a')) return;  // space presses a focused button
    e.preventDefault();
    act();
  };
  document.addEventListener('keydown', keys);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!body.value.trim()) { body.focus(); return; }
    const payload = { body: body.value };
    if (atBox.checked) payload.at_ms = Math.min(Math.floor(video.currentTime * 1000), durationMs() - 1);
    try {
      const c = await post(`/recordings/${rec.id}/comments`, payload);
      body.value = '';
      comments.push(c);
      drawComments();
      drawMarks();
    } catch (err) { toast(err.message); }
  });
  body.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });

  markWatched.addEventListener('click', async () => {
    try {
      view = await post(`/recordings/${rec.id}/watched`);
      drawHead();
    } catch (err) { toast(err.message); }
  });

  // What played goes to the server every ~10 s and when the page is left; its answer is my view.
  const report = progressReporter(rec.id);
  const tracker = new PlayedStretches(video, async (intervals, opts) => {
    const v = await report(intervals, opts);
    if (v) { view = v; drawHead(); drawWatched(); }
    return v;
  });

  // Where to start: the moment asked for (?t=2:13), else where I left off (unless at the end).
  const asked = parseMoment(new URLSearchParams(location.search).get('t'));
  let start = asked !== null ? asked : (view ? view.last_position_ms : 0);
  if (asked === null && start >= durationMs() - 1000) start = 0;
  video.addEventListener('loadedmetadata', () => { if (start > 0) seek(start / 1000); tick(); }, { once: true });

  // A guest has no live events (the server gives them none): their page shows what it loaded.
  if (!guest) onEvent((e) => {
    if (e.recording_id !== rec.id && e.kind !== 'resync') return;
    if (e.kind.startsWith('comment.') || e.kind === 'resync') reloadComments().catch(() => {});
    if (e.kind === 'recording.changed' || e.kind === 'resync' || (e.kind === 'view.changed' && e.person === session.me.name)) {
      reloadRecording().catch(() => {});
    }
    if (e.kind === 'recording.deleted') toast('This recording has been deleted.');
  });

  drawHead(); drawWatched(); drawMarks(); drawChapters(); drawComments(); tick();
  let left = false;
  if (copyNeeded) {
    const preparing = h('p', { class: 'preparing muted', role: 'status' }, 'Preparing this video for your browser…');
    aacCopy(rec, (waiting) => {
      if (waiting && !preparing.isConnected) stage.append(preparing);
      if (!waiting) preparing.remove();
      return !left;
    }).then((src) => { if (src && !left) video.src = src; })
      .catch((err) => { preparing.remove(); if (!left) toast(err.message); });
  }
  return () => {
    left = true;
    document.removeEventListener('keydown', keys);
    tracker.stop();
    video.pause();
    video.removeAttribute('src');
    video.load();
  };
}
