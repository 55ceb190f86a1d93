import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { helmetDefaultHeaders } from './security-headers.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(() => t.close());

describe('security headers', () => {
  test("helmet's defaults, computed once, include the headers a JSON API relies on", () => {
    const headers = helmetDefaultHeaders();
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['x-frame-options'], 'SAMEORIGIN');
    assert.match(headers['strict-transport-security'] ?? '', /^max-age=\d+/);
    assert.match(headers['content-security-policy'] ?? '', /default-src 'self'/);
    assert.equal(headers['referrer-policy'], 'no-referrer');
  });

  test('every kind of answer carries all of them: success, problem, unknown route, docs', async () => {
    const expected = helmetDefaultHeaders(['http://photogram.test']);
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/healthz' }),
      t.app.inject({ method: 'GET', url: '/api/v1/feed' }),
      t.app.inject({ method: 'GET', url: '/no/such/route' }),
      t.app.inject({ method: 'GET', url: '/docs/' }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 401, 404, 200],
    );
    for (const [i, answer] of answers.entries()) {
      const docs = i === 3;
      for (const [name, value] of Object.entries(expected)) {
        // The docs page sets its own, narrower CSP (swagger-ui's staticCSP, src/http/openapi.ts).
        if (docs && name === 'content-security-policy') continue;
        assert.equal(answer.headers[name], value, `${name} on ${answer.statusCode}`);
      }
      assert.equal(answer.headers['x-powered-by'], undefined);
    }
    assert.match(String(answers[3]!.headers['content-security-policy']), /default-src 'self'/);
  });
});
