// What really played: stretches of media time the video went through while playing, never the
// jumps of seeking, nothing while paused or buffering, at any speed. They are reported to the
// server (POST /recordings/ID/progress), which merges them as the desktop app's are; so only a
// recording played through counts as watched, and seeking to its end does not.
import { api } from './api.js';

export class PlayedStretches {
  // `report(intervals, {keepalive})` sends [[from_ms, to_ms], ...] and gives the server's view.
  constructor(video, report, { everyMs = 10000 } = {}) {
    this.video = video;
    this.report = report;
    this.done = [];     // closed stretches not yet sent
    this.run = null;    // the stretch playing now: {from, to} in seconds
    this.wall = 0;      // performance.now() at run.to
    this.sending = null;
    const on = (name, fn) => video.addEventListener(name, fn);
    on('playing', () => this.start());
    on('seeked', () => { this.close(); if (!video.paused) this.start(); });
    on('seeking', () => this.close());
    on('pause', () => this.advance(true));
    on('waiting', () => this.advance(true));
    on('ended', () => this.advance(true, true));
    on('timeupdate', () => this.advance(false));
    this.timer = setInterval(() => this.flush(), everyMs);
    this.onHide = () => { if (document.visibilityState === 'hidden') this.flush({ keepalive: true }); };
    this.onPageHide = () => this.flush({ keepalive: true });
    document.addEventListener('visibilitychange', this.onHide);
    window.addEventListener('pagehide', this.onPageHide);
  }

  start() {
    if (this.video.seeking) return;
    const t = this.video.currentTime;
    this.run = { from: t, to: t };
    this.wall = performance.now();
  }

  // Moves the playing stretch on to where the video is now, if it got there by playing: not
  // further than the wall-clock time since the last step at this speed (plus a little), and not
  // backwards. A jump (a seek) closes it. `stop`: the video has stopped playing (paused, stalled,
  // ended): the stretch closes here.
  advance(stop, ended = false) {
    const v = this.video;
    if (this.run && !v.seeking) {
      const now = performance.now();
      const t = ended && Number.isFinite(v.duration) ? v.duration : v.currentTime;
      const reach = ((now - this.wall) / 1000) * Math.max(v.playbackRate, 0.0625) + 0.35;
      if (t >= this.run.to && t - this.run.to <= reach) {
        this.run.to = t;
        this.wall = now;
      } else {
        this.close();
        if (!stop && !v.paused) this.start();
        return;
      }
    }
    if (stop) this.close();
    else if (!this.run && !v.paused && !v.seeking && v.readyState >= 3) this.start();
  }

  close() {
    if (this.run && this.run.to > this.run.from) this.done.push([this.run.from, this.run.to]);
    this.run = null;
  }

  // Sends what played since the last report; the stretch playing now goes too, and goes on.
  flush({ keepalive = false } = {}) {
    const stretches = this.done.splice(0);
    if (this.run && this.run.to > this.run.from) {
      stretches.push([this.run.from, this.run.to]);
      this.run.from = this.run.to;
    }
    const intervals = stretches.map(([a, b]) => [Math.floor(a * 1000), Math.ceil(b * 1000)])
      .filter(([a, b]) => b > a).slice(-100);
    if (!intervals.length) return Promise.resolve(null);
    return this.report(intervals, { keepalive }).catch(() => {
      this.done.unshift(...intervals.map(([a, b]) => [a / 1000, b / 1000]));  // sent again next time
      return null;
    });
  }

  stop() {
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onHide);
    window.removeEventListener('pagehide', this.onPageHide);
    this.advance(true);
    return this.flush({ keepalive: true });
  }
}

export function progressReporter(recordingId) {
  return (intervals, { keepalive }) =>
    api('POST', `/recordings/${recordingId}/progress`, { intervals }, { keepalive });
}
