import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { signupViaApi, uniqueName } from '../../../test/helpers/accounts-factories.js';
import { createUser, FACTORY_PASSWORD } from '../../../test/helpers/factories.js';
import { bearer, expectStatus } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const post = (url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object });
const me = (token: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
const problemCode = (response: { json: () => unknown }) =>
  (response.json() as { code: string }).code;

describe('POST /auth/signup', () => {
  test('creates the account, lowercases username and email, and returns a working pair', async () => {
    const name = uniqueName('Mixed');
    const response = await post('/auth/signup', {
      username: name,
      email: `${name}@Example.COM`,
      password: 'long enough',
      name: '  Ann Example ',
    });
    const body = expectStatus(response, 201);
    assert.equal(body.user.username, name.toLowerCase());
    assert.equal(body.user.name, 'Ann Example');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, t.config.accessTokenTtlSeconds);
    assert.match(body.refresh_token, /^[\w-]{43}$/);
    assert.equal(response.headers.location, `/api/v1/users/${name.toLowerCase()}`);
    const profile = expectStatus(await me(body.access_token), 200);
    assert.equal(profile.email, `${name.toLowerCase()}@example.com`);
    assert.equal(profile.username, name.toLowerCase());
  });

  test('password length counts Unicode characters, not bytes', async () => {
    const short = await post('/auth/signup', {
      username: uniqueName(),
      email: `${uniqueName()}@example.com`,
      password: '😀😀😀😀😀😀😀', // 7 characters, 28 bytes
    });
    assert.equal(short.statusCode, 400);
    await signupViaApi(t, { password: '😀😀😀😀😀😀😀😀' });
  });

  test('names every invalid field', async () => {
    const response = await post('/auth/signup', {
      username: 'bad name!',
      email: 'not-an-email',
      password: 'short',
      name: 'x'.repeat(51),
      extra: 1,
    });
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(body.errors.map((e: { field: string }) => e.field).sort(), [
      'email',
      'extra',
      'name',
      'password',
      'username',
    ]);
    const tooLong = await post('/auth/signup', {
      username: 'a'.repeat(31),
      email: 'x@example.com',
      password: 'long enough',
    });
    assert.equal(tooLong.statusCode, 400);
  });

  test('a username or email taken in any case is 409 naming which', async () => {
    const first = await signupViaApi(t);
    const username = first.user.username;
    const sameName = await post('/auth/signup', {
      username: username.toUpperCase(),
      email: `${uniqueName()}@example.com`,
      password: 'long enough',
    });
    assert.equal(sameName.statusCode, 409);
    assert.equal(problemCode(sameName), 'conflict');
    assert.match(sameName.json().detail, /username/);
    assert.doesNotMatch(sameName.json().detail, /email/);
    const sameEmail = await post('/auth/signup', {
      username: uniqueName(),
      email: `${username.toUpperCase()}@EXAMPLE.com`,
      password: 'long enough',
    });
    assert.equal(sameEmail.statusCode, 409);
    assert.match(sameEmail.json().detail, /email/);
  });

  test('two simultaneous signups with one username: exactly one 201 and one 409', async () => {
    const username = uniqueName('race');
    const responses = await Promise.all(
      [1, 2].map((i) =>
        post('/auth/signup', {
          username,
          email: `${username}-${i}@example.com`,
          password: 'long enough',
        }),
      ),
    );
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [201, 409]);
    const count = await t.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });
});

