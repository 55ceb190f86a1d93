import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertPost, signupViaApi, uniqueName } from '../../../test/helpers/accounts-factories.js';
import {
  createUser,
  deactivate,
  FACTORY_PASSWORD,
  follow,
} from '../../../test/helpers/factories.js';
import { bearer, expectStatus, queryCount } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

type Headers = { authorization: string } | undefined;
const get = (url: string, headers?: Headers) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
const patchMe = (headers: Headers, payload: object) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers, payload });
const deleteMe = (headers: Headers, payload: object) =>
  t.app.inject({ method: 'DELETE', url: '/api/v1/me', headers, payload });

describe('GET /me', () => {
  test('requires authentication', async () => {
    assert.equal((await get('/me')).statusCode, 401);
  });

  test('returns the profile with email', async () => {
    const user = await createUser(t, { name: 'Me Myself' });
    const body = expectStatus(await get('/me', user.headers), 200);
    assert.deepEqual(Object.keys(body).sort(), [
      'bio',
      'blocking',
      'created_at',
      'email',
      'email_verified',
      'follow_requested',
      'followers_count',
      'following_count',
      'follows_you',
      'id',
      'is_following',
      'is_private',
      'muting',
      'name',
      'nickname',
      'posts_count',
      'profile_image_url',
      'role',
      'tag_approval',
      'username',
      'website',
    ]);
    assert.equal(body.role, 'user');
    assert.equal(body.email, user.email);
    assert.equal(body.tag_approval, 'auto');
    assert.equal(body.name, 'Me Myself');
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe('PATCH /me', () => {
  test('requires authentication', async () => {
    assert.equal((await patchMe(undefined, { bio: 'x' })).statusCode, 401);
  });

  test('changes only the fields sent', async () => {
    const user = await createUser(t, { name: 'Before' });
    const body = expectStatus(
      await patchMe(user.headers, { bio: ' Hello 👋 ', website: 'https://example.com/me' }),
      200,
    );
    assert.equal(body.bio, 'Hello 👋');
    assert.equal(body.website, 'https://example.com/me');
    assert.equal(body.name, 'Before');
    assert.equal(body.email, user.email);
    const cleared = expectStatus(
      await patchMe(user.headers, { website: null, name: 'After' }),
      200,
    );
    assert.equal(cleared.website, null);
    assert.equal(cleared.name, 'After');
  });

  test('names every invalid field', async () => {
    const user = await createUser(t);
    const response = await patchMe(user.headers, {
      name: 'x'.repeat(51),
      website: 'ftp://example.com',
      is_private: 'yes',
      email: 'not an email',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      response
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
      ['email', 'is_private', 'name', 'website'],
    );
    assert.equal((await patchMe(user.headers, { website: 'http://' })).statusCode, 400);
  });

  test('going private keeps followers; going public accepts pending requests', async () => {
    const owner = await createUser(t);
    const fan = await createUser(t);
    const asker = await createUser(t);
    await follow(t, fan, owner);
    const priv = expectStatus(await patchMe(owner.headers, { is_private: true }), 200);
    assert.equal(priv.is_private, true);
    assert.equal(priv.followers_count, 1);
    await follow(t, asker, owner, 'pending');
    const pub = expectStatus(await patchMe(owner.headers, { is_private: false }), 200);
    assert.equal(pub.is_private, false);
    assert.equal(pub.followers_count, 2);
  });
});

describe('GET /users/{username}', () => {
  test('is public and case-insensitive', async () => {
    const user = await createUser(t);
    const body = expectStatus(await get(`/users/${user.username.toUpperCase()}`), 200);
    assert.equal(body.id, String(user.id));
    assert.equal(body.is_following, false);
    assert.equal('email' in body, false);
  });

  test('an unknown user is 404; a bad token is 401', async () => {
    assert.equal((await get('/users/nobody_here_at_all')).statusCode, 404);
    const user = await createUser(t);
    const bad = await get(`/users/${user.username}`, bearer('nope'));
    assert.equal(bad.statusCode, 401);
  });

  test('a name no account can have is a 400 naming the parameter, on every {username} route', async () => {
    const user = await createUser(t);
    const routes: [string, string][] = [
      ['GET', '/users/bad%20name'],
      ['GET', '/users/bad-name/posts'],
      ['GET', '/users/bad-name/followers'],
      ['GET', '/users/bad-name/following'],
      ['POST', '/users/bad-name/follow'],
      ['DELETE', '/users/bad-name/follow'],
      ['DELETE', '/users/bad-name/follower'],
      ['GET', '/users/bad-name/stories'],
    ];
    for (const [method, url] of routes) {
      const response = await t.app.inject({
        method: method as 'GET',
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${user.token}` },
      });
      assert.equal(response.statusCode, 400, `${method} ${url}: ${response.body}`);
      const problem = response.json<{ errors: { field: string }[] }>();
      assert.ok(
        problem.errors.some((e) => e.field.includes('username')),
        `${method} ${url}: ${response.body}`,
      );
    }
  });

  test('counts are exact and flags describe the caller', async () => {
    const star = await createUser(t, { isPrivate: true });
    const [fan, other, gone, asker] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
    await follow(t, fan, star);
    await follow(t, other, star);
    await follow(t, gone, star);
    await follow(t, asker, star, 'pending');
    await follow(t, star, fan);
    await follow(t, star, gone);
    await insertPost(t, star);
    await insertPost(t, star);
    await insertPost(t, star, true);
    await deactivate(t, gone);

    const response = await get(`/users/${star.username}`, fan.headers);
    const body = expectStatus(response, 200);
    assert.equal(body.posts_count, 2);
    assert.equal(body.followers_count, 2);
    assert.equal(body.following_count, 1);
    assert.deepEqual(
      [body.is_following, body.follows_you, body.follow_requested],
      [true, true, false],
    );
    const asAsker = expectStatus(await get(`/users/${star.username}`, asker.headers), 200);
    assert.deepEqual(
      [asAsker.is_following, asAsker.follows_you, asAsker.follow_requested],
      [false, false, true],
    );
    // Auth check + one statement for the whole profile.
    assert.equal(queryCount(response), 2);
  });
});

describe('GET /users?q=', () => {
  test('matches username and name prefixes, case-insensitively, active users only', async () => {
    const tag = uniqueName('srch').toLowerCase();
    const byName = await createUser(t, { username: `${tag}_zz`, name: 'Zed' });
    const byUsername = await createUser(t, { username: `${tag}_aa` });
    await createUser(t, { username: `${tag}_gone`, isActive: false });
    const named = await createUser(t, { name: `${tag.toUpperCase()} Person` });
    const body = expectStatus(await get(`/users?q=${tag.toUpperCase()}`), 200);
    assert.deepEqual(
      body.data.map((u: { id: string }) => u.id),
      [byUsername, byName, named]
        .sort((a, b) => (a.username < b.username ? -1 : 1))
        .map((u) => String(u.id)),
    );
    assert.equal(body.next_cursor, null);
  });

  test('% and _ are literal', async () => {
    const tag = uniqueName('lit').toLowerCase();
    const underscore = await createUser(t, { username: `${tag}_x` });
    await createUser(t, { username: `${tag}ax` });
    await createUser(t, { username: `${tag}bx`, name: `${tag}%percent` });
    const one = expectStatus(await get(`/users?q=${encodeURIComponent(`${tag}_`)}`), 200);
    assert.deepEqual(
      one.data.map((u: { id: string }) => u.id),
      [String(underscore.id)],
    );
    const pct = expectStatus(await get(`/users?q=${encodeURIComponent(`${tag}%`)}`), 200);
    assert.equal(pct.data.length, 1);
    assert.equal(pct.data[0].name, `${tag}%percent`);
  });

  test('pages walk every match once with a constant statement count', async () => {
    const tag = uniqueName('page').toLowerCase();
    for (let i = 0; i < 5; i++) await createUser(t, { username: `${tag}_${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = expectStatus(await get(url), 200);
      seen.push(...body.data.map((u: { username: string }) => u.username));
      cursor = body.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 4].map((i) => `${tag}_${i}`),
    );
    const viewer = await createUser(t);
    const small = await get(`/users?q=${tag}&limit=1`, viewer.headers);
    const large = await get(`/users?q=${tag}&limit=20`, viewer.headers);
    assert.equal(queryCount(small), queryCount(large));
  });

  test('q is required; bad cursors and limits are 400', async () => {
    assert.equal((await get('/users')).statusCode, 400);
    assert.equal((await get('/users?q=a&cursor=nonsense')).statusCode, 400);
    assert.equal((await get('/users?q=a&limit=0')).statusCode, 400);
  });
});

describe('DELETE /me', () => {
  test('requires authentication', async () => {
    assert.equal((await deleteMe(undefined, { password: 'x' })).statusCode, 401);
  });

  test('needs the password: missing is 400, wrong is 403', async () => {
    const user = await createUser(t);
    assert.equal((await deleteMe(user.headers, {})).statusCode, 400);
    const wrong = await deleteMe(user.headers, { password: 'not the password' });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().code, 'forbidden');
    expectStatus(await get('/me', user.headers), 200);
  });

  test('deactivates: gone from lookups, counts and search; sessions end; names stay reserved', async () => {
    const account = await signupViaApi(t, { password: FACTORY_PASSWORD });
    const headers = bearer(account.access_token);
    const friend = await createUser(t);
    const mine = await get(`/users/${account.user.username}`);
    expectStatus(mine, 200);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${friend.username}/follow`,
      headers,
    });
    const before = expectStatus(await get(`/users/${friend.username}`), 200);
    assert.equal(before.followers_count, 1);

    const response = await deleteMe(headers, { password: FACTORY_PASSWORD });
    assert.equal(response.statusCode, 204);

    assert.equal((await get(`/users/${account.user.username}`)).statusCode, 404);
    assert.equal((await get('/me', headers)).statusCode, 401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: account.refresh_token },
    });
    assert.equal(refresh.statusCode, 401);
    const after = expectStatus(await get(`/users/${friend.username}`), 200);
    assert.equal(after.followers_count, 0);
    const search = expectStatus(await get(`/users?q=${account.user.username}`), 200);
    assert.equal(search.data.length, 0);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        username: account.user.username,
        email: `${uniqueName()}@example.com`,
        password: 'long enough',
      },
    });
    assert.equal(again.statusCode, 409);
  });
});
