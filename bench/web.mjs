// The web viewer's timings in Chromium on loopback, for bench/web (which makes the library and
// starts the server): node bench/web.mjs URL INVITE_CODE RECORDING_ID LONG_RECORDING_ID
// Prints one line of JSON: library page to first cards painted, watch page to the video's first
// `playing`, first frame after a seek to a random moment (20 seeks, on the long screen recording and
// on the synthetic clip), and the media bytes of one full watch of the long recording played at 16x
// (the fastest a browser plays), counted by bench/web.
import { chromium } from 'playwright-core';

const [url, code, id, longId] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The page's own clock: when the first card was painted, when the video first played.
  await context.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('.card')) {
        requestAnimationFrame(() => { window.__firstCards = performance.now(); });
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener('loadedmetadata', (e) => { e.target.muted = true; e.target.play().catch(() => {}); }, true);
    document.addEventListener('playing', () => { if (!window.__playing) window.__playing = performance.now(); }, true);
  });
  const page = await context.newPage();
  await page.goto(`${url}/join#${code}`);
  await page.waitForURL((u) => !u.pathname.startsWith('/join'));

  const library = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${url}/`);
    library.push(await page.waitForFunction(() => window.__firstCards, null, { timeout: 30000 }).then((h) => h.jsonValue()));
  }
  const playing = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${url}/r/${id}`);
    playing.push(await page.waitForFunction(() => window.__playing, null, { timeout: 30000 }).then((h) => h.jsonValue()));
  }
  // Seeks: paused, to a random moment, until the frame there is presented; on the synthetic clip
  // (every pixel moves in every frame: the decoder's worst case) and on the long screen recording.
  const seekTimes = () => page.evaluate(async () => {
    const v = document.querySelector('#video');
    if (v.readyState < 1) await new Promise((resolve) => v.addEventListener('loadedmetadata', resolve, { once: true }));
    v.pause();
    const out = [];
    for (let i = 0; i < 20; i++) {
      const to = Math.random() * (v.duration - 1);
      const t0 = performance.now();
      await new Promise((resolve) => {
        v.requestVideoFrameCallback(() => resolve());
        v.currentTime = to;
      });
      out.push(performance.now() - t0);
    }
    return out;
  });
  const syntheticSeeks = await seekTimes();
  await page.goto(`${url}/r/${longId}`);
  await page.waitForSelector('#video');
  const seeks = await seekTimes();
  // One full watch from the start, in a fresh context (an empty cache: the seeks above loaded parts
  // of the same file) signed in as the same person; what the server sent from `started_at` on is
  // counted from its log by bench/web (Chrome's own counters do not cover media loads reliably).
  const watching = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await watching.addCookies(await context.cookies());
  const watchPage = await watching.newPage();
  const startedAt = new Date().toISOString();
  await watchPage.goto(`${url}/r/${longId}?t=0`);
  await watchPage.waitForSelector('#video');  // the page builds the player once the recording's details came
  const played = await watchPage.evaluate(() => new Promise((resolve) => {
    const v = document.querySelector('#video');
    v.playbackRate = 16;
    v.addEventListener('ended', () => resolve(v.duration), { once: true });
    v.play();
  }));
  console.log(JSON.stringify({
    library_first_cards_ms: { median: median(library), all: library },
    watch_first_playing_ms: { median: median(playing), all: playing },
    seek_first_frame_ms: { median: median(seeks), p95: p95(seeks) },
    seek_synthetic_first_frame_ms: { median: median(syntheticSeeks), p95: p95(syntheticSeeks) },
    full_watch: { duration_s: played, started_at: startedAt },
  }));
} finally {
  await browser.close();
}
