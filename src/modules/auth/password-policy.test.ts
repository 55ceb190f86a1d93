import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signupViaApi, uniqueName } from '../../../test/helpers/accounts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { passwordProblem } from './password-policy.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const signup = (username: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { username, email: `${uniqueName('m')}@example.com`, password },
  });

async function refused(username: string, password: string, field: string, message: RegExp) {
  const response = await signup(username, password);
  assert.equal(response.statusCode, 400, `${JSON.stringify(password)}: ${response.body}`);
  const body = response.json();
  assert.equal(body.code, 'validation_failed');
  assert.equal(body.errors[0].field, field);
  assert.match(body.errors[0].message, message);
}

describe('signup password rules', () => {
  test('8–128 characters, counted after NFKC', async () => {
    await refused(uniqueName(), 'x'.repeat(129), 'password', /8–128/);
    // "e" + combining acute is two code points that NFKC composes into one: 8 become 7.
    await refused(uniqueName(), 'abcdefe\u0301', 'password', /8–128/);
    // U+FDFA is one character that NFKC spells out in 18: 8 typed are 144.
    await refused(uniqueName(), '\ufdfa'.repeat(8), 'password', /8–128/);
    await signupViaApi(t, { password: 'zq\ufb03vxwyu' });
    await signupViaApi(t, { password: 'x'.repeat(128) });
  });

  test('only whitespace or invisible characters are refused', async () => {
    await refused(uniqueName(), ' '.repeat(12), 'password', /visible/);
    await refused(
      uniqueName(),
      '\u200b\u200d\u2060\u00a0\u3000\u3164\u2800\u200e',
      'password',
      /visible/,
    );
    await refused(uniqueName(), '\t\n \u2003\u2028\ufeff\u180e\u034f', 'password', /visible/);
  });

  test('the most common passwords are refused, in any case or width', async () => {
    await refused(uniqueName(), 'password', 'password', /common/);
    await refused(uniqueName(), 'Password1', 'password', /common/);
    await refused(uniqueName(), 'QWERTYUIOP', 'password', /common/);
    // Full-width letters are the same password after NFKC.
    await refused(uniqueName(), 'ｆｏｏｔｂａｌｌ', 'password', /common/);
  });

  test('a password containing the username is refused', async () => {
    const name = uniqueName('zed');
    await refused(name, `my-${name}-pass`, 'password', /username/);
    await refused(name, `${name.toUpperCase()}!!`, 'password', /username/);
  });

  test('the rules as a function', () => {
    assert.equal(passwordProblem('correct horse battery', 'ann'), null);
    assert.equal(
      passwordProblem('annabelle-rides', 'al'),
      null,
      'two-letter names are not checked',
    );
    assert.match(passwordProblem('annabelle-rides', 'anna') ?? '', /username/);
  });
});

describe('signup username rules', () => {
  test('dots only, a leading or trailing dot, or two in a row are refused', async () => {
    for (const username of ['.', '..', '...', '.ann', 'ann.', 'an..n']) {
      const response = await signup(username, 'a-good-password');
      assert.equal(response.statusCode, 400, username);
      assert.deepEqual(
        response.json().errors.map((e: { field: string }) => e.field),
        ['username'],
        username,
      );
    }
  });

  test('single dots inside and underscores anywhere are fine', async () => {
    const base = uniqueName('d');
    for (const username of [`a.${base}`, `_${base}_`, `${base}.x.y`]) {
      const response = await signup(username, 'a-good-password');
      assert.equal(response.statusCode, 201, `${username}: ${response.body}`);
    }
  });
});
