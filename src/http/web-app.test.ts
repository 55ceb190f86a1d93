import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';

const dist = mkdtempSync(path.join(tmpdir(), 'photogram-web-'));
mkdirSync(path.join(dist, 'assets'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Photogram</title>');
writeFileSync(path.join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');

let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { WEB_DIST_DIR: dist } });
});
after(() => t.close());

describe('the web app at /', () => {
  test('index.html at / and at client routes, never cached', async () => {
    for (const url of ['/', '/p/123', '/u/alice/followers', '/explore?x=1']) {
      const answer = await t.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 200, url);
      assert.match(String(answer.headers['content-type']), /^text\/html/);
      assert.equal(answer.headers['cache-control'], 'no-cache', url);
      assert.match(answer.body, /<title>Photogram<\/title>/);
    }
  });

  test('hashed assets are cached for a year', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(answer.headers['content-type']), /javascript/);
  });

  test('server paths keep their meaning: unknown ones are JSON problems, not the app', async () => {
    for (const url of [
      '/api/v1/nope',
      '/api/other',
      '/media/nope.jpg',
      '/docs/nope',
      '/assets/missing.js',
    ]) {
      const answer = await t.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 404, url);
      if (url !== '/assets/missing.js') {
        assert.match(String(answer.headers['content-type']), /application\/problem\+json/, url);
      }
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.match((await t.app.inject({ method: 'GET', url: '/openapi.json' })).body, /"openapi"/);
    const posted = await t.app.inject({ method: 'POST', url: '/p/123' });
    assert.equal(posted.statusCode, 404);
  });

  test('the CSP lets the app show blob:/data: previews and media from the media origin', async () => {
    const csp = (await t.app.inject({ method: 'GET', url: '/' })).headers[
      'content-security-policy'
    ];
    assert.match(String(csp), /img-src 'self' data: blob: http:\/\/photogram\.test/);
    assert.match(String(csp), /media-src 'self' blob: http:\/\/photogram\.test/);
    assert.match(String(csp), /script-src 'self'(;|$)/);
  });
});
