/**
 * Safety in the browser (Debian Chromium, real server, fresh SQLite): A blocks B from the menu on
 * B's profile (confirming), sees "You blocked @bruno" and finds B under Settings › Blocked
 * accounts; B, in another browser, can no longer find A: A's profile is the not-found page and
 * search shows no one. A reports C's comment through the comment's menu, with the keyboard; an
 * admin removes the comment from /admin/reports and it is gone from the post. Screens are
 * checked with axe.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { changeRoleFromConsole } from '../../src/modules/moderation/moderation.service.js';
import { signupViaApi, type SignedUp } from '../helpers/accounts-factories.js';
import { expectStatus } from '../helpers/http.js';
import { makeImage, multipartForm } from '../helpers/media-fixtures.js';
import {
  DESKTOP,
  expectNoSeriousA11yViolations,
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

const bearer = (account: SignedUp) => ({ authorization: `Bearer ${account.access_token}` });

async function upload(author: SignedUp): Promise<string> {
  const form = multipartForm(await makeImage('jpeg', 600, 600));
  const media = expectStatus(
    await web.t.app.inject({
      method: 'POST',
      url: '/api/v1/media',
      headers: { ...bearer(author), ...form.headers },
      payload: form.payload,
    }),
    201,
  );
  return (media as { id: string }).id;
}

async function postWithComment(author: SignedUp, text: string) {
  const { t } = web;
  const headers = bearer(author);
  const post = expectStatus(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers,
      payload: { media_ids: [await upload(author)], caption: 'Harbour at dusk' },
    }),
    201,
  );
  expectStatus(
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${post.id}/comments`,
      headers,
      payload: { text },
    }),
    201,
  );
  return post as { id: string };
}

test('A blocks B, who can no longer find A; A reports a comment and an admin removes it', async () => {
  const { t, origin, browser } = web;
  const amira = await signupViaApi(t, { username: 'amira', name: 'Amira' });
  const bruno = await signupViaApi(t, { username: 'bruno', name: 'Bruno' });
  const carla = await signupViaApi(t, { username: 'carla', name: 'Carla' });
  const admin = await signupViaApi(t, { username: 'root_admin', name: 'Admin' });
  await changeRoleFromConsole(t.db, new Date(), 'root_admin', 'admin');
  const spam = 'Cheap followers at spam dot example';
  const post = await postWithComment(carla, spam);

  // A blocks B through the profile menu.
  const a = await signedIn(browser, amira, DESKTOP);
  await a.goto(`${origin}/u/bruno`);
  await a.getByRole('button', { name: 'More options for bruno' }).click();
  const menu = a.getByRole('menu', { name: 'More options for bruno' });
  await expectNoSeriousA11yViolations(a, 'profile menu');
  await a.screenshot({ path: path.join(shots, 'safety-profile-menu.png') });
  a.once('dialog', (dialog) => {
    assert.match(dialog.message(), /Block bruno\?/);
    void dialog.accept();
  });
  await menu.getByRole('menuitem', { name: 'Block' }).click();
  await a.getByRole('heading', { name: 'You blocked @bruno' }).waitFor();
  await a.getByRole('button', { name: 'Unblock bruno' }).waitFor();
  await expectNoSeriousA11yViolations(a, 'blocked profile');
  await a.screenshot({ path: path.join(shots, 'safety-blocked-profile.png') });

  await a.goto(`${origin}/settings`);
  await a.getByRole('link', { name: 'Blocked accounts' }).click();
  await a.getByRole('button', { name: 'Unblock bruno' }).waitFor();
  await expectNoSeriousA11yViolations(a, 'blocked accounts');

  // B, in a browser of their own, cannot find A any more.
  const b = await signedIn(browser, bruno, DESKTOP);
  await b.goto(`${origin}/u/amira`);
  await b.getByRole('heading', { name: "Sorry, this page isn't available." }).waitFor();
  await b.goto(`${origin}/search`);
  await b.getByLabel('Search people, places and hashtags').fill('amira');
  await b.getByText('No people found.').waitFor();

  // A reports C's comment from its menu, using the keyboard.
  await a.goto(`${origin}/p/${post.id}`);
  const more = a.getByRole('button', { name: 'More options for comment by carla' });
  await more.focus();
  await a.keyboard.press('ArrowDown');
  const item = a.getByRole('menuitem', { name: 'Report comment' });
  await item.waitFor();
  assert.equal(await a.locator(':focus').textContent(), 'Report comment');
  await a.keyboard.press('Escape');
  assert.equal(
    await a.locator(':focus').getAttribute('aria-label'),
    'More options for comment by carla',
  );
  assert.equal(await item.count(), 0);
  await a.keyboard.press('Enter');
  await a.keyboard.press('Enter');
  await a.getByLabel('Why are you reporting this comment?').selectOption('spam');
  await a.getByLabel('Details (optional)').fill('Selling followers');
  await expectNoSeriousA11yViolations(a, 'comment report form');
  await a.screenshot({ path: path.join(shots, 'safety-comment-report.png') });
  await a.getByRole('button', { name: 'Send report' }).click();
  await a.getByRole('status').getByText('the moderators will review this comment').waitFor();

  // An admin removes it from the queue; the comment is gone from the post.
  const m = await signedIn(browser, admin, DESKTOP);
  await m.goto(`${origin}/admin/reports`);
  const report = m.getByRole('listitem').filter({ hasText: spam });
  await report.waitFor();
  assert.match((await report.textContent()) ?? '', /reported by amira/);
  await report.getByRole('button', { name: 'Remove content' }).click();
  await m.getByText('No open reports.').waitFor();

  await a.reload();
  await a.getByRole('region', { name: 'Comments' }).getByText('No comments yet.').waitFor();
  assert.equal(await a.getByText(spam).count(), 0);
});

test('D mutes E’s stories from the profile menu, unmutes them in Settings and reports a story', async () => {
  const { t, origin, browser } = web;
  const dina = await signupViaApi(t, { username: 'dina', name: 'Dina' });
  const emil = await signupViaApi(t, { username: 'emil', name: 'Emil' });
  expectStatus(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/stories',
      headers: bearer(emil),
      payload: { media_id: await upload(emil) },
    }),
    201,
  );

  const d = await signedIn(browser, dina, DESKTOP);
  await d.goto(`${origin}/u/emil`);
  await d.getByRole('button', { name: 'More options for emil' }).click();
  await d.getByRole('menuitem', { name: 'Mute' }).click();
  const form = d.getByRole('form', { name: 'Mute emil' });
  await form.getByLabel('Posts').uncheck();
  await expectNoSeriousA11yViolations(d, 'mute form');
  await form.getByRole('button', { name: 'Mute' }).click();
  await form.waitFor({ state: 'detached' });
  await d.getByRole('button', { name: 'More options for emil' }).click();
  await d.getByRole('menuitem', { name: 'Unmute' }).waitFor();
  await d.keyboard.press('Escape');

  await d.goto(`${origin}/settings`);
  await d.getByRole('link', { name: 'Muted accounts' }).click();
  const row = d.getByRole('listitem').filter({ hasText: 'emil' });
  await row.getByText('stories muted').waitFor();
  await expectNoSeriousA11yViolations(d, 'muted accounts');
  await row.getByRole('button', { name: 'Unmute emil' }).click();
  await d.getByText("You haven't muted anyone.").waitFor();

  await d.goto(`${origin}/stories/emil`);
  await d.getByRole('button', { name: 'More options for this story by emil' }).click();
  await d.getByRole('menuitem', { name: 'Report story' }).click();
  await d.getByLabel('Why are you reporting this story?').selectOption('harassment');
  await expectNoSeriousA11yViolations(d, 'story report');
  await d.screenshot({ path: path.join(shots, 'safety-story-report.png') });
  await d.getByRole('button', { name: 'Send report' }).click();
  await d.getByRole('status').getByText('the moderators will review this story').waitFor();
  const mutes = expectStatus(
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/mutes',
      headers: bearer(dina),
    }),
    200,
  );
  assert.deepEqual((mutes as { data: unknown[] }).data, []);
});
