/**
 * Account security in Debian's Chromium against a real server and a real SMTP server: the
 * confirmation link from the signup mail, the account settings page (sessions, hidden words),
 * and a forgotten password reset through the mailed link, then a login with the new password.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp-server.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';
import { freePort } from '../helpers/server-process.js';
import { expectNoSeriousA11yViolations } from './web-app.js';

const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'test-results', 'screenshots');

let t: TestApp;
let smtp: TestSmtp;
let browser: Browser;
let origin: string;

before(async () => {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/build-web-if-stale.ts')],
    { cwd: root, stdio: 'inherit' },
  );
  smtp = await startTestSmtp();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  t = await buildTestApp({
    env: { PUBLIC_URL: origin, WEB_DIST_DIR: path.join(root, 'web/dist'), SMTP_URL: smtp.url },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
  await smtp?.stop();
});

/** The link of the newest mail to `to` that has one under `path`. */
async function mailedLink(to: string, linkPath: string): Promise<string> {
  const pattern = new RegExp(`${origin.replace(/[.:/]/g, '\\$&')}${linkPath}\\?token=[\\w-]+`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = smtp.mails
      .filter((m) => m.to.includes(to))
      .map((m) => pattern.exec(m.text)?.[0])
      .filter(Boolean)
      .at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${linkPath} mail to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('confirm the email, manage the account, reset a forgotten password', async (journey) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  const username = `sec${process.pid}`;
  const email = `${username}@example.com`;

  await journey.test('the link in the signup mail confirms the address', async () => {
    await page.goto(`${origin}/signup`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Full name').fill('Sec Urity');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(await mailedLink(email, '/verify-email'));
    await page.getByText('your email address is confirmed').waitFor();
  });

  await journey.test('account settings: confirmed email, sessions, hidden words', async () => {
    await page.goto(`${origin}/settings`);
    await page.getByRole('link', { name: 'Account and security' }).click();
    await page.getByRole('heading', { name: 'Account and security' }).waitFor();
    await page.getByText('Confirmed.').waitFor();
    await page.getByText('This device').waitFor();
    await page.getByLabel('One word or phrase a line').fill('spoiler\nCrème brûlée');
    await page.getByRole('button', { name: 'Save hidden words' }).click();
    await page.getByText('Comments with these words are hidden on your posts.').waitFor();
    const saved = await t.db.selectFrom('hidden_words').select('word').orderBy('id').execute();
    assert.deepEqual(
      saved.map((row) => row.word),
      ['spoiler', 'Crème brûlée'],
    );
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Current password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#settings-new-password-error').waitFor();
    await expectNoSeriousA11yViolations(page, 'account settings');
    await page.screenshot({ path: path.join(shots, 'account-settings-1280.png'), fullPage: true });
  });

  await journey.test('a forgotten password is reset through the mailed link', async () => {
    await page.evaluate('localStorage.clear()');
    await page.goto(`${origin}/login`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    // Exact: the login page's "Username or email" also matches "Email" until the route changes.
    await page.getByRole('heading', { name: 'Trouble logging in?' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('we have mailed it a link').waitFor();
    await expectNoSeriousA11yViolations(page, 'password reset request');
    await page.goto(await mailedLink(email, '/reset-password'));
    await page.getByLabel('New password').waitFor();
    await expectNoSeriousA11yViolations(page, 'new password');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, 'reset-password-390.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('New password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password has been changed. Log in with the new one.').waitFor();
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });
  await context.close();
});
