import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeImage } from '../helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';

/**
 * /docs as someone opens it on a server reached by name over plain http: photogram.test is
 * not a secure origin to Chromium (unlike localhost), and the resolver rule maps it to
 * loopback, so no traffic leaves the machine.
 */
let t: TestApp;
let browser: Browser;
let page: Page;
let docs: string;
const problems: string[] = [];

before(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  docs = `http://photogram.test:${(t.app.server.address() as AddressInfo).port}/docs`;
  browser = await launchChromium(['--host-resolver-rules=MAP photogram.test 127.0.0.1']);
  page = await browser.newPage();
  page.on('console', (message) => {
    // Chromium notes that it ignores helmet's COOP header on a non-secure origin; harmless.
    const ignoredCoop = /Cross-Origin-Opener-Policy header has been ignored/.test(message.text());
    if (message.type() === 'error' && !ignoredCoop) problems.push(message.text());
  });
  page.on('requestfailed', (request) =>
    problems.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('/docs over plain http on a named host renders its operations', async () => {
  const answer = await page.goto(docs);
  assert.equal(answer?.status(), 200);
  assert.doesNotMatch(answer?.headers()['content-security-policy'] ?? '', /upgrade-insecure/);
  const createPost = page.locator('#operations-posts-createPost');
  await createPost.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await createPost.innerText(), /\/api\/v1\/posts/);
  assert.ok((await page.locator('.opblock').count()) > 40);
  assert.deepEqual(problems, []);
});

test('"Try it out" uploads a file to POST /api/v1/media with a bearer token', async () => {
  const signup = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { username: 'docs_reader', email: 'docs@example.com', password: 'correct-horse' },
  });
  assert.equal(signup.statusCode, 201, signup.body);
  const { access_token: token } = signup.json<{ access_token: string }>();

  // Authorize: the lock button's dialog takes the bearer token.
  await page.locator('.auth-wrapper .authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input[type=text]').fill(token);
  await dialog.locator('button.authorize').click();
  await dialog.locator('button.btn-done').click();

  // Open the upload operation, switch to "Try it out", choose a JPEG, Execute.
  const upload = page.locator('#operations-media-uploadMedia');
  await upload.locator('.opblock-summary').click();
  await upload.locator('.try-out__btn').click();
  await upload.locator('input[type=file]').setInputFiles({
    name: 'harbour.jpg',
    mimeType: 'image/jpeg',
    buffer: await makeImage('jpeg', 800, 600),
  });
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/v1/media') && r.method() === 'POST'),
    upload.locator('button.execute').click(),
  ]);
  assert.equal(request.headers()['authorization'], `Bearer ${token}`);
  assert.match(request.headers()['content-type'] ?? '', /^multipart\/form-data; boundary=/);

  const status = upload.locator('.live-responses-table .response .response-col_status');
  await status.first().waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal((await status.first().innerText()).trim(), '201');
  const body = await upload
    .locator('.live-responses-table .response-col_description pre')
    .first()
    .innerText();
  const media = JSON.parse(body) as { id: string; type: string; width: number; height: number };
  assert.deepEqual(
    { type: media.type, width: media.width, height: media.height },
    {
      type: 'image',
      width: 800,
      height: 600,
    },
  );
  // The upload really happened: it is the reader's own media now.
  const stored = await t.app.inject({
    method: 'GET',
    url: `/api/v1/media/${media.id}`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(stored.statusCode, 200);
  assert.deepEqual(problems, []);
});
