import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';

let t: TestApp;
let browser: Browser;
let origin: string;
before(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('a page in Chromium signs up through the API and reads the profile back', async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/healthz`);
  const profile = await page.evaluate(async () => {
    const signup = await fetch('/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'Browser_User',
        email: 'b@example.com',
        password: 'correct-horse',
      }),
    });
    const { access_token } = (await signup.json()) as { access_token: string };
    const me = await fetch('/api/v1/me', { headers: { authorization: `Bearer ${access_token}` } });
    return { status: me.status, body: (await me.json()) as { username: string; email: string } };
  });
  assert.equal(profile.status, 200);
  assert.equal(profile.body.username, 'browser_user');
  assert.equal(profile.body.email, 'b@example.com');
});
