/**
 * The web app end to end in Debian's Chromium against a real server on a fresh SQLite database:
 * A (phone, 390 px) and B (desktop, 1280 px) sign up; A posts a 3-photo carousel with a caption and
 * a place, and a video story; B finds and follows A, pages the carousel, likes and comments; A
 * replies; B watches A's story and A sees B among the viewers; A goes private and approves C's
 * request. Screens are checked with axe and photographed at both widths into test-results/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { makeVideo, tempDir } from '../helpers/media-fixtures.js';
import { launchChromium } from './chromium.js';
import { expectNoSeriousA11yViolations } from './web-app.js';
import { freePort } from '../helpers/server-process.js';

const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'test-results', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let t: TestApp;
let browser: Browser;
let origin: string;
let media: { dir: string; cleanup: () => Promise<void> };
const contexts: BrowserContext[] = [];

/** A free port, so PUBLIC_URL (the origin media URLs are built on) is known before listening. */

/** A colourful photo with a label, so screenshots show which slide is which. */
function photo(label: string, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1080">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},80%,60%)"/><stop offset="1" stop-color="hsl(${hue + 60},80%,40%)"/>
    </linearGradient></defs>
    <rect width="1080" height="1080" fill="url(#g)"/>
    <circle cx="780" cy="300" r="140" fill="hsl(${hue + 30},90%,85%)"/>
    <text x="80" y="960" font-size="120" font-family="sans-serif" fill="#fff">${label}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

before(async () => {
  // The same build `npm start` serves (rebuilt only when web/ changed).
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/build-web-if-stale.ts')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PUBLIC_URL: origin, WEB_DIST_DIR: path.join(root, 'web/dist') },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
  media = await tempDir();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
  await media?.cleanup();
});

async function person(viewport: { width: number; height: number }): Promise<Page> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    viewport,
    hasTouch: phone,
    isMobile: phone,
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  return page;
}

async function signUp(page: Page, username: string, name: string) {
  await page.goto(`${origin}/signup`);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** The screen at both widths, named e.g. home-390.png and home-1280.png. */
async function photograph(page: Page, name: string) {
  const original = page.viewportSize();
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    // From the top of the screen: a resize keeps the scroll position the other width had.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shots, `${name}-${size.width}.png`) });
  }
  if (original) await page.setViewportSize(original);
}