describe('POST /auth/login', () => {
  test('accepts the username or the email, in any case', async () => {
    const user = await createUser(t);
    for (const login of [user.username, user.email.toUpperCase()]) {
      const body = expectStatus(
        await post('/auth/login', { username: login, password: FACTORY_PASSWORD }),
        200,
      );
      assert.equal(body.user.id, String(user.id));
      expectStatus(await me(body.access_token), 200);
    }
  });

  test('unknown user and wrong password are the same 401 and take similar time', async () => {
    const user = await createUser(t);
    const attempt = async (username: string) => {
      const started = performance.now();
      const response = await post('/auth/login', { username, password: 'wrong password' });
      return { response, ms: performance.now() - started };
    };
    // The fastest of three tries of each: one slow sample (GC, the other test file's argon2 on
    // the second core) made a single comparison flaky.
    const fastest = async (username: () => string) => {
      const tries = [];
      for (let i = 0; i < 3; i++) tries.push(await attempt(username()));
      return tries.reduce((a, b) => (b.ms < a.ms ? b : a));
    };
    await attempt('warm-up-nobody');
    const wrong = await fastest(() => user.username);
    const unknown = await fastest(() => uniqueName('nobody'));
    assert.equal(wrong.response.statusCode, 401);
    assert.equal(unknown.response.statusCode, 401);
    const strip = (r: typeof wrong) => ({ ...r.response.json(), instance: undefined });
    assert.deepEqual(strip(unknown), strip(wrong));
    // Both paths run one argon2 verification; without the dummy hash "unknown" would be ~0 ms.
    assert.ok(unknown.ms > wrong.ms / 4, `unknown ${unknown.ms} ms vs wrong ${wrong.ms} ms`);
  });

  test('a deactivated account cannot log in', async () => {
    const user = await createUser(t, { isActive: false });
    const response = await post('/auth/login', {
      username: user.username,
      password: FACTORY_PASSWORD,
    });
    assert.equal(response.statusCode, 401);
  });

  test('missing fields are 400', async () => {
    const response = await post('/auth/login', { username: 'x' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().errors, [{ field: 'password', message: 'is required' }]);
  });
});

describe('refresh tokens', () => {
  test('rotate on every use: the old one stops working', async () => {
    const first = await signupViaApi(t);
    const second = expectStatus(
      await post('/auth/refresh', { refresh_token: first.refresh_token }),
      200,
    );
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(second.user.id, first.user.id);
    expectStatus(await me(second.access_token), 200);
    const third = expectStatus(
      await post('/auth/refresh', { refresh_token: second.refresh_token }),
      200,
    );
    assert.ok(third.refresh_token);
  });

  test('reusing a rotated token revokes its whole family, other logins keep working', async () => {
    const login = await signupViaApi(t);
    const otherLogin = expectStatus(
      await post('/auth/login', { username: login.user.username, password: 'a-good-password' }),
      200,
    );
    const rotated = expectStatus(
      await post('/auth/refresh', { refresh_token: login.refresh_token }),
      200,
    );
    const reuse = await post('/auth/refresh', { refresh_token: login.refresh_token });
    assert.equal(reuse.statusCode, 401);
    assert.equal(problemCode(reuse), 'not_authenticated');
    // The legitimate descendant is revoked too.
    assert.equal(
      (await post('/auth/refresh', { refresh_token: rotated.refresh_token })).statusCode,
      401,
    );
    expectStatus(await post('/auth/refresh', { refresh_token: otherLogin.refresh_token }), 200);
  });

  test('logout revokes that token only, and is idempotent', async () => {
    const login = await signupViaApi(t);
    const other = expectStatus(
      await post('/auth/login', { username: login.user.username, password: 'a-good-password' }),
      200,
    );
    for (let i = 0; i < 2; i++) {
      const response = await post('/auth/logout', { refresh_token: login.refresh_token });
      assert.equal(response.statusCode, 204);
    }
    assert.equal(
      (await post('/auth/refresh', { refresh_token: login.refresh_token })).statusCode,
      401,
    );
    expectStatus(await post('/auth/refresh', { refresh_token: other.refresh_token }), 200);
    assert.equal((await post('/auth/logout', { refresh_token: 'unknown' })).statusCode, 204);
  });

  test('an expired refresh token is refused', async () => {
    const login = await signupViaApi(t);
    t.clock.setOffset((t.config.refreshTokenTtlSeconds + 1) * 1000);
    try {
      const response = await post('/auth/refresh', { refresh_token: login.refresh_token });
      assert.equal(response.statusCode, 401);
    } finally {
      t.clock.setOffset(0);
    }
  });

  test('unknown or missing refresh tokens are 401 / 400', async () => {
    assert.equal((await post('/auth/refresh', { refresh_token: 'nope' })).statusCode, 401);
    assert.equal((await post('/auth/refresh', {})).statusCode, 400);
    assert.equal((await post('/auth/logout', {})).statusCode, 400);
  });

  test('a refresh token is never accepted as an access token, nor the reverse', async () => {
    const login = await signupViaApi(t);
    assert.equal((await me(login.refresh_token)).statusCode, 401);
    assert.equal(
      (await post('/auth/refresh', { refresh_token: login.access_token })).statusCode,
      401,
    );
  });
});

describe('access tokens', () => {
  test('missing, malformed, forged, expired or wrong-type tokens are 401', async () => {
    const user = await createUser(t);
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(missing.statusCode, 401);
    assert.equal(problemCode(missing), 'not_authenticated');
    const sign = (secret: string, typ: string) =>
      new SignJWT({ typ })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(user.id))
        .setIssuer('photogram')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
    const forged = await sign('another-secret-another-secret-another-secret', 'access');
    const wrongType = await sign(t.config.jwtSecret, 'refresh');
    for (const token of ['garbage', forged, wrongType]) {
      assert.equal((await me(token)).statusCode, 401, token);
    }
    t.clock.setOffset((t.config.accessTokenTtlSeconds + 1) * 1000);
    try {
      assert.equal((await me(user.token)).statusCode, 401);
    } finally {
      t.clock.setOffset(0);
    }
    assert.equal((await me(user.token)).statusCode, 200);
  });

  test("a deactivated user's unexpired access token is refused", async () => {
    const user = await createUser(t);
    expectStatus(await me(user.token), 200);
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', user.id).execute();
    assert.equal((await me(user.token)).statusCode, 401);
  });
});
