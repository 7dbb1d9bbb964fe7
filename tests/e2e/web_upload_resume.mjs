// An upload from the browser cut off part way and resumed, in chromium, for
// web_upload_resume_test.cpp (which checks through the CLI that one complete recording arrived):
//   node web_upload_resume.mjs CONFIG.json
// CONFIG: {url, invite, file}. The file is bigger than the page's 8 MB chunks: the first PATCH goes
// through, the second is cut by the network and the tab is closed; a new tab given the same file
// goes on from the server's offset (tus-js-client's stored fingerprint). Then the recording is
// watched as Safari would: with canPlayType saying "" to Opus in MP4, the page plays the AAC copy.
// Prints {"steps": {...}} or {"error"}.
import { readFileSync } from 'node:fs';
import { join, run, waitFor } from './browser_support.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { url } = config;
const errors = [];

// Records the tus requests a page makes: POSTs (new uploads) and each PATCH's Upload-Offset.
function watchUploads(page, seen) {
  page.on('request', (req) => {
    if (!req.url().includes('/api/v1/uploads')) return;
    if (req.method() === 'POST') seen.posts += 1;
    if (req.method() === 'PATCH') seen.patch_offsets.push(Number(req.headers()['upload-offset']));
  });
  page.on('response', (res) => {
    if (res.request().method() === 'POST' && res.url().endsWith('/api/v1/uploads')) seen.location = res.headers().location;
  });
}

await run(async (browser, out) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await join(context, url, config.invite, errors);
  await page.goto(`${url}/`);
  await page.locator('#upload').waitFor();

  // The network goes away for any PATCH past the first chunk, and the person closes the tab.
  const first = { posts: 0, patch_offsets: [] };
  watchUploads(page, first);
  let cutAt = null;
  await context.route('**/api/v1/uploads/*', async (route) => {
    const req = route.request();
    const offset = Number(req.headers()['upload-offset'] || 0);
    if (req.method() === 'PATCH' && offset > 0) {
      if (cutAt === null) cutAt = offset;
      await route.abort('internetdisconnected');
      return;
    }
    await route.continue();
  });
  await page.setInputFiles('#upload-file', config.file);
  await waitFor(() => cutAt !== null, 20000, 'the upload never reached its second chunk');
  await page.close();
  await context.unroute('**/api/v1/uploads/*');
  out.cut_at = cutAt;
  out.first_posts = first.posts;
  // What the server kept of it.
  const head = await context.request.fetch(first.location, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  out.server_offset_after_cut = Number(head.headers()['upload-offset']);
  out.server_length = Number(head.headers()['upload-length']);
  out.recording_before_resume = head.headers()['walkthrough-recording'] || null;

  // A new tab, the same file: it goes on where the server is.
  const again = await context.newPage();
  again.on('pageerror', (e) => errors.push(String(e)));
  const second = { posts: 0, patch_offsets: [] };
  watchUploads(again, second);
  await again.goto(`${url}/`);
  await again.locator('#upload').waitFor();
  await again.setInputFiles('#upload-file', config.file);
  await again.waitForURL(/\/r\/[0-9a-z]+$/, { timeout: 20000 });
  out.recording = new URL(again.url()).pathname.slice(3);
  out.second_posts = second.posts;
  out.resumed_offsets = second.patch_offsets;

  // Watched as in Safari, in a tab of its own: Opus in MP4 is "" to canPlayType, so the page waits
  // for the AAC copy.
  const safari = await context.newPage();
  safari.on('pageerror', (e) => errors.push(String(e)));
  await safari.addInitScript(() => {
    const real = HTMLMediaElement.prototype.canPlayType;
    HTMLMediaElement.prototype.canPlayType = function canPlayType(type) {
      return /opus/i.test(type) ? '' : real.call(this, type);
    };
  });
  const media = [];
  safari.on('response', (res) => {
    if (res.url().includes('/media')) media.push({ query: new URL(res.url()).search, status: res.status() });
  });
  await safari.goto(`${url}/r/${out.recording}`);
  await waitFor(() => safari.evaluate(() => {
    const v = document.querySelector('#video');
    return v && v.readyState >= 1 && v.currentSrc;
  }), 20000, 'the AAC copy never played');
  out.aac_src = await safari.evaluate(() => new URL(document.querySelector('#video').currentSrc).search);
  out.aac_duration = await safari.evaluate(() => document.querySelector('#video').duration);
  out.aac_answers = media.filter((m) => m.query === '?audio=aac').map((m) => m.status);
  out.original_asked = media.some((m) => m.query === '');
  await context.close();
  if (errors.length) out.page_errors = errors;
});
