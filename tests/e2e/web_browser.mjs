// The web viewer in a real browser (Debian's chromium, headless, driven by playwright-core), for
// web_browser_test.cpp, which makes the library and checks what these steps did through the CLI:
//   node web_browser.mjs CONFIG.json
// CONFIG: {url, invites: {bob, carol, ann, used}, training, other, xss, screenshots?}. Prints one
// line of JSON: what each step saw ({"steps": {...}}), or {"error"} and exits 1.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { waitFor } from './browser_support.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { url } = config;
const out = {};
const xssText = '<img src=x onerror=alert(1)>';
let browser;

// How long each part took (ms), printed with the steps: the suite should take seconds.
const timing = {};
let lastMark = Date.now();
function mark(name) {
  const now = Date.now();
  timing[name] = now - lastMark;
  lastMark = now;
}

function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
}

async function shot(page, name) {
  if (!config.screenshots) return;
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${config.screenshots}/web-${name}.png` });
}

// A new person's browser: joins with their invite (the session cookie), lands where the page sends them.
async function join(invite, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.dialogs = 0;
  page.on('dialog', (d) => { page.dialogs += 1; d.dismiss(); });
  page.on('pageerror', (e) => { out.page_errors = (out.page_errors || []).concat(String(e)); });
  await page.goto(`${url}/join#${invite}`);
  await page.waitForURL((u) => !u.pathname.startsWith('/join'), { timeout: 5000 });
  return { context, page };
}

async function playToEnd(page) {
  await page.evaluate(() => {
    const v = document.querySelector('#video');
    v.muted = true;
    v.playbackRate = 2;
  });
  await page.evaluate(() => new Promise((resolve, reject) => {
    const v = document.querySelector('#video');
    v.addEventListener('ended', resolve, { once: true });
    v.play().catch(reject);
  }));
}

