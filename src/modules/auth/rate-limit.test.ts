import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

const apps: TestApp[] = [];
after(async () => Promise.all(apps.map((a) => a.close())));

async function appWith(env: Record<string, string>) {
  const t = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MIN: '3', ...env } });
  apps.push(t);
  return t;
}

// A new name each time: these tests count per address (password-attempts.test.ts per account).
let attempt = 0;
const login = (t: TestApp, forwardedFor?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: `nobody${++attempt}`, password: 'whatever-password' },
    remoteAddress: '10.0.0.1',
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });

describe('auth rate limits', () => {
  test('the limit+1st login in a minute is a 429 problem with Retry-After', async () => {
    const t = await appWith({});
    for (let i = 0; i < 3; i++) {
      const response = await login(t);
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['x-ratelimit-limit'], '3');
      assert.equal(response.headers['x-ratelimit-remaining'], String(2 - i));
    }
    const limited = await login(t);
    assert.equal(limited.statusCode, 429);
    assert.match(String(limited.headers['content-type']), /^application\/problem\+json/);
    assert.equal(limited.json().code, 'rate_limited');
    assert.equal(limited.json().status, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.ok(limited.headers['x-ratelimit-reset']);
  });

  test('signup is limited too, and other routes are not', async () => {
    const t = await appWith({});
    const signup = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: {} });
    for (let i = 0; i < 3; i++) assert.equal((await signup()).statusCode, 400);
    assert.equal((await signup()).statusCode, 429);
    for (let i = 0; i < 5; i++) {
      const refresh = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: 'x' },
      });
      assert.equal(refresh.statusCode, 401);
    }
  });

  test('without TRUST_PROXY, X-Forwarded-For is ignored: one budget per connection address', async () => {
    const t = await appWith({});
    for (let i = 0; i < 3; i++) assert.equal((await login(t, `203.0.113.${i}`)).statusCode, 401);
    assert.equal((await login(t, '203.0.113.99')).statusCode, 429);
  });

  test('with TRUST_PROXY, each forwarded client address has its own budget', async () => {
    const t = await appWith({ TRUST_PROXY: 'true' });
    for (let i = 0; i < 3; i++) assert.equal((await login(t, '203.0.113.1')).statusCode, 401);
    assert.equal((await login(t, '203.0.113.1')).statusCode, 429);
    assert.equal((await login(t, '203.0.113.2')).statusCode, 401);
  });

  test('with REDIS_URL, replicas share one budget per address', async () => {
    const prefix = `photogram-test-${randomBytes(6).toString('hex')}:`;
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix };
    const [a, b] = [await appWith(env), await appWith(env)];
    assert.equal((await login(a)).statusCode, 401);
    assert.equal((await login(b)).statusCode, 401);
    assert.equal((await login(a)).statusCode, 401);
    const limited = await login(b);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);

    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${prefix}*`);
      assert.ok(keys.length > 0, 'the counters live in Redis under the configured prefix');
      await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });
});
