// web/coverage.js without a browser: a scripted <video> (events and times) and a scripted clock
// check which media time counts as played: playing at any speed does, seeking, pausing and
// buffering do not, and the end of a recording played through is reached.
//   node --test tests/unit/web_coverage_test.mjs   (CTest: web_coverage_test, label unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';

let wall = 0;
globalThis.performance = { now: () => wall };
globalThis.document = new EventTarget();
globalThis.document.visibilityState = 'visible';
globalThis.window = new EventTarget();
const { PlayedStretches } = await import('../../web/coverage.js');

class FakeVideo extends EventTarget {
  constructor(duration) {
    super();
    Object.assign(this, { duration, currentTime: 0, paused: true, seeking: false, playbackRate: 1, readyState: 4 });
  }
  emit(name) { this.dispatchEvent(new Event(name)); }
  play() { this.paused = false; this.emit('play'); this.emit('playing'); }
  pause() { this.paused = true; this.emit('pause'); }
  // Plays for `seconds` of wall time in steps of 250 ms (timeupdate as browsers send it).
  run(seconds) {
    for (let t = 0; t < seconds - 1e-9; t += 0.25) {
      wall += 250;
      this.currentTime = Math.min(this.duration, this.currentTime + 0.25 * this.playbackRate);
      this.emit('timeupdate');
    }
  }
  seek(to) {
    this.seeking = true;
    this.emit('seeking');
    this.currentTime = to;
    this.emit('timeupdate');
    wall += 100;
    this.seeking = false;
    this.emit('seeked');
  }
  end() { this.currentTime = this.duration; this.paused = true; this.emit('timeupdate'); this.emit('pause'); this.emit('ended'); }
}

function tracked(video) {
  const sent = [];
  const t = new PlayedStretches(video, async (intervals, opts) => { sent.push({ intervals, opts }); return {}; }, { everyMs: 1e9 });
  return { t, sent, all: () => sent.flatMap((s) => s.intervals) };
}

test('playing at 2x counts the media time that played, to the end', async () => {
  const v = new FakeVideo(6);
  const { t, all } = tracked(v);
  v.playbackRate = 2;
  v.play();
  v.run(2.9);
  v.end();
  await t.flush();
  t.stop();
  assert.deepEqual(all(), [[0, 6000]]);
});

test('a seek is a jump, not played time: only the stretches around it count', async () => {
  const v = new FakeVideo(10);
  const { t, all } = tracked(v);
  v.play();
  v.run(2);
  v.seek(8);
  v.run(1);
  await t.flush();
  t.stop();
  assert.deepEqual(all(), [[0, 2000], [8000, 9000]]);
});

test('a jump without seeking events (currentTime moves further than the clock allows) is not counted', async () => {
  const v = new FakeVideo(10);
  const { t, all } = tracked(v);
  v.play();
  v.run(1);
  wall += 250;
  v.currentTime = 7;  // far past what 250 ms of playing reaches
  v.emit('timeupdate');
  v.run(1);
  await t.flush();
  t.stop();
  assert.deepEqual(all(), [[0, 1000], [7000, 8000]]);
});

test('nothing counts while paused or buffering', async () => {
  const v = new FakeVideo(10);
  const { t, all } = tracked(v);
  v.play();
  v.run(1);
  v.pause();
  wall += 5000;  // paused for 5 s
  v.emit('timeupdate');
  v.play();
  v.run(1);
  v.emit('waiting');  // buffering: the clock runs, the video does not
  wall += 3000;
  v.emit('timeupdate');
  v.emit('playing');
  v.run(1);
  await t.flush();
  t.stop();
  assert.deepEqual(all(), [[0, 1000], [1000, 2000], [2000, 3000]]);
});

test('reports go out as they come, the stretch playing now goes on, and a failed report is sent again', async () => {
  const v = new FakeVideo(10);
  let fail = true;
  const sent = [];
  const t = new PlayedStretches(v, async (intervals) => {
    if (fail) throw new Error('offline');
    sent.push(intervals);
    return {};
  }, { everyMs: 1e9 });
  v.play();
  v.run(1);
  await t.flush();  // fails: kept
  fail = false;
  v.run(1);
  await t.flush();
  v.run(1);
  await t.flush();
  t.stop();
  assert.deepEqual(sent, [[[0, 1000], [1000, 2000]], [[2000, 3000]]]);
});

test('hiding the page sends what played with keepalive', async () => {
  const v = new FakeVideo(10);
  const { t, sent } = tracked(v);
  v.play();
  v.run(1);
  document.visibilityState = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
  document.visibilityState = 'visible';
  await new Promise((r) => setTimeout(r, 0));
  t.stop();
  assert.equal(sent[0].opts.keepalive, true);
  assert.deepEqual(sent[0].intervals, [[0, 1000]]);
});
