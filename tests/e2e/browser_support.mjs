// What the browser scripts share (web_library_pages.mjs, web_upload_resume.mjs): Debian's chromium
// started headless by playwright-core (no browser download), a person joining with an invite, and
// waiting for a condition the page reaches by itself.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

// A new page in `context` signed in with `invite` (the session cookie), once the join page has sent it on.
export async function join(context, url, invite, errors) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/join#${invite}`);
  await page.waitForURL((u) => !u.pathname.startsWith('/join'), { timeout: 5000 });
  return page;
}

export async function waitFor(fn, limitMs, what) {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Runs `steps(out)` and prints {"steps": out} as one line of JSON, or {"error"} and exits 1.
export async function run(steps) {
  const out = {};
  let browser;
  try {
    browser = await launch();
    await steps(browser, out);
    console.log(JSON.stringify({ steps: out }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e.stack || e), steps: out }));
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
  }
}
