import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { signupViaApi, uniqueName } from '../../../test/helpers/accounts-factories.js';
import { bearer, expectStatus, queryCount } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const PASSWORD = 'a-good-password';
interface Pair {
  access_token: string;
  refresh_token: string;
}

const call = (method: string, url: string, token: string | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload ? { payload } : {}),
  });
const login = async (username: string, userAgent: string, password = PASSWORD) =>
  expectStatus<Pair>(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      headers: { 'user-agent': userAgent },
      remoteAddress: '203.0.113.5',
    }),
    200,
  );
const meStatus = async (token: string) => (await call('GET', '/me', token)).statusCode;
const refresh = (token: string) => call('POST', '/auth/refresh', null, { refresh_token: token });

async function account() {
  const username = uniqueName('sess');
  await signupViaApi(t, { username, password: PASSWORD });
  return username;
}

describe('sessions', () => {
  test('require authentication', async () => {
    for (const [method, url] of [
      ['GET', '/me/sessions'],
      ['DELETE', '/me/sessions/1'],
      ['DELETE', '/me/sessions'],
      ['POST', '/me/password'],
    ] as const) {
      assert.equal((await call(method, url, null)).statusCode, 401, `${method} ${url}`);
    }
  });

  test('each login is a session: user agent, address, times, the current one marked', async () => {
    const name = await account();
    const phone = await login(name, 'PhoneApp/1.0');
    const laptop = await login(name, 'Laptop Browser');
    const response = await call('GET', '/me/sessions', laptop.access_token);
    const sessions = expectStatus(response, 200).data;
    assert.equal(sessions.length, 3); // signup, phone, laptop
    assert.deepEqual(
      sessions
        .slice(0, 2)
        .map((s: { user_agent: string; current: boolean }) => [s.user_agent, s.current]),
      [
        ['Laptop Browser', true],
        ['PhoneApp/1.0', false],
      ],
    );
    assert.equal(sessions[0].ip_address, '203.0.113.5');
    assert.match(sessions[0].last_used_at, /Z$/);
    const again = await call('GET', '/me/sessions', phone.access_token);
    assert.equal(queryCount(again), queryCount(response));
  });

  test("logging out ends that login's access token at once, not after 15 minutes", async () => {
    const name = await account();
    const pair = await login(name, 'ua');
    const other = await login(name, 'ua2');
    assert.equal(await meStatus(pair.access_token), 200);
    expectStatus(
      await call('POST', '/auth/logout', null, { refresh_token: pair.refresh_token }),
      204,
    );
    assert.equal(await meStatus(pair.access_token), 401);
    assert.equal(await meStatus(other.access_token), 200);
  });

  test('revoking a session ends its access and refresh tokens at once; others go on', async () => {
    const name = await account();
    const phone = await login(name, 'PhoneApp/1.0');
    const laptop = await login(name, 'Laptop Browser');
    const list = expectStatus(await call('GET', '/me/sessions', laptop.access_token), 200).data;
    const phoneSession = list.find((s: { user_agent: string }) => s.user_agent === 'PhoneApp/1.0');
    expectStatus(await call('DELETE', `/me/sessions/${phoneSession.id}`, laptop.access_token), 204);
    assert.equal(await meStatus(phone.access_token), 401);
    assert.equal((await refresh(phone.refresh_token)).statusCode, 401);
    assert.equal(await meStatus(laptop.access_token), 200);
    // Already ended, or someone else's: 404.
    assert.equal(
      (await call('DELETE', `/me/sessions/${phoneSession.id}`, laptop.access_token)).statusCode,
      404,
    );
    const stranger = await login(await account(), 'x');
    const mine = expectStatus(await call('GET', '/me/sessions', laptop.access_token), 200).data[0];
    assert.equal(
      (await call('DELETE', `/me/sessions/${mine.id}`, stranger.access_token)).statusCode,
      404,
    );
    assert.equal(await meStatus(laptop.access_token), 200);
  });

  test("a refresh token's reuse ends the access tokens of that login at once", async () => {
    const name = await account();
    const first = await login(name, 'ua');
    const second = expectStatus<Pair>(await refresh(first.refresh_token), 200);
    assert.equal(await meStatus(second.access_token), 200);
    assert.equal((await refresh(first.refresh_token)).statusCode, 401); // reuse
    assert.equal(await meStatus(second.access_token), 401);
    assert.equal((await refresh(second.refresh_token)).statusCode, 401);
  });

  test('a refresh keeps the session and moves last_used_at', async () => {
    const name = await account();
    const pair = await login(name, 'ua');
    const before = expectStatus(await call('GET', '/me/sessions', pair.access_token), 200).data;
    t.clock.setOffset(5000);
    const next = expectStatus<Pair>(await refresh(pair.refresh_token), 200);
    t.clock.setOffset(0);
    const after = expectStatus(await call('GET', '/me/sessions', next.access_token), 200).data;
    assert.equal(after.length, before.length);
    assert.equal(after[0].id, before[0].id);
    assert.equal(after[0].current, true);
    assert.ok(after[0].last_used_at > before[0].last_used_at);
    assert.equal(after[0].created_at, before[0].created_at);
  });

  test('log out everywhere else', async () => {
    const name = await account();
    const a = await login(name, 'a');
    const b = await login(name, 'b');
    expectStatus(await call('DELETE', '/me/sessions', b.access_token), 204);
    assert.equal(await meStatus(a.access_token), 401);
    assert.equal(await meStatus(b.access_token), 200);
    assert.equal(
      expectStatus(await call('GET', '/me/sessions', b.access_token), 200).data.length,
      1,
    );
  });
});

