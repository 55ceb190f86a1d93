/**
 * What the browser tests share: the built web app served by a real server on a fresh SQLite
 * database, Debian's Chromium, a browser signed in as an account, and the axe check.
 */
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SignedUp } from '../helpers/accounts-factories.js';
import { freePort } from '../helpers/server-process.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { launchChromium } from './chromium.js';

const root = path.resolve(import.meta.dirname, '../..');
export const shots = path.join(root, 'test-results', 'screenshots');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface WebApp {
  t: TestApp;
  browser: Browser;
  origin: string;
  close: () => Promise<void>;
}

/**
 * Builds web/dist if stale, then serves it with the API on a free port (`env` added to the test
 * app's); Chromium is launched.
 */
export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web-if-stale.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({
    env: { PUBLIC_URL: origin, WEB_DIST_DIR: path.join(root, 'web/dist'), ...env },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  const browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
  return {
    t,
    browser,
    origin,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** A browser signed in as `account` (the session the login screen would store). */
export async function signedIn(
  browser: Browser,
  account: SignedUp,
  viewport: typeof DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
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

export async function expectNoSeriousA11yViolations(page: Page, screen: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe on ${screen}`,
  );
}
