import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, FACTORY_PASSWORD, type TestUser } from '../../../test/helpers/factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MIN: '3' } });
});
after(async () => t.close());

const deleteMe = (user: TestUser, password: string, address: string) =>
  t.app.inject({
    method: 'DELETE',
    url: '/api/v1/me',
    headers: user.headers,
    payload: { password },
    remoteAddress: address,
  });

const login = (username: string, address: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: 'a-wrong-password' },
    remoteAddress: address,
  });

function assertLimited(response: Awaited<ReturnType<typeof login>>) {
  assert.equal(response.statusCode, 429, response.body);
  assert.equal(response.json().code, 'rate_limited');
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
}

describe('password attempts are limited', () => {
  test('DELETE /me per account: a new address does not buy more guesses', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) {
      assert.equal((await deleteMe(user, 'not-the-password', `10.1.0.${i}`)).statusCode, 403);
    }
    assertLimited(await deleteMe(user, 'not-the-password', '10.1.0.9'));
    // Not even the right password gets through until the minute is over.
    assertLimited(await deleteMe(user, FACTORY_PASSWORD, '10.1.0.10'));
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode,
      200,
    );
  });

  test('DELETE /me per address: other accounts from one address share its budget', async () => {
    const users = [await createUser(t), await createUser(t), await createUser(t)];
    for (const user of users) {
      assert.equal((await deleteMe(user, 'not-the-password', '10.2.0.1')).statusCode, 403);
    }
    assertLimited(await deleteMe(await createUser(t), 'not-the-password', '10.2.0.1'));
  });

  test('login per account named, from any address', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) {
      assert.equal((await login(user.username, `10.3.0.${i}`)).statusCode, 401);
    }
    assertLimited(await login(user.username, '10.3.0.9'));
    // Another account from a fresh address is not affected.
    assert.equal((await login((await createUser(t)).username, '10.3.0.10')).statusCode, 401);
  });

  test('POST /me/password per account', async () => {
    const user = await createUser(t);
    const change = (address: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: user.headers,
        payload: { current_password: 'not-the-password', new_password: 'a-new-good-one' },
        remoteAddress: address,
      });
    for (let i = 0; i < 3; i++) assert.equal((await change(`10.4.0.${i}`)).statusCode, 403);
    assertLimited(await change('10.4.0.9'));
  });
});