test('two people use Photogram in the browser, end to end', async (journey) => {
  const a = await person(PHONE);
  const b = await person(DESKTOP);
  let c: Page;

  await journey.test('sign-up errors show the server detail by the field', async () => {
    await a.goto(`${origin}/signup`);
    await a.getByLabel('Email').fill('not-an-email');
    await a.getByLabel('Username').fill('bad name!');
    await a.getByLabel('Password').fill('short');
    await a.getByRole('button', { name: 'Sign up' }).click();
    await a.locator('#auth-username-error').waitFor();
    await photograph(a, 'signup-errors');
  });

  await signUp(a, 'alice', 'Alice Liddell');
  await signUp(b, 'bob', 'Bob Builder');

  let postUrl = '';
  await journey.test('A posts a 3-photo carousel with a caption and a location', async () => {
    await a.goto(`${origin}/create`);
    const files = await Promise.all(
      ['One', 'Two', 'Three'].map(async (label, i) => ({
        name: `${label.toLowerCase()}.jpg`,
        mimeType: 'image/jpeg',
        buffer: await photo(label, i * 110),
      })),
    );
    await a.locator('#composer-files').setInputFiles(files);
    await a.getByText('Uploaded').nth(2).waitFor();
    await a.getByLabel('Caption').fill('Golden hour at the pier #sunset #Beach');
    await a.getByText('38 / 2,200').waitFor();
    await a.getByLabel('Location').fill('Santa Monica Pier');
    await a.getByRole('button', { name: 'Add “Santa Monica Pier” as a new place' }).click();
    await a.getByText('Santa Monica Pier', { exact: true }).waitFor();
    await expectNoSeriousA11yViolations(a, 'composer');
    await photograph(a, 'composer');
    await a.getByRole('button', { name: 'Share', exact: true }).click();
    await a.waitForURL(/\/p\/\w+/);
    postUrl = a.url();
    await a.getByRole('link', { name: '#sunset' }).waitFor();
  });

  await journey.test('A adds a video story', async () => {
    await a.goto(`${origin}/create/story`);
    const video = await makeVideo(media.dir, 'story.mp4', {
      container: 'mp4',
      seconds: 2,
      size: '360x640',
    });
    await a.locator('#composer-files').setInputFiles(video);
    // A story's file is uploaded on Share (with its alt text), and the video processed then.
    await a.getByRole('button', { name: 'Share to story' }).click();
    await a.waitForURL(`${origin}/`, { timeout: 60_000 });
    await a.getByRole('link', { name: 'Your story' }).waitFor();
  });

  await journey.test('B finds A by search and follows', async () => {
    await b.goto(`${origin}/search`);
    await b.getByLabel('Search people, places and hashtags').fill('ali');
    await b.getByRole('link', { name: 'alice' }).click();
    await b.waitForURL(`${origin}/u/alice`);
    await b.getByRole('button', { name: 'Follow alice' }).click();
    await b.getByRole('button', { name: 'Following: unfollow alice' }).waitFor();
    await b.getByText('1 followers').waitFor();
  });

  await journey.test(
    'B sees the carousel in the feed, moves to photo 3, likes and comments',
    async () => {
      await b.goto(`${origin}/`);
      const card = b.getByRole('article').first();
      await card.getByText('Golden hour at the pier').waitFor();
      await card.getByRole('link', { name: 'Santa Monica Pier' }).waitFor();
      await card.getByText('1 / 3').waitFor();
      await card.getByRole('button', { name: 'Next photo' }).click();
      await card.getByRole('button', { name: 'Next photo' }).click();
      await card.getByText('3 / 3').waitFor();
      assert.equal(await card.getByRole('button', { name: 'Next photo' }).count(), 0);
      await card.getByText('0 likes').waitFor();
      await card.getByRole('button', { name: 'Like', exact: true }).click();
      await card.getByText('1 like', { exact: true }).waitFor();
      await card.getByRole('button', { name: 'Unlike' }).waitFor();
      await expectNoSeriousA11yViolations(b, 'home');
      await photograph(b, 'home');

      await card.getByRole('link', { name: /^Comments/ }).click();
      await b.waitForURL(postUrl);
      await b.getByLabel('Add a comment').fill('Beautiful light!');
      await b.getByRole('button', { name: 'Post', exact: true }).click();
      await b.getByText('Beautiful light!').waitFor();
    },
  );

  await journey.test('A sees the comment and replies', async () => {
    await a.goto(postUrl);
    await a.getByText('Beautiful light!').waitFor();
    await a.getByText('1 like', { exact: true }).waitFor();
    await a.getByRole('button', { name: 'Reply' }).click();
    await a.getByLabel('Reply to bob').fill('Thank you, bob!');
    await a.getByRole('button', { name: 'Post', exact: true }).click();
    await a.getByRole('button', { name: 'View replies (1)' }).click();
    await a.getByText('Thank you, bob!').waitFor();
    await expectNoSeriousA11yViolations(a, 'post');
    await photograph(a, 'post');
  });

  await journey.test(
    'on a touch screen A swipes the carousel and double-taps to like',
    async () => {
      await a.goto(`${origin}/`);
      const card = a.getByRole('article').first();
      await card.getByText('1 / 3').waitFor();
      const box = (await card.getByRole('group', { name: /3 items$/ }).boundingBox())!;
      const y = box.y + box.height / 2;
      const touch = await a.context().newCDPSession(a);
      const finger = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number) =>
        touch.send('Input.dispatchTouchEvent', {
          type,
          touchPoints: type === 'touchEnd' ? [] : [{ x, y }],
        });
      await finger('touchStart', box.x + box.width * 0.8);
      for (const f of [0.6, 0.4, 0.2]) await finger('touchMove', box.x + box.width * f);
      await finger('touchEnd', box.x + box.width * 0.2);
      await card.getByText('2 / 3').waitFor();
      await card.getByText('1 like', { exact: true }).waitFor();
      await a.touchscreen.tap(box.x + box.width / 2, y);
      await a.touchscreen.tap(box.x + box.width / 2, y);
      await card.getByText('2 likes', { exact: true }).waitFor();
      await card.getByRole('button', { name: 'Unlike' }).waitFor();
    },
  );

  await journey.test("B watches A's story; A sees B among the viewers", async () => {
    await b.goto(`${origin}/`);
    await b.getByRole('link', { name: 'Story of alice, unseen' }).click();
    await b.getByRole('dialog', { name: 'Stories of alice' }).waitFor();
    await b.getByRole('button', { name: 'Like story' }).click();
    await b.getByRole('button', { name: 'Unlike story' }).waitFor();
    await b.getByRole('button', { name: 'Pause' }).click();
    await expectNoSeriousA11yViolations(b, 'stories');
    await photograph(b, 'stories');
    await b.keyboard.press('Escape');
    await b.waitForURL(`${origin}/`);
    await b.getByRole('link', { name: 'Story of alice' }).waitFor();

    await a.goto(`${origin}/`);
    await a.getByRole('link', { name: 'Your story' }).click();
    await a.getByRole('button', { name: 'Viewers' }).click();
    const viewers = a.getByRole('region', { name: 'Viewers' });
    await viewers.getByRole('link', { name: 'bob' }).waitFor();
    await viewers.getByLabel('liked').waitFor();
    await photograph(a, 'story-viewers');
  });

  await journey.test('A goes private; C requests to follow and A approves', async () => {
    await a.goto(`${origin}/accounts/edit`);
    await a.getByLabel('Bio').fill('Chasing light.');
    await a.getByRole('switch', { name: 'Private account' }).check();
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByText('Profile saved.').waitFor();

    c = await person(PHONE);
    await signUp(c, 'carol', 'Carol Danvers');
    await c.goto(`${origin}/u/alice`);
    await c.getByText('This account is private').waitFor();
    await c.getByRole('button', { name: 'Follow alice' }).click();
    await c.getByRole('button', { name: 'Requested: unfollow alice' }).waitFor();

    await a.goto(`${origin}/requests`);
    await a.getByRole('button', { name: 'Approve carol' }).click();
    await a.getByText('No pending follow requests.').waitFor();

    await c.reload();
    await c.getByRole('button', { name: 'Following: unfollow alice' }).waitFor();
    await c.getByRole('tab', { name: 'Posts' }).waitFor();
  });

  await journey.test('profile, explore and search screens', async () => {
    await b.goto(`${origin}/u/alice`);
    await b.getByText('Chasing light.').waitFor();
    await b
      .getByRole('link', { name: /^Open post/ })
      .first()
      .waitFor();
    await expectNoSeriousA11yViolations(b, 'profile');
    await photograph(b, 'profile');
    await b.goto(`${origin}/tags/sunset`);
    await b
      .getByRole('link', { name: /^Open post/ })
      .first()
      .waitFor();
    await photograph(b, 'hashtag');
    await b.goto(`${origin}/no/such/page`);
    await b.getByText("Sorry, this page isn't available.").waitFor();
    await b.goto(`${origin}/p/999999`);
    await b.getByText('This post is no longer available.').waitFor();
  });

  await journey.test('an expired access token is refreshed silently', async () => {
    t.clock.setOffset(20 * 60_000);
    await b.goto(`${origin}/saved`);
    await b.getByText('Save posts to see them here.').waitFor();
    assert.equal(b.url(), `${origin}/saved`);
  });

  await journey.test('a refused refresh returns to the login page with a message', async () => {
    t.clock.setOffset(31 * 86_400_000);
    try {
      await c.goto(`${origin}/explore`);
      await c.waitForURL(`${origin}/login`);
      await c.getByText('Your session has expired. Please log in again.').waitFor();
    } finally {
      t.clock.setOffset(0);
    }
  });

  await journey.test('logging out returns to the login page', async () => {
    await b.goto(`${origin}/settings`);
    await b.getByRole('button', { name: 'Log out' }).click();
    await b.waitForURL(`${origin}/login`);
    await b.getByText('You have logged out.').waitFor();
    await photograph(b, 'login');
  });
});
