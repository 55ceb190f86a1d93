/**
 * Reports and moderation in the browser (Debian Chromium, real server, fresh SQLite): B reports
 * A's post from its page; a moderator opens the queue from Settings (/admin/reports), sees the report with
 * the reported caption and photo, and removes the post; the queue is then empty and the post
 * gone. Screens are checked with axe.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { changeRoleFromConsole } from '../../src/modules/moderation/moderation.service.js';
import { signupViaApi, type SignedUp } from '../helpers/accounts-factories.js';
import { expectStatus } from '../helpers/http.js';
import { makeImage, multipartForm } from '../helpers/media-fixtures.js';
import { freePort } from '../helpers/server-process.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';
import { expectNoSeriousA11yViolations } from './web-app.js';

const root = path.resolve(import.meta.dirname, '../..');

let t: TestApp;
let browser: Browser;
let origin: string;

before(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web-if-stale.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PUBLIC_URL: origin, WEB_DIST_DIR: path.join(root, 'web/dist') },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(account: SignedUp): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(10_000);
  const session = {
    accessToken: account.access_token,
    refreshToken: account.refresh_token,
    user: account.user,
  };
  await context.addInitScript(
    `localStorage.setItem('photogram.session', ${JSON.stringify(JSON.stringify(session))});`,
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  return page;
}

test('B reports a post; a moderator removes it from the queue', async () => {
  const author = await signupViaApi(t, { username: 'ann', name: 'Ann' });
  const reporter = await signupViaApi(t, { username: 'ben', name: 'Ben' });
  const moderator = await signupViaApi(t, { username: 'mo', name: 'Mo' });
  await changeRoleFromConsole(t.db, new Date(), 'mo', 'moderator');
  const auth = { authorization: `Bearer ${author.access_token}` };
  const form = multipartForm(await makeImage('jpeg', 600, 600));
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
      payload: { media_ids: [uploaded.id], caption: 'Cheap followers here' },
    }),
    201,
  );

  const b = await signedIn(reporter);
  await b.goto(`${origin}/p/${post.id}`);
  await b.getByRole('button', { name: 'Report' }).click();
  await b.getByLabel('Why are you reporting this post?').selectOption('spam');
  await expectNoSeriousA11yViolations(b, 'report form');
  await b.getByRole('button', { name: 'Send report' }).click();
  await b.getByRole('status').getByText('the moderators will review this post').waitFor();

  const m = await signedIn(moderator);
  await m.goto(`${origin}/settings`);
  await m.getByRole('link', { name: 'Review reports' }).click();
  await m.waitForURL(`${origin}/admin/reports`);
  const item = m.getByRole('listitem').filter({ hasText: 'Cheap followers here' });
  await item.waitFor();
  assert.match((await item.textContent()) ?? '', /reported by ben/);
  await expectNoSeriousA11yViolations(m, 'admin reports');
  await item.getByRole('button', { name: 'Remove content' }).click();
  await m.getByText('No open reports.').waitFor();
  const gone = await t.app.inject({
    method: 'GET',
    url: `/api/v1/posts/${post.id}`,
    headers: { authorization: `Bearer ${reporter.access_token}` },
  });
  assert.equal(gone.statusCode, 404);
});
