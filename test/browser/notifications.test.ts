/**
 * Notifications in the browser (Debian Chromium, real server, fresh SQLite): A has a photo post
 * open on the home screen; B, in another browser, likes it and comments "@A"; A's bell counts
 * both without a reload (the live stream); A opens the notifications page (grouped), follows the
 * mention link, and marks everything read; the caption's hashtag leads to its page (top and
 * recent grids). Screens are checked with axe and photographed.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { signupViaApi, type SignedUp } from '../helpers/accounts-factories.js';
import { expectStatus } from '../helpers/http.js';
import { makeImage, multipartForm } from '../helpers/media-fixtures.js';
import {
  DESKTOP,
  expectNoSeriousA11yViolations,
  PHONE,
  shots,
  signedIn as signedInTo,
  startWebApp,
  type WebApp,
} from './web-app.js';

let web: WebApp;
let t: WebApp['t'];
let origin: string;

before(async () => {
  web = await startWebApp();
  ({ t, origin } = web);
});
after(async () => web?.close());

const signedIn = (account: SignedUp, viewport: typeof DESKTOP): Promise<Page> =>
  signedInTo(web.browser, account, viewport);

test('B likes and comments with @A; A sees it live, grouped, and marks it read', async () => {
  const aliceAccount = await signupViaApi(t, { username: 'alice', name: 'Alice' });
  const bobAccount = await signupViaApi(t, { username: 'bob', name: 'Bob' });
  const auth = { authorization: `Bearer ${aliceAccount.access_token}` };
  const form = multipartForm(await makeImage('jpeg', 800, 800));
  const uploaded = expectStatus(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/media',
      headers: { ...auth, ...form.headers },
      payload: form.payload,
    }),
    201,
  );
  const post = expectStatus(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: auth,
      payload: { media_ids: [uploaded.id], caption: 'Harbour at dawn #Harbour' },
    }),
    201,
  );

  const a = await signedIn(aliceAccount, DESKTOP);
  await a.goto(`${origin}/`);
  const bell = a.getByRole('link', { name: /^Notifications/ });
  await bell.waitFor();
  assert.equal(await bell.getAttribute('aria-label'), 'Notifications');
  // The stream is open before B acts (the bell's count would otherwise come from a reload).
  await a.waitForTimeout(500);

  const b = await signedIn(bobAccount, PHONE);
  await b.goto(`${origin}/p/${post.id}`);
  await b.getByRole('button', { name: 'Like', exact: true }).click();
  await b.getByRole('button', { name: 'Unlike' }).waitFor();
  await a.getByTestId('unread-count').getByText('1', { exact: true }).waitFor();
  await b.getByLabel('Add a comment').fill('Lovely, @Alice!');
  await b.getByRole('button', { name: 'Post', exact: true }).click();
  await b.getByRole('link', { name: '@Alice' }).waitFor();

  // No reload on A's side: the count follows the live stream.
  await a.getByTestId('unread-count').getByText('2', { exact: true }).waitFor();
  assert.equal(await bell.getAttribute('aria-label'), 'Notifications (2 unread)');
  assert.equal(new URL(a.url()).pathname, '/');

  await bell.click();
  await a.waitForURL(`${origin}/notifications`);
  const items = a.getByRole('listitem').filter({ hasText: 'bob' });
  await items.filter({ hasText: 'liked your post.' }).waitFor();
  await items.filter({ hasText: 'commented on your post: “Lovely, @Alice!”' }).waitFor();
  await expectNoSeriousA11yViolations(a, 'notifications');
  await a.screenshot({ path: path.join(shots, 'notifications-1280.png') });

  await a.getByRole('button', { name: 'Mark all read' }).click();
  await a.getByTestId('unread-count').waitFor({ state: 'detached' });
  assert.equal(await bell.getAttribute('aria-label'), 'Notifications');
  const unread = await t.app.inject({
    method: 'GET',
    url: '/api/v1/notifications/unread-count',
    headers: auth,
  });
  assert.deepEqual(expectStatus(unread, 200), { count: 0 });

  // The mention in the comment links to A's profile.
  await a.goto(`${origin}/p/${post.id}`);
  await a.getByRole('link', { name: '@Alice' }).click();
  await a.waitForURL(`${origin}/u/alice`);

  // The caption's hashtag leads to the tag's page: top and recent grids.
  await a.goto(`${origin}/p/${post.id}`);
  await a.getByRole('link', { name: '#Harbour' }).click();
  await a.waitForURL(`${origin}/tags/harbour`);
  await a.getByRole('heading', { name: '#harbour' }).waitFor();
  await a.getByText('1 post', { exact: true }).waitFor();
  await a.getByRole('tabpanel', { name: 'Top posts' }).getByRole('link').waitFor();
  await a.getByRole('tab', { name: 'Recent' }).click();
  await a.getByRole('tabpanel', { name: 'Recent posts' }).getByRole('link').waitFor();
  await expectNoSeriousA11yViolations(a, 'hashtag');
  await a.goto(`${origin}/tags/nothing_here`);
  await a.getByText('No posts with #nothing_here yet.').waitFor();
});
