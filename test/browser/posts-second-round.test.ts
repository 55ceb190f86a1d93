/**
 * The author's second-round tools in the browser (Debian Chromium, real server, fresh SQLite):
 * a highlight made from stories (ordered with the keyboard) shows on the profile; a post edit
 * changes the caption, alt text and settings, keeps people tags, and the history shows the old
 * version; archiving hides a post from the profile grid and shows it on the Archive page; the
 * composer sends alt text, for posts and for stories; highlights on the profile reorder with
 * the keyboard. Screens are checked with axe.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { signupViaApi, type SignedUp } from '../helpers/accounts-factories.js';
import { expectStatus } from '../helpers/http.js';
import { multipartForm } from '../helpers/media-fixtures.js';
import {
  DESKTOP,
  expectNoSeriousA11yViolations,
  PHONE,
  shots,
  signedIn,
  startWebApp,
  type WebApp,
} from './web-app.js';

let web: WebApp;
before(async () => {
  web = await startWebApp();
});
after(async () => web?.close());

const auth = (account: SignedUp) => ({ authorization: `Bearer ${account.access_token}` });

const photo = (background: string) =>
  sharp({ create: { width: 600, height: 600, channels: 3, background } })
    .jpeg()
    .toBuffer();

async function upload(account: SignedUp, background = '#3a7bd5'): Promise<string> {
  const { payload, headers } = multipartForm(await photo(background), { filename: 'p.jpg' });
  const response = await web.t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload,
    headers: { ...headers, ...auth(account) },
  });
  return expectStatus<{ id: string }>(response, 201).id;
}

async function postStory(account: SignedUp, background: string): Promise<string> {
  const response = await web.t.app.inject({
    method: 'POST',
    url: '/api/v1/stories',
    headers: auth(account),
    payload: { media_id: await upload(account, background) },
  });
  return expectStatus<{ id: string }>(response, 201).id;
}

async function createPost(account: SignedUp, body: Record<string, unknown>): Promise<string> {
  const response = await web.t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: auth(account),
    payload: { media_ids: [await upload(account)], ...body },
  });
  return expectStatus<{ id: string }>(response, 201).id;
}

test('a highlight made from two stories, reordered with the keyboard, shows on the profile', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'hana', name: 'Hana' });
  const first = await postStory(alice, '#d53a3a');
  const second = await postStory(alice, '#3ad56b');

  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/u/hana`);
  await page.getByRole('link', { name: 'New highlight' }).click();
  await page.waitForURL(`${origin}/highlights/new`);
  await page.getByRole('heading', { name: 'New highlight' }).waitFor();
  await page.getByLabel('Title').fill('Summer');
  const choices = page.getByRole('checkbox', { name: /Story from/ });
  assert.equal(await choices.count(), 2);
  // Active stories are listed oldest first; checked in that order, they keep it.
  await choices.nth(0).check();
  await choices.nth(1).check();
  await expectNoSeriousA11yViolations(page, 'highlight editor');
  await page.screenshot({ path: path.join(shots, 'highlight-editor-1280.png'), fullPage: true });

  // Keyboard: move the first story down; focus stays on the moved story's button.
  const down = page.getByRole('button', { name: /^Move story 1 from .* down$/ });
  await down.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /^Move story 2 from .* up$/ }).waitFor();
  const focused = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { ariaLabel: string | null } } })
        .document.activeElement.ariaLabel,
  );
  assert.match(focused ?? '', /^Move story 2 from .* up$/);
  await page.getByRole('radio', { name: 'Use as cover' }).nth(1).check();
  await page.getByRole('button', { name: 'Create highlight' }).click();
  await page.waitForURL(`${origin}/u/hana`);
  await page.getByRole('link', { name: 'Highlight Summer' }).click();
  await page.getByRole('heading', { name: 'Summer' }).waitFor();
  const id = new URL(page.url()).pathname.split('/').pop()!;
  const detail = expectStatus<{
    stories: { id: string; media: { id: string } }[];
    cover: { id: string };
  }>(await t.app.inject({ url: `/api/v1/highlights/${id}`, headers: auth(alice) }), 200);
  assert.deepEqual(
    detail.stories.map((s) => s.id),
    [second, first],
  );
  assert.equal(detail.cover.id, detail.stories[1]!.media.id);

  // Edit: rename it, then delete it.
  await page.getByRole('link', { name: 'Edit highlight' }).click();
  await page.getByRole('heading', { name: 'Edit highlight' }).waitFor();
  await page.getByLabel('Title').fill('Summer 26');
  await page.getByRole('button', { name: 'Save highlight' }).click();
  await page.waitForURL(`${origin}/u/hana`);
  await page.getByRole('link', { name: 'Highlight Summer 26' }).waitFor();
  await page.goto(`${origin}/highlights/${id}/edit`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete highlight' }).click();
  await page.waitForURL(`${origin}/u/hana`);
  await page.getByRole('link', { name: 'New highlight' }).waitFor();
  assert.equal(await page.getByRole('link', { name: /^Highlight / }).count(), 0);
  await page.context().close();
});

test('an edit changes caption, alt text and settings, keeps tags, and the history shows the old version', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'edie', name: 'Edie' });
  await signupViaApi(t, { username: 'tom', name: 'Tom' });
  const postId = await createPost(alice, { caption: 'Old caption #before' });
  const before = expectStatus<{ media: { id: string }[] }>(
    await t.app.inject({ url: `/api/v1/posts/${postId}`, headers: auth(alice) }),
    200,
  );
  expectStatus(
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/posts/${postId}`,
      headers: auth(alice),
      payload: { tags: [{ media_id: before.media[0]!.id, username: 'tom', x: 0.5, y: 0.5 }] },
    }),
    200,
  );

  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/p/${postId}`);
  // The author's insights panel.
  const insights = page.getByRole('region', { name: 'Insights' });
  await insights.getByText('Saves').waitFor();
  assert.equal(await page.getByRole('link', { name: /^Edited/ }).count(), 0);

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const caption = page.getByRole('textbox', { name: 'Caption' });
  await caption.waitFor();
  assert.equal(
    await caption.evaluate(
      (el) =>
        el ===
        (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
          .activeElement,
    ),
    true,
    'the caption field has focus when the editor opens',
  );
  await caption.fill('New caption #after');
  await page.getByLabel('Alt text for Photo 1').fill('A plain blue square');
  // A new photo is uploaded, described and moved before the first one.
  await page
    .getByLabel('Add photos or videos')
    .setInputFiles({ name: 'extra.jpg', mimeType: 'image/jpeg', buffer: await photo('#20a040') });
  await page.getByLabel('Alt text for extra.jpg').fill('A green square');
  await page.getByRole('button', { name: 'Move extra.jpg earlier' }).click();
  await page.getByRole('button', { name: 'Move extra.jpg later' }).waitFor();
  await page.getByLabel('Hide like count').check();
  await page.getByLabel('Turn off commenting').check();
  await expectNoSeriousA11yViolations(page, 'post editor');
  await page.screenshot({ path: path.join(shots, 'post-editor-1280.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('New caption').first().waitFor();
  await page.getByText('Commenting is turned off.').waitFor();
  // Focus returns to the button that opened the editor.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document
        .activeElement.textContent === 'Edit',
    undefined,
    { polling: 100 },
  );

  const after = expectStatus<{
    caption: string;
    hide_like_count: boolean;
    comments_disabled: boolean;
    media: { alt_text: string | null; tags: { user: { username: string } }[] }[];
  }>(await t.app.inject({ url: `/api/v1/posts/${postId}`, headers: auth(alice) }), 200);
  assert.equal(after.caption, 'New caption #after');
  assert.equal(after.hide_like_count, true);
  assert.equal(after.comments_disabled, true);
  assert.deepEqual(
    after.media.map((m) => m.alt_text),
    ['A green square', 'A plain blue square'],
  );
  assert.deepEqual(
    after.media[1]!.tags.map((tag) => tag.user.username),
    ['tom'],
    'people tags are kept',
  );

  await page.getByRole('link', { name: /^Edited/ }).click();
  await page.waitForURL(`${origin}/p/${postId}/history`);
  const versions = page.getByRole('list', { name: 'Versions, newest first' });
  await versions.getByText('New caption #after').waitFor();
  await versions.getByText('Old caption #before').waitFor();
  await versions.getByText('2 photos or videos').waitFor();
  await versions.getByText('1 photo or video', { exact: true }).waitFor();
  assert.equal(await versions.getByRole('heading', { name: /^Current version/ }).count(), 1);
  assert.equal(await versions.getByRole('heading', { name: /^Earlier version/ }).count(), 1);
  await expectNoSeriousA11yViolations(page, 'edit history');
  await page.context().close();
});

test('archiving hides a post from the profile grid; the Archive page shows it and restores it', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'arlo', name: 'Arlo' });
  const postId = await createPost(alice, { caption: 'Soon archived' });
  const grid = (page: import('playwright-core').Page) =>
    page.getByRole('link', { name: 'Open post: Soon archived' });

  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/u/arlo`);
  await grid(page).waitFor();
  await grid(page).click();
  await page.waitForURL(`${origin}/p/${postId}`);
  await page.getByRole('button', { name: 'Archive', exact: true }).click();
  await page.getByText('Archived: only you can see this post.').waitFor();
  await page.getByRole('button', { name: 'Unarchive' }).waitFor();

  await page.goto(`${origin}/u/arlo`);
  await page.getByText('No posts yet.').waitFor();
  assert.equal(await grid(page).count(), 0);
  await page.getByRole('link', { name: 'Settings' }).first().click();
  await page.getByRole('link', { name: 'Archive' }).click();
  await page.waitForURL(`${origin}/archive`);
  await grid(page).waitFor();
  await expectNoSeriousA11yViolations(page, 'archive');
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(shots, 'archive-390.png'), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.getByRole('tab', { name: 'Stories' }).click();
  await page.getByText('No archived stories yet.').waitFor();

  // Restored from the archive, it is back on the profile.
  await page.getByRole('tab', { name: 'Posts' }).click();
  await grid(page).click();
  await page.getByRole('button', { name: 'Unarchive' }).click();
  await page.getByRole('button', { name: 'Archive', exact: true }).waitFor();
  await page.goto(`${origin}/u/arlo`);
  await grid(page).waitFor();
  await page.context().close();
});

test('the composer sends alt text for each photo', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'cora', name: 'Cora' });
  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/create`);
  await page
    .locator('#composer-files')
    .setInputFiles({ name: 'dunes.jpg', mimeType: 'image/jpeg', buffer: await photo('#e0c070') });
  await page.getByText('Uploaded').waitFor();
  await page.getByLabel('Alt text for dunes.jpg').fill('Sand dunes under a pale sky');
  await expectNoSeriousA11yViolations(page, 'composer with alt text');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.waitForURL(/\/p\/\w+$/);
  const postId = new URL(page.url()).pathname.split('/').pop()!;
  const post = expectStatus<{ media: { alt_text: string | null }[] }>(
    await t.app.inject({ url: `/api/v1/posts/${postId}`, headers: auth(alice) }),
    200,
  );
  assert.equal(post.media[0]!.alt_text, 'Sand dunes under a pale sky');
  await page.context().close();
});

async function createHighlight(account: SignedUp, title: string): Promise<string> {
  const response = await web.t.app.inject({
    method: 'POST',
    url: '/api/v1/highlights',
    headers: auth(account),
    payload: { title, story_ids: [await postStory(account, '#8a5cd5')] },
  });
  return expectStatus<{ id: string }>(response, 201).id;
}

test('highlights on your own profile reorder with the keyboard, each move saved', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'rhea', name: 'Rhea' });
  const order = async () =>
    expectStatus<{ data: { title: string }[] }>(
      await t.app.inject({ url: '/api/v1/users/rhea/highlights', headers: auth(alice) }),
      200,
    ).data.map((h) => h.title);
  for (const title of ['Alps', 'Beach', 'City']) await createHighlight(alice, title);
  const before = await order();

  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/u/rhea`);
  await page.getByRole('button', { name: 'Reorder highlights' }).click();
  const first = before[0]!;
  const right = page.getByRole('button', { name: `Move highlight ${first} right` });
  await right.focus();
  await page.keyboard.press('Enter');
  // Moved one place right: its "left" button is enabled now, and focus stayed on "right".
  await page
    .getByRole('button', { name: `Move highlight ${first} left` })
    .and(page.locator(':enabled'))
    .waitFor();
  const focused = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { ariaLabel: string | null } } })
        .document.activeElement.ariaLabel,
  );
  assert.equal(focused, `Move highlight ${first} right`);
  await expectNoSeriousA11yViolations(page, 'profile with highlights being reordered');
  await page.screenshot({ path: path.join(shots, 'highlights-reorder-1280.png'), fullPage: true });
  const expected = [before[1]!, first, before[2]!];
  for (let i = 0; i < 20 && (await order()).join() !== expected.join(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(await order(), expected);

  // After a reload the profile shows the saved order.
  await page.reload();
  const links = page.getByRole('link', { name: /^Highlight / });
  await links.first().waitFor();
  assert.deepEqual(
    await links.evaluateAll((all) => all.map((a) => a.getAttribute('aria-label'))),
    expected.map((title) => `Highlight ${title}`),
  );
  await page.context().close();
});

test('the story composer sends alt text with the story’s photo', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'sami', name: 'Sami' });
  const page = await signedIn(browser, alice, DESKTOP);
  await page.goto(`${origin}/create/story`);
  await page
    .locator('#composer-files')
    .setInputFiles({ name: 'lake.jpg', mimeType: 'image/jpeg', buffer: await photo('#4080c0') });
  await page.getByLabel('Alt text for lake.jpg').fill('A still lake at dawn');
  await expectNoSeriousA11yViolations(page, 'story composer with alt text');
  await page.getByRole('button', { name: 'Share to story' }).click();
  await page.waitForURL(`${origin}/`);
  const stories = expectStatus<{ data: { media: { alt_text: string | null } }[] }>(
    await t.app.inject({ url: '/api/v1/users/sami/stories', headers: auth(alice) }),
    200,
  );
  assert.equal(stories.data.length, 1);
  assert.equal(stories.data[0]!.media.alt_text, 'A still lake at dawn');
  await page.context().close();
});
