import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config.js';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { corsOriginMatcher } from './cors.js';

describe('CORS', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  const preflight = (origin: string, method = 'PATCH') =>
    t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });

  it('lets an allowed origin PATCH with the headers the API uses', async () => {
    for (const origin of ['http://localhost:5173', 'http://photogram.test']) {
      const response = await preflight(origin);
      assert.equal(response.statusCode, 204, origin);
      assert.equal(response.headers['access-control-allow-origin'], origin);
      const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        assert.ok(methods.includes(method), `${method} in ${methods.join(',')}`);
      }
      const headers = String(response.headers['access-control-allow-headers']).toLowerCase();
      for (const header of ['authorization', 'content-type', 'idempotency-key']) {
        assert.ok(headers.split(/,\s*/).includes(header), `${header} in ${headers}`);
      }
    }
  });

  it('gives a refused origin no Access-Control-Allow-Origin', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example:80']) {
      const response = await preflight(origin);
      assert.equal(response.headers['access-control-allow-origin'], undefined, origin);
      const get = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin } });
      assert.equal(get.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it('sends no CORS headers to a request without an Origin, but varies on it', async () => {
    const get = await t.app.inject({ method: 'GET', url: '/api/v2/instance' });
    assert.equal(get.statusCode, 200);
    const cors = Object.keys(get.headers).filter((name) => name.startsWith('access-control-'));
    assert.deepEqual(cors, []);
    assert.match(String(get.headers.vary), /Origin/);
    // Nor is an OPTIONS without one a preflight.
    const options = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/feed' });
    assert.equal(options.headers['access-control-allow-methods'], undefined);
    assert.notEqual(options.statusCode, 204);
    const allowed = await t.app.inject({
      method: 'GET',
      url: '/api/v2/instance',
      headers: { origin: 'http://photogram.test' },
    });
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://photogram.test');
    assert.match(String(allowed.headers['access-control-expose-headers']), /X-Request-Id/);
  });

  it('reads CORS_ORIGINS: a list, * and ports given as *', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp' } as const;
    const production = loadConfig({ ...env, PUBLIC_URL: 'https://photogram.example/' });
    assert.deepEqual(production.corsOrigins, ['https://photogram.example']);
    const listed = loadConfig({
      ...env,
      CORS_ORIGINS: 'https://a.example, http://localhost:*',
    }).corsOrigins;
    assert.deepEqual(listed, ['https://a.example', 'http://localhost:*']);
    const allowed = corsOriginMatcher(listed);
    assert.equal(allowed('https://a.example'), true);
    assert.equal(allowed('http://localhost:3000'), true);
    assert.equal(allowed('http://localhost'), true);
    assert.equal(allowed('https://b.example'), false);
    assert.equal(allowed('http://localhost:3000.evil.example'), false);
    assert.equal(corsOriginMatcher(['*'])('https://anything.example'), true);
  });
});
