// The library past its first page, in chromium, for web_library_pages_test.cpp (which makes a
// library of more than 1000 recordings and checks what these steps saw):
//   node web_library_pages.mjs CONFIG.json
// CONFIG: {url, invites: {first, second, third}, watched_id}. Prints {"steps": {...}} or {"error"}.
import { readFileSync } from 'node:fs';
import { join, run, waitFor } from './browser_support.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { url } = config;
const errors = [];

const cards = (page) => page.locator('.card').count();
const titles = (page) => page.locator('.card-title').allInnerTexts();

// Waits until the number of cards stops changing (pages come one after another).
async function settled(page) {
  let last = -1;
  for (;;) {
    await page.waitForTimeout(400);
    const n = await cards(page);
    if (n === last) return n;
    last = n;
  }
}

await run(async (browser, out) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await join(context, url, config.invites.first, errors);
  // The oldest recording, far past the first page, is one I watched.
  out.watched_status = await page.evaluate(async (id) => (await fetch(`/api/v1/recordings/${id}/watched`, {
    method: 'POST', headers: { 'X-Walkthrough-CSRF': '1' } })).status, config.watched_id);
  await page.goto(`${url}/`);
  await page.locator('.card').first().waitFor();
  // A first screenful, then one page more; the rest waits for the person to get near the end.
  out.cards_first = await settled(page);
  out.count_first = await page.locator('#lib-count').innerText();
  // "Show more" by keyboard (focused without scrolling to it: the key alone brings the page).
  await page.evaluate(() => document.querySelector('#show-more').focus({ preventScroll: true }));
  out.show_more_focused = await page.evaluate(() => document.activeElement.id);
  await page.keyboard.press('Enter');
  await waitFor(async () => (await cards(page)) > out.cards_first, 5000, 'Show more brought no cards');
  out.cards_after_button = await settled(page);
  // Scrolling to the end brings the rest.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await waitFor(async () => page.locator('#show-more').isHidden(), 10000, 'the last page never came');
  out.cards_all = await settled(page);
  const all = await titles(page);
  out.distinct_titles = new Set(all).size;
  out.last_title = all[all.length - 1];
  out.count_all = await page.locator('#lib-count').innerText();
  // Filters over every page: training only, then only what I have not watched.
  await page.selectOption('select[name="kind"]', 'training');
  out.training_cards = await cards(page);
  await page.locator('input[name="unwatched"]').check();
  out.unwatched_training_cards = await cards(page);
  out.unwatched_has_watched = (await titles(page)).includes(all[all.length - 1]);
  await context.close();

  // Fresh: a filter set on the first pages goes on over the next ones as the person scrolls to
  // the end of what it shows; oldest first needs every page, and gets them without scrolling.
  async function fresh(invite, name, value) {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await join(other, url, invite, errors);
    await p.goto(`${url}/`);
    await p.locator('.card').first().waitFor();
    await p.selectOption(`select[name="${name}"]`, value);
    await waitFor(async () => {
      if (name !== 'sort') await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      return p.locator('#show-more').isHidden();
    }, 15000, `${name} ${value} never had every page`);
    const shown = { cards: await settled(p), first: (await titles(p))[0] };
    await other.close();
    return shown;
  }
  out.fresh_training_cards = (await fresh(config.invites.second, 'kind', 'training')).cards;
  const oldest = await fresh(config.invites.third, 'sort', 'oldest');
  out.oldest_first_cards = oldest.cards;
  out.oldest_first_title = oldest.first;
  if (errors.length) out.page_errors = errors;
});
