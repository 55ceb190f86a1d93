/**
 * People tags in the browser (Debian Chromium, real server, fresh SQLite): A uploads a photo in
 * the composer, clicks a spot on it, finds B by name and tags them, with "@B" and a hashtag in
 * the caption; the post shows the tag where A put it behind the tag button, and the caption's
 * mention and hashtag are links. B finds the post in their profile's Tagged tab. B then asks to
 * approve tags, A tags B again, B approves it from the pending list, then takes themselves off
 * that post. Screens are checked with axe and photographed.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { signupViaApi } from '../helpers/accounts-factories.js';
import { expectStatus } from '../helpers/http.js';
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

const photo = () =>
  sharp({ create: { width: 1000, height: 800, channels: 3, background: '#3a7bd5' } })
    .jpeg()
    .toBuffer();

/** Uploads a photo in the composer and opens its tagger; returns the photo's spot picker. */
async function uploadAndTag(page: Page, origin: string, name: string) {
  await page.goto(`${origin}/create`);
  await page
    .locator('#composer-files')
    .setInputFiles({ name, mimeType: 'image/jpeg', buffer: await photo() });
  await page.getByText('Uploaded').waitFor();
  await page.getByRole('button', { name: `Tag people in ${name}` }).click();
  return page.getByRole('button', { name: `Choose where to tag someone in ${name}` });
}

test('A tags B in a photo in the composer; B finds it under Tagged and approves a later one', async () => {
  const { t, origin, browser } = web;
  const alice = await signupViaApi(t, { username: 'alice', name: 'Alice' });
  const bob = await signupViaApi(t, { username: 'bob', name: 'Bob Builder' });

  const a = await signedIn(browser, alice, DESKTOP);
  const target = await uploadAndTag(a, origin, 'pier.jpg');
  const box = (await target.boundingBox())!;
  await target.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
  await a.getByLabel('Search for a person to tag').fill('bo');
  await a.getByRole('button', { name: 'Tag bob' }).click();
  await a.getByRole('button', { name: 'Remove tag of bob' }).waitFor();
  await a.getByText('Uploaded · 1 person tagged').waitFor();
  await a.getByLabel('Caption').fill('At the pier with @bob #pierday');
  await expectNoSeriousA11yViolations(a, 'composer with tags');
  await a.screenshot({ path: path.join(shots, 'composer-tags-1280.png') });
  await a.setViewportSize(PHONE);
  await a.screenshot({ path: path.join(shots, 'composer-tags-390.png'), fullPage: true });
  await a.setViewportSize(DESKTOP);
  await a.getByRole('button', { name: 'Share', exact: true }).click();
  await a.waitForURL(/\/p\/\w+$/);
  const postId = new URL(a.url()).pathname.split('/').pop()!;

  // The tag is on the post where A clicked, shown by the tag button.
  const post = expectStatus(await t.app.inject({ url: `/api/v1/posts/${postId}` }), 200);
  const [tag] = post.media[0].tags;
  assert.equal(tag.user.username, 'bob');
  assert.ok(Math.abs(tag.x - 0.3) < 0.02 && Math.abs(tag.y - 0.4) < 0.02, JSON.stringify(tag));
  const show = a.getByRole('button', { name: 'Show tagged people' });
  assert.equal(await show.getAttribute('aria-pressed'), 'false');
  assert.equal(await a.getByRole('list', { name: 'Tagged people' }).count(), 0);
  await show.click();
  const tagged = a.getByRole('list', { name: 'Tagged people' });
  await tagged.getByRole('link', { name: 'bob' }).waitFor();
  assert.equal(await show.getAttribute('aria-pressed'), 'true');
  await expectNoSeriousA11yViolations(a, 'post with tags shown');
  await a.screenshot({ path: path.join(shots, 'post-tags-1280.png') });

  // The caption's mention and hashtag are links.
  await a.getByRole('link', { name: '@bob' }).click();
  await a.waitForURL(`${origin}/u/bob`);
  await a.goBack();
  await a.getByRole('link', { name: '#pierday' }).click();
  await a.waitForURL(`${origin}/tags/pierday`);

  // B finds the post in their Tagged tab and follows the tag back to it.
  const b = await signedIn(browser, bob, PHONE);
  await b.goto(`${origin}/u/bob`);
  await b.getByRole('tab', { name: 'Tagged' }).click();
  const grid = b.getByRole('tabpanel', { name: 'Tagged' });
  await grid.getByRole('link', { name: 'Open post: At the pier with @bob #pierday' }).click();
  await b.waitForURL(`${origin}/p/${postId}`);
  await b.getByRole('button', { name: 'Show tagged people' }).click();
  await b.getByRole('list', { name: 'Tagged people' }).getByRole('link', { name: 'bob' }).click();
  await b.waitForURL(`${origin}/u/bob`);

  // B asks to approve tags; a new tag waits until B approves it.
  await b.goto(`${origin}/accounts/edit`);
  await b.getByLabel('Approve tags of you before they show').check();
  await b.getByRole('button', { name: 'Save', exact: true }).click();
  await b.getByText('Profile saved.').waitFor();
  // Enter on the photo picks its middle.
  await (await uploadAndTag(a, origin, 'boat.jpg')).press('Enter');
  await a.getByLabel('Search for a person to tag').fill('bob');
  await a.getByRole('button', { name: 'Tag bob' }).click();
  await a.getByLabel('Caption').fill('On the boat');
  await a.getByRole('button', { name: 'Share', exact: true }).click();
  await a.waitForURL(/\/p\/\w+$/);
  await a.getByText('On the boat').waitFor();
  assert.equal(await a.getByRole('button', { name: 'Show tagged people' }).count(), 0);

  await b.goto(`${origin}/accounts/tags`);
  await b.getByRole('button', { name: 'Approve tag by alice' }).click();
  await b.getByText('No tags waiting for your approval.').waitFor();
  await expectNoSeriousA11yViolations(b, 'pending tags');
  await b.goto(`${origin}/u/bob`);
  await b.getByRole('tab', { name: 'Tagged' }).click();
  await b
    .getByRole('tabpanel', { name: 'Tagged' })
    .getByRole('link', { name: 'Open post: On the boat' })
    .waitFor();
  assert.equal(await b.getByRole('link', { name: /^Open post/ }).count(), 2);
  await expectNoSeriousA11yViolations(b, 'profile tagged tab');
  await b.screenshot({ path: path.join(shots, 'profile-tagged-390.png') });

  // B takes themselves off the boat photo: it leaves their Tagged tab.
  await b.getByRole('link', { name: 'Open post: On the boat' }).click();
  await b.getByRole('button', { name: 'Remove me from this post' }).click();
  await b.getByRole('button', { name: 'Remove me from this post' }).waitFor({ state: 'detached' });
  assert.equal(await b.getByRole('button', { name: 'Show tagged people' }).count(), 0);
  await b.goto(`${origin}/u/bob`);
  await b.getByRole('tab', { name: 'Tagged' }).click();
  await b.getByRole('link', { name: 'Open post: At the pier with @bob #pierday' }).waitFor();
  assert.equal(await b.getByRole('link', { name: /^Open post/ }).count(), 1);
});