async function main() {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });

  mark('launch');
  // A used invite says so, and who to ask.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${url}/join#${config.invites.used}`);
    await page.getByRole('heading', { name: 'This invite no longer works' }).waitFor({ timeout: 5000 });
    out.used_invite = await page.locator('main').innerText();
    check(!page.url().includes(config.invites.used), 'the code left the address bar');
    await shot(page, 'join-expired');
    await context.close();
  }

  mark('used_invite');
  // bob joins: something is assigned to him, so he lands on My training.
  const bob = await join(config.invites.bob);
  out.bob_landed = new URL(bob.page.url()).pathname;
  await bob.page.locator('.row-item').first().waitFor();
  out.training_text = await bob.page.locator('main').innerText();
  out.bob_admin_links = await bob.page.locator('[data-admin]:visible').count();
  await shot(bob.page, 'training');
  // A member is refused an admin's action by the server, whatever the page shows.
  out.member_assign_status = await bob.page.evaluate(async (training) => (await fetch('/api/v1/assignments', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Walkthrough-CSRF': '1' },
    body: JSON.stringify({ recording: training, person: 'bob' }) })).status, config.training);

  mark('bob_join');
  // The library: cards; the XSS title shows as text and runs nothing.
  await bob.page.getByRole('link', { name: 'Library' }).click();
  await bob.page.locator('.card').first().waitFor();
  out.cards = await bob.page.locator('.card').count();
  out.xss_title_shown = await bob.page.locator('.card-title', { hasText: xssText }).count();
  out.xss_img_elements = await bob.page.locator('img[src="x"]').count();
  await shot(bob.page, 'library');

  mark('library');
  // Search as you type; a hit in a comment opens the recording at its moment.
  await bob.page.locator('#search').pressSequentially('field', { delay: 30 });
  const hitLink = bob.page.locator('.hit a', { hasText: 'in a comment' }).first();
  await hitLink.waitFor({ timeout: 3000 });
  await shot(bob.page, 'search');
  // A hit in a chapter links to its moment too.
  await bob.page.locator('#search').fill('form');
  const chapterHit = bob.page.locator('.hit a', { hasText: 'in a chapter' }).first();
  await chapterHit.waitFor({ timeout: 3000 });
  out.chapter_hit_href = await chapterHit.getAttribute('href');
  await bob.page.locator('#search').fill('field');
  await hitLink.waitFor({ timeout: 3000 });
  await hitLink.click();
  await bob.page.waitForURL(/\/r\/[0-9a-z]+\?t=/);
  out.hit_url = bob.page.url().slice(url.length);
  out.hit_time = await waitFor(() => bob.page.evaluate(() => {
    const v = document.querySelector('#video');
    return v && v.readyState >= 1 && v.currentTime > 0 ? v.currentTime : 0;
  }), 5000, 'the video at the hit moment');

  mark('search');
  // Playing the training to its end at 2x (muted) counts it as watched; leaving the page sends it.
  await bob.page.goto(`${url}/r/${config.training}`);
  await bob.page.locator('#video').waitFor();
  await bob.page.waitForFunction(() => document.querySelector('#video')?.readyState >= 1);
  await bob.page.evaluate(() => { document.querySelector('#video').currentTime = 0; });
  await playToEnd(bob.page);
  await bob.page.goto('about:blank');  // pagehide: the last stretch goes with fetch keepalive
  await bob.page.goto(`${url}/r/${config.training}`);
  out.bob_watched_label = await waitFor(async () => {
    const text = await bob.page.locator('#watched-pct').innerText();
    return text.includes('✓') ? text : null;
  }, 5000, "bob's watched mark");
  await shot(bob.page, 'watch');

  mark('play_to_end');
  // carol seeks past the middle and plays from there: her coverage stays under 90 %.
  const carol = await join(config.invites.carol);
  await carol.page.goto(`${url}/r/${config.training}`);
  await carol.page.waitForFunction(() => document.querySelector('#video')?.readyState >= 1);
  await carol.page.locator('body').press('6');  // to 60 %, as the desktop player's keys do
  await carol.page.waitForFunction(() => document.querySelector('#video')?.currentTime > 1);
  await playToEnd(carol.page);
  await carol.page.goto(`${url}/`);  // leaving the watch page sends what played
  await carol.page.locator('.card').first().waitFor();

  mark('carol_seek');
  // carol comments on the other recording; bob, who has it open, sees it within 2 s. Then an XSS
  // comment: shown as text on both pages, nothing runs.
  await bob.page.goto(`${url}/r/${config.other}`);
  await bob.page.locator('#comments').waitFor();
  await bob.page.waitForSelector('html[data-live="1"]', { timeout: 3000 });  // its event stream listens
  await carol.page.goto(`${url}/r/${config.other}`);
  await carol.page.locator('#comment-body').fill('Which form is this?');
  const posted = Date.now();
  await carol.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await bob.page.locator('.comment-body', { hasText: 'Which form is this?' }).waitFor({ timeout: 2000 });
  out.live_comment_ms = Date.now() - posted;
  await carol.page.locator('#comment-body').fill(xssText);
  await carol.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await bob.page.locator('.comment-body', { hasText: xssText }).waitFor({ timeout: 2000 });
  await carol.page.locator('.comment-body', { hasText: xssText }).waitFor({ timeout: 2000 });
  out.xss_comment_img = await bob.page.locator('img[src="x"]').count() + await carol.page.locator('img[src="x"]').count();
  // Reply and resolve, as the thread's starter.
  const thread = carol.page.locator('.thread', { hasText: 'Which form is this?' });
  await thread.getByRole('button', { name: 'Reply' }).click();
  await thread.locator('textarea').fill('The expenses form.');
  await thread.locator('form').getByRole('button', { name: 'Reply' }).click();
  await bob.page.locator('.comment-body', { hasText: 'The expenses form.' }).waitFor({ timeout: 2000 });
  await thread.getByRole('button', { name: 'Resolve' }).click();
  await bob.page.locator('.thread', { hasText: 'Which form is this?' }).getByText('Resolved by carol').waitFor({ timeout: 2000 });
  await shot(bob.page, 'comments');

  mark('comments');
  // ann (an admin) sees the admin links; her inbox has carol's comments on her recording.
  const ann = await join(config.invites.ann);
  out.ann_admin_links = await ann.page.locator('[data-admin]:visible').count();
  await ann.page.getByRole('link', { name: /^Inbox/ }).click();
  await ann.page.locator('.row-item').first().waitFor();
  out.inbox_items = await ann.page.locator('.row-item').count();
  await shot(ann.page, 'inbox');
  await ann.page.getByRole('link', { name: 'Team progress' }).click();
  await ann.page.locator('table.grid').waitFor();
  out.team_text = await ann.page.locator('table.grid').innerText();
  await shot(ann.page, 'team');
  await ann.page.getByRole('link', { name: 'People' }).click();
  await ann.page.locator('#people .row-item').first().waitFor();
  out.people_rows = await ann.page.locator('#people .row-item').count();
  out.people_revoke_buttons = await ann.page.locator('#people').getByRole('button', { name: 'Revoke' }).count();
  await shot(ann.page, 'people');
  mark('ann_pages');
  // The author (an admin) edits her recording and assigns it; a member sees neither control.
  await ann.page.goto(`${url}/r/${config.other}`);
  await ann.page.locator('#edit').click();
  await ann.page.locator('#edit-title').fill('Expense report');
  await ann.page.locator('#edit-tags').fill('finance howto');
  await ann.page.getByRole('button', { name: 'Save' }).click();
  await ann.page.locator('.watch-title', { hasText: 'Expense report' }).waitFor();
  await ann.page.locator('#assign').click();
  await ann.page.locator('#assign-person').selectOption({ label: 'carol' });
  await ann.page.locator('#assign-due').fill('2099-01-31');
  await ann.page.locator('#assign-form').getByRole('button', { name: 'Assign' }).click();
  await ann.page.getByText('Assigned to carol, due 2099-01-31.').waitFor();
  await bob.page.goto(`${url}/r/${config.other}`);
  await bob.page.locator('.watch-title', { hasText: 'Expense report' }).waitFor();
  out.member_edit_controls = await bob.page.locator('#edit:visible, #assign:visible, #share:visible').count();
  // A member who goes to an admin's page gets no controls there.
  await bob.page.goto(`${url}/people`);
  await bob.page.getByRole('heading', { name: 'For admins' }).waitFor();
  out.member_people_forms = await bob.page.locator('main form, main button').count();

  mark('edit_assign');
  // Sharing with someone outside the team: ann makes a comment link for the training; a guest opens
  // it, is asked their name (a team member's, on purpose), sees that recording only, and comments.
  await ann.page.goto(`${url}/r/${config.training}`);
  await ann.page.locator('#share').click();
  await ann.page.locator('#share-mode').selectOption('comment');
  await ann.page.locator('#share-form').getByRole('button', { name: 'Make link' }).click();
  const shareUrl = await ann.page.locator('#share-url').inputValue();
  await ann.page.locator('#share-links .share-link').first().waitFor();
  await shot(ann.page, 'share');
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const guest = await visitor.newPage();
  guest.on('pageerror', (e) => { out.page_errors = (out.page_errors || []).concat(String(e)); });
  await guest.goto(shareUrl);
  await guest.locator('#guest-name').fill('bob');
  check(!guest.url().includes('#'), 'the share code left the address bar');
  await guest.getByRole('button', { name: 'Open the recording' }).click();
  await guest.waitForURL(`${url}/r/${config.training}`, { timeout: 5000 });
  await guest.locator('#comment-body').fill('Looks clear to me');
  await guest.getByRole('button', { name: 'Comment', exact: true }).click();
  await guest.locator('.comment', { hasText: 'Looks clear to me' }).locator('.badge.guest').waitFor({ timeout: 2000 });
  out.guest_nav_visible = await guest.locator('#nav:visible, .back:visible').count();
  out.guest_controls = await guest.locator('#edit:visible, #assign:visible, #share:visible, #mark-watched:visible').count();
  await shot(guest, 'share-guest');
  await guest.goto(`${url}/`);  // the library is not theirs: back to their recording
  await guest.waitForURL(`${url}/r/${config.training}`, { timeout: 5000 });
  await visitor.close();

  mark('share');
  // Uploading a video from the library (tus-js-client from our server): it opens when done.
  await bob.page.goto(`${url}/`);
  await bob.page.locator('.card').first().waitFor();
  await bob.page.setInputFiles('#upload-file', config.upload);
  await bob.page.waitForURL(/\/r\/[0-9a-z]+$/, { timeout: 10000 });
  out.uploaded = new URL(bob.page.url()).pathname.slice(3);

  mark('upload');
  // A phone, 360 px wide: the watch page and the library have no horizontal scroll.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, storageState: await bob.context.storageState() });
  const small = await phone.newPage();
  await small.goto(`${url}/r/${config.other}`);
  await small.locator('#comments .comment').first().waitFor();
  out.phone_watch_scroll = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shot(small, 'watch-phone');
  await small.goto(`${url}/`);
  await small.locator('.card').first().waitFor();
  out.phone_library_scroll = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  mark('phone');
  out.dialogs = bob.page.dialogs + carol.page.dialogs;
  await browser.close();
  browser = null;
}

try {
  await main();
  console.log(JSON.stringify({ steps: out, timing }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e), steps: out }));
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
