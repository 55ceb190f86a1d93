import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { API_HEADERS, helmetHeaders } from './security-headers.js';

let t: TestApp;
let behindProxy: TestApp;
before(async () => {
  [t, behindProxy] = await Promise.all([
    buildTestApp(),
    buildTestApp({ env: { TRUST_PROXY: '127.0.0.1' } }),
  ]);
});
after(() => Promise.all([t.close(), behindProxy.close()]));

const UPGRADE = /upgrade-insecure-requests/;

describe('security headers', () => {
  test("helmet's defaults, computed once per scheme, include the headers a JSON API relies on", () => {
    for (const scheme of ['http', 'https'] as const) {
      const headers = helmetHeaders(scheme);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['x-frame-options'], 'SAMEORIGIN');
      assert.match(headers['strict-transport-security'] ?? '', /^max-age=\d+/);
      assert.match(headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.equal(headers['referrer-policy'], 'no-referrer');
    }
    assert.match(helmetHeaders('https')['content-security-policy']!, UPGRADE);
    assert.doesNotMatch(helmetHeaders('http')['content-security-policy']!, UPGRADE);
    const withoutCsp = (headers: Readonly<Record<string, string>>) =>
      Object.entries(headers).filter(([name]) => name !== 'content-security-policy');
    assert.deepEqual(withoutCsp(helmetHeaders('http')), withoutCsp(helmetHeaders('https')));
  });

  test("pages, docs, media and errors outside the API carry helmet's set", async () => {
    const expected = helmetHeaders('http', ['http://photogram.test']);
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/healthz' }),
      t.app.inject({ method: 'GET', url: '/no/such/route' }),
      t.app.inject({ method: 'GET', url: '/docs/' }),
      t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' }),
      t.app.inject({ method: 'GET', url: '/media/00/00/missing.jpg' }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 404, 200, 200, 404],
    );
    for (const answer of answers) {
      for (const [name, value] of Object.entries(expected)) {
        assert.equal(answer.headers[name], value, `${name} on ${answer.statusCode}`);
      }
      assert.equal(answer.headers['x-powered-by'], undefined);
    }
  });

  test("API answers (success, problem, unknown route, Mastodon's) carry the API set only", async () => {
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/api/v1/feed' }),
      t.app.inject({ method: 'GET', url: '/api/v1/users/nobody' }),
      t.app.inject({ method: 'GET', url: '/api/v1/no/such/route' }),
      t.app.inject({ method: 'GET', url: '/api/v2/instance' }),
      t.app.inject({ method: 'GET', url: '/api/v1/instance?x=1' }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [401, 404, 404, 200, 200],
    );
    for (const answer of answers) {
      for (const [name, value] of Object.entries(API_HEADERS)) {
        assert.equal(answer.headers[name], value, `${name} on ${answer.statusCode}`);
      }
      // HTML-only headers stay off JSON.
      for (const name of [
        'referrer-policy',
        'cross-origin-opener-policy',
        'origin-agent-cluster',
      ]) {
        assert.equal(answer.headers[name], undefined, `${name} on ${answer.statusCode}`);
      }
      assert.equal(answer.headers['x-powered-by'], undefined);
    }
  });

  test('upgrade-insecure-requests only over https: plain http, a trusted proxy, an untrusted one', async () => {
    const csp = async (app: TestApp, headers: Record<string, string>) =>
      String(
        (await app.app.inject({ method: 'GET', url: '/docs/', headers })).headers[
          'content-security-policy'
        ],
      );
    const https = { 'x-forwarded-proto': 'https' };
    // Over plain http the page's scripts must load over http, or /docs stays blank.
    assert.doesNotMatch(await csp(behindProxy, {}), UPGRADE);
    assert.doesNotMatch(await csp(behindProxy, { 'x-forwarded-proto': 'http' }), UPGRADE);
    // inject's remote address is 127.0.0.1, the trusted proxy: its X-Forwarded-Proto counts.
    assert.match(await csp(behindProxy, https), UPGRADE);
    assert.equal(
      await csp(behindProxy, https),
      helmetHeaders('https', ['http://photogram.test'])['content-security-policy'],
    );
    // Without TRUST_PROXY anyone could send the header: it is ignored.
    assert.doesNotMatch(await csp(t, https), UPGRADE);
  });
});
