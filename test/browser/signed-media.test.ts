/**
 * A private account's media come with signed URLs that expire. A page left open past that
 * shows the images it had not loaded yet (lazy ones below the fold) from expired URLs: the
 * server answers 403, and the web app fetches the page's answers again once and shows the fresh
 * URLs instead of broken images. Debian's Chromium against a real server; the server's clock is
 * moved past the URLs' expiry (the test app's clock, as TEST_CLOCK would).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { createUser } from '../helpers/factories.js';
import { makeImage } from '../helpers/media-fixtures.js';
import { createPost } from '../helpers/posts-factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { PHONE, signedIn, startWebApp, type WebApp } from './web-app.js';

/** Whether an <img> shows its picture (no DOM types in the tests' compilation). */
const shown = (locator: Locator) =>
  locator.evaluate((img) => {
    const { complete, naturalWidth } = img as unknown as {
      complete: boolean;
      naturalWidth: number;
    };
    return complete && naturalWidth > 0;
  });
const POSTS = 10;
let web: WebApp;
let t: TestApp;
let browser: Browser;
let origin: string;

before(async () => {
  web = await startWebApp({
    MEDIA_URL_TTL_SECONDS: '60',
    // The access token outlives the clock's jump; only the media URLs expire.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  });
  ({ t, browser, origin } = web);
});
after(async () => web?.close());

test('an expired signed image URL is replaced by a fresh one, not left broken', async () => {
  const owner = await createUser(t, { isPrivate: true });
  for (let i = 0; i < POSTS; i++) await createPost(t, owner, { caption: `photo ${i}` });
  // createMedia writes rows only: real images behind every key.
  const [display, thumbnail] = [
    await makeImage('webp', 600, 600),
    await makeImage('jpeg', 320, 320),
  ];
  const rows = await t.db
    .selectFrom('media')
    .select(['storage_key', 'thumbnail_key'])
    .where('owner_id', '=', owner.id)
    .execute();
  for (const row of rows) {
    for (const [key, bytes] of [
      [row.storage_key, display],
      [row.thumbnail_key, thumbnail],
    ] as const) {
      const file = path.join(t.config.mediaDir, key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
    }
  }

  const page = await signedIn(
    browser,
    {
      user: { id: String(owner.id), username: owner.username },
      access_token: owner.token,
      refresh_token: 'unused',
    },
    PHONE,
  );
  const refused: string[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/media/') && response.status() === 403) {
      refused.push(response.url());
    }
  });
  await page.goto(`${origin}/`);
  const images = page.locator('article.post-card img.media');
  await images.first().waitFor();
  assert.equal(await images.count(), POSTS);
  const last = images.last();
  const lastSrc = await last.getAttribute('src');
  assert.match(lastSrc ?? '', /[?&]sig=/, 'a private account media URL is signed');
  // Lazy: the last post's image was not requested yet.
  assert.equal(await shown(last), false);

  // Past the URLs' expiry (TTL 60 s), then the images below the fold come into view.
  t.clock.setOffset(10 * 60_000);
  await last.scrollIntoViewIfNeeded();
  const deadline = Date.now() + 10_000;
  while (!(await shown(last))) {
    assert.ok(Date.now() < deadline, 'the last image never showed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(refused.length > 0, 'the expired URL was refused (403) first');
  const freshSrc = await last.getAttribute('src');
  assert.notEqual(freshSrc, lastSrc, 'the image now has a fresh signed URL');
  assert.match(freshSrc ?? '', /[?&]sig=/);
  await page.context().close();
});
