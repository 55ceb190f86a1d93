/**
 * The Reels page in Debian's Chromium against a real server: reels fill the screen one at a
 * time, the one in view plays (muted until the toggle), scrolling plays the next and pauses the
 * last, and watching one records a view. Also the highlights row on a profile.
 */
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createUser, type TestUser } from '../helpers/factories.js';
import { expectStatus } from '../helpers/http.js';
import { makeVideo, multipartForm, tempDir } from '../helpers/media-fixtures.js';
import { insertStory } from '../helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';
import { freePort } from '../helpers/server-process.js';

const root = path.resolve(import.meta.dirname, '../..');
let t: TestApp;
let browser: Browser;
let origin: string;
let media: { dir: string; cleanup: () => Promise<void> };

before(async () => {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/build-web-if-stale.ts')],
    { cwd: root, stdio: 'inherit' },
  );
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PUBLIC_URL: origin, WEB_DIST_DIR: path.join(root, 'web/dist') },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
  media = await tempDir();
});
after(async () => {
  await browser?.close();
  await t?.close();
  await media?.cleanup();
});

/** Uploads a real clip (transcoded by the job) and posts it as a reel. */
async function postReel(author: TestUser, name: string, caption: string): Promise<string> {
  const clip = await makeVideo(media.dir, name, { container: 'mp4', seconds: 3, size: '360x640' });
  const { payload, headers } = multipartForm(await readFile(clip), { filename: name });
  const upload = await t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload,
    headers: { ...headers, ...author.headers },
  });
  const mediaId = expectStatus<{ id: string }>(upload, 201).id;
  const post = await t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: author.headers,
    payload: { type: 'reel', media_ids: [mediaId], caption },
  });
  return expectStatus<{ id: string }>(post, 201).id;
}

const videoState = (page: Page, index: number) =>
  page
    .locator('video.reel-video')
    .nth(index)
    .evaluate((v) => {
      const video = v as unknown as { paused: boolean; muted: boolean };
      return { paused: video.paused, muted: video.muted };
    });

interface VideoState {
  paused: boolean;
  muted: boolean;
}

async function viewsOf(viewerId: number) {
  return t.db
    .selectFrom('post_views')
    .select('post_id')
    .where('viewer_id', '=', viewerId)
    .execute();
}

test('reels play one at a time, the mute toggle works, and watching records a view', async () => {
  const alice = await createUser(t);
  const first = await postReel(alice, 'one.mp4', 'First reel #one');
  const second = await postReel(alice, 'two.mp4', 'Second reel #two');

  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(`${origin}/signup`);
  await page.getByLabel('Email').fill('bob@example.com');
  await page.getByLabel('Full name').fill('Bob');
  await page.getByLabel('Username').fill('bob');
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  const bob = await t.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'bob')
    .executeTakeFirstOrThrow();

  await page.getByRole('link', { name: 'Reels' }).click();
  await page.waitForURL(`${origin}/reels`);
  await page.getByText('Second reel').waitFor(); // newest first among equally popular reels
  await page.waitForFunction((pattern) => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): unknown } })
      .document;
    const videos = [...(doc.querySelectorAll('video.reel-video') as Iterable<VideoState>)];
    return videos.map((v) => (v.paused ? 'p' : 'P')).join('') === pattern;
  }, 'Pp');
  assert.deepEqual(await videoState(page, 0), { paused: false, muted: true });

  // Watching a moment records the view.
  for (let i = 0; i < 50 && (await viewsOf(Number(bob.id))).length === 0; i++) {
    await page.waitForTimeout(200);
  }
  assert.deepEqual(
    (await viewsOf(Number(bob.id))).map((r) => String(r.post_id)),
    [second],
  );

  await page.getByRole('button', { name: 'Turn sound on' }).first().click();
  assert.equal((await videoState(page, 0)).muted, false);
  await page.getByRole('button', { name: 'Mute' }).first().waitFor();

  // The next reel scrolls into view: it plays (with the sound choice kept), the first pauses.
  await page.locator('li.reel').nth(1).scrollIntoViewIfNeeded();
  await page.waitForFunction((pattern) => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): unknown } })
      .document;
    const videos = [...(doc.querySelectorAll('video.reel-video') as Iterable<VideoState>)];
    return videos.map((v) => (v.paused ? 'p' : 'P')).join('') === pattern;
  }, 'pP');
  assert.equal((await videoState(page, 1)).muted, false);
  for (let i = 0; i < 50 && (await viewsOf(Number(bob.id))).length < 2; i++) {
    await page.waitForTimeout(200);
  }
  assert.deepEqual(
    (await viewsOf(Number(bob.id))).map((r) => String(r.post_id)).sort(),
    [first, second].sort(),
  );
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) =>
    ['serious', 'critical'].includes(v.impact ?? ''),
  );
  assert.deepEqual(
    serious.map((v) => v.id),
    [],
    'axe on reels',
  );

  // Alice's highlights row on her profile leads to the highlight.
  const story = await insertStory(t, alice, 60);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/highlights',
    headers: alice.headers,
    payload: { title: 'Trips', story_ids: [story] },
  });
  const highlight = expectStatus<{ id: string }>(created, 201).id;
  await page.goto(`${origin}/u/${alice.username}`);
  await page.getByRole('link', { name: 'Highlight Trips' }).click();
  await page.waitForURL(`${origin}/highlights/${highlight}`);
  await page.getByRole('heading', { name: 'Trips' }).waitFor();

  // Close friends: Bob keeps a list; Alice's close-friends story gets a green ring in his tray.
  await page.goto(`${origin}/accounts/close-friends`);
  await page.getByLabel('Add by username').fill(alice.username);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: `Remove ${alice.username}` }).waitFor();
  const results2 = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    results2.violations
      .filter((v) => ['serious', 'critical'].includes(v.impact ?? ''))
      .map((v) => v.id),
    [],
    'axe on close friends',
  );
  expectStatus(
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/close-friends',
      headers: alice.headers,
      payload: { usernames: ['bob'] },
    }),
    204,
  );
  const close = await insertStory(t, alice, 30);
  await t.db
    .updateTable('stories')
    .set({ audience: 'close_friends' })
    .where('id', '=', Number(close))
    .execute();
  await page.goto(`${origin}/u/${alice.username}`);
  await page.getByRole('button', { name: `Follow ${alice.username}` }).click();
  await page.getByRole('button', { name: `Following: unfollow ${alice.username}` }).waitFor();
  await page.goto(`${origin}/`);
  await page
    .getByRole('link', { name: `Story of ${alice.username}, close friends, unseen` })
    .waitFor();
  await context.close();
});