describe('POST /me/password', () => {
  test('needs the current password and a new one that follows the rules', async () => {
    const name = await account();
    const pair = await login(name, 'ua');
    const wrong = await call('POST', '/me/password', pair.access_token, {
      current_password: 'not-it-at-all',
      new_password: 'another-good-one',
    });
    assert.equal(wrong.statusCode, 403);
    const weak = await call('POST', '/me/password', pair.access_token, {
      current_password: PASSWORD,
      new_password: 'password1',
    });
    assert.equal(weak.statusCode, 400);
    assert.deepEqual(
      weak.json().errors.map((e: { field: string }) => e.field),
      ['new_password'],
    );
    const withName = await call('POST', '/me/password', pair.access_token, {
      current_password: PASSWORD,
      new_password: `x-${name}-x`,
    });
    assert.equal(withName.statusCode, 400);
  });

  test('changes it and ends every other session at once; this one goes on', async () => {
    const name = await account();
    const other = await login(name, 'other device');
    const here = await login(name, 'here');
    const response = await call('POST', '/me/password', here.access_token, {
      current_password: PASSWORD,
      new_password: 'a-brand-new-secret',
    });
    expectStatus(response, 204);
    assert.equal(await meStatus(other.access_token), 401);
    assert.equal((await refresh(other.refresh_token)).statusCode, 401);
    assert.equal(await meStatus(here.access_token), 200);
    expectStatus(await refresh(here.refresh_token), 200);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: name, password: PASSWORD },
    });
    assert.equal(old.statusCode, 401);
    await login(name, 'ua', 'a-brand-new-secret');
  });
});

test('authenticated answers carry Cache-Control: no-store; anonymous public ones do not', async () => {
  const name = await account();
  const pair = await login(name, 'ua');
  for (const url of ['/me', `/users/${name}`, '/feed']) {
    const response = await call('GET', url, pair.access_token);
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.headers['cache-control'], 'no-store', url);
  }
  const anonymous = await call('GET', `/users/${name}`, null);
  assert.equal(anonymous.statusCode, 200);
  assert.notEqual(anonymous.headers['cache-control'], 'no-store');
});

describe('the session check (src/modules/auth/session-check.ts)', () => {
  test('without Redis, every request checks its session in the database', async () => {
    const pair = await login(await account(), 'ua');
    const first = await call('GET', '/me', pair.access_token);
    const again = await call('GET', '/me', pair.access_token);
    assert.equal(queryCount(again), queryCount(first));
  });

  test('with Redis, a cached session costs no statement; ending it here ends it at once', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `test-${process.pid}-${Date.now()}:`;
    const r = await buildTestApp({ env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } });
    const admin = new Redis(redisUrl);
    try {
      const signedUp = await signupViaApi(r, { password: PASSWORD });
      const me = () =>
        r.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(signedUp.access_token) });
      const first = await me();
      const uncachedCount = queryCount(first);
      /** GET /me until it costs `count` statements (within 5 s). */
      const until = async (count: number, what: string) => {
        // Often: ioredis reconnects 50 ms after a lost connection.
        for (let i = 0; i < 500; i++) {
          const response = await me();
          assert.equal(response.statusCode, 200);
          if (queryCount(response) === count) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.fail(what);
      };
      // The cache is trusted once the revocation channel is subscribed (soon after start).
      await until(uncachedCount - 1, 'the session was never cached');
      // A replica that loses its subscription could miss revocations: it stops caching until it
      // has subscribed again.
      const clients = String(await admin.client('LIST'));
      const id = new RegExp(`id=(\\d+) .*name=${prefix}sessions:ended`).exec(clients)?.[1];
      assert.ok(id, 'the subscriber connection is named after its channel');
      await admin.client('KILL', 'ID', id);
      await until(uncachedCount, 'the cache was still used without a subscription');
      await until(uncachedCount - 1, 'the cache was not used again after resubscribing');
      expectStatus(
        await r.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          payload: { refresh_token: signedUp.refresh_token },
        }),
        204,
      );
      assert.equal((await me()).statusCode, 401);
    } finally {
      admin.disconnect();
      await r.close();
    }
  });
});
