import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createUser, type TestUser } from '../../test/helpers/factories.js';
import { queryCount } from '../../test/helpers/http.js';
import { multipartForm } from '../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';

const apps: TestApp[] = [];
after(async () => Promise.all(apps.map((a) => a.close())));

async function appWith(env: Record<string, string>) {
  const t = await buildTestApp({ env });
  apps.push(t);
  return t;
}

/** A write that fails (unknown location) still counts, as every write does. */
const patchMe = (t: TestApp, user: TestUser) =>
  t.app.inject({
    method: 'PATCH',
    url: '/api/v1/me',
    headers: user.headers,
    payload: { bio: 'x' },
  });

/** Not an image: refused with 415 once received, but counted before it is read. */
const upload = (t: TestApp, user: TestUser, method: 'POST' | 'PUT' = 'POST') => {
  const { payload, headers } = multipartForm('not an image');
  return t.app.inject({
    method,
    url: method === 'POST' ? '/api/v1/media' : '/api/v1/me/profile-image',
    headers: { ...user.headers, ...headers },
    payload,
  });
};

const limitHeaders = (response: { headers: Record<string, unknown> }) => [
  response.headers['x-ratelimit-limit'],
  response.headers['x-ratelimit-remaining'],
];

describe('per-account write limits', () => {
  test('the limit+1st write in 5 minutes is a 429 problem with Retry-After; reads are not counted', async () => {
    const t = await appWith({ WRITE_RATE_LIMIT_PER_5MIN: '3' });
    const [alice, bob] = [await createUser(t), await createUser(t)];
    for (let i = 0; i < 3; i++) {
      const response = await patchMe(t, alice);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(limitHeaders(response), ['3', String(2 - i)]);
      const reset = Number(response.headers['x-ratelimit-reset']);
      assert.ok(reset > 0 && reset <= 300, `X-RateLimit-Reset ${reset}`);
    }
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: alice.headers });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['x-ratelimit-limit'], undefined);

    const limited = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/posts/999999',
      headers: alice.headers,
    });
    assert.equal(limited.statusCode, 429);
    assert.match(String(limited.headers['content-type']), /^application\/problem\+json/);
    assert.equal(limited.json().code, 'rate_limited');
    assert.match(limited.json().detail, /at most 3 per 5 minutes/);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 300, `Retry-After ${retryAfter}`);
    assert.deepEqual(limitHeaders(limited), ['3', '0']);
    assert.equal(queryCount(limited), 1, 'only the account check: the limit itself is no SQL');

    // Another account has its own budget; a failed write carries the headers too.
    const other = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/posts/999999',
      headers: bob.headers,
    });
    assert.equal(other.statusCode, 404);
    assert.deepEqual(limitHeaders(other), ['3', '2']);
  });

  test('auth endpoints and unauthenticated requests are not counted per account', async () => {
    const t = await appWith({ WRITE_RATE_LIMIT_PER_5MIN: '1' });
    for (let i = 0; i < 3; i++) {
      const refresh = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: 'x' },
      });
      assert.equal(refresh.statusCode, 401);
      assert.equal(refresh.headers['x-ratelimit-limit'], undefined);
      const anonymous = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', payload: {} });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.headers['x-ratelimit-limit'], undefined);
    }
  });

  test('the limit costs no statement: a counted write runs the same SQL as an uncounted one', async () => {
    const limited = await appWith({ WRITE_RATE_LIMIT_PER_5MIN: '100' });
    const unlimited = await appWith({});
    const a = await patchMe(limited, await createUser(limited));
    const b = await patchMe(unlimited, await createUser(unlimited));
    assert.equal(a.headers['x-ratelimit-limit'], '100');
    assert.equal(b.headers['x-ratelimit-limit'], undefined, '0 turns the limit off');
    assert.equal(queryCount(a), queryCount(b));
  });

  test('uploads have their own budget per 30 minutes, shared by POST /media and the profile image', async () => {
    const t = await appWith({ WRITE_RATE_LIMIT_PER_5MIN: '0', UPLOAD_RATE_LIMIT_PER_30MIN: '2' });
    const alice = await createUser(t);
    const first = await upload(t, alice);
    assert.equal(first.statusCode, 415);
    assert.deepEqual(limitHeaders(first), ['2', '1']);
    const second = await upload(t, alice, 'PUT');
    assert.equal(second.statusCode, 415);
    assert.deepEqual(limitHeaders(second), ['2', '0']);
    const limited = await upload(t, alice);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().detail, /Too many uploads.*at most 2 per 30 minutes/);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter > 300 && retryAfter <= 1800, `Retry-After ${retryAfter}`);
    // Other writes are not uploads.
    assert.equal((await patchMe(t, alice)).statusCode, 200);
  });

  test('an upload counts against both budgets; its headers show the tighter one', async () => {
    const t = await appWith({ WRITE_RATE_LIMIT_PER_5MIN: '3', UPLOAD_RATE_LIMIT_PER_30MIN: '2' });
    const alice = await createUser(t);
    assert.deepEqual(limitHeaders(await upload(t, alice)), ['2', '1']);
    assert.deepEqual(limitHeaders(await patchMe(t, alice)), ['3', '1']);
    assert.deepEqual(limitHeaders(await upload(t, alice)), ['2', '0']);
    // The write budget is spent now (3 of 3): the next write is refused by it.
    const limited = await patchMe(t, alice);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().detail, /Too many writes/);
  });

  test('with REDIS_URL, replicas share one budget per account', async () => {
    const prefix = `photogram-test-${randomBytes(6).toString('hex')}:`;
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: prefix,
      WRITE_RATE_LIMIT_PER_5MIN: '3',
    };
    const a = await appWith(env);
    // Same database for both replicas: the second is a second app on the first one's database.
    const b = await appWith({ ...env, DATABASE_URL: a.config.databaseUrl });
    const alice = await createUser(a);
    assert.deepEqual(limitHeaders(await patchMe(a, alice)), ['3', '2']);
    assert.deepEqual(limitHeaders(await patchMe(b, alice)), ['3', '1']);
    assert.deepEqual(limitHeaders(await patchMe(a, alice)), ['3', '0']);
    const limited = await patchMe(b, alice);
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);

    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${prefix}*`);
      assert.deepEqual(keys, [`${prefix}write-limit:${alice.id}`]);
      await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });
});
