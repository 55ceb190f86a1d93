import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { bearer, expectStatus, queryCount } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

type Headers = { authorization: string } | undefined;
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, headers?: Headers) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers });
const profile = async (user: TestUser, viewer?: TestUser) =>
  expectStatus(await call('GET', `/users/${user.username}`, viewer?.headers), 200);
const ids = (body: { data: { id: string }[] }) => body.data.map((u) => u.id);

describe('POST /users/{username}/follow', () => {
  test('requires authentication', async () => {
    const target = await createUser(t);
    assert.equal((await call('POST', `/users/${target.username}/follow`)).statusCode, 401);
  });

  test('follows a public account, idempotently', async () => {
    const [me, target] = [await createUser(t), await createUser(t)];
    for (let i = 0; i < 2; i++) {
      const body = expectStatus(
        await call('POST', `/users/${target.username.toUpperCase()}/follow`, me.headers),
        200,
      );
      assert.deepEqual(body, { status: 'following' });
    }
    const seen = await profile(target, me);
    assert.equal(seen.followers_count, 1);
    assert.equal(seen.is_following, true);
    assert.equal((await profile(me, target)).follows_you, true);
  });

  test('a private account gets a request, idempotently', async () => {
    const [me, target] = [await createUser(t), await createUser(t, { isPrivate: true })];
    for (let i = 0; i < 2; i++) {
      const body = expectStatus(
        await call('POST', `/users/${target.username}/follow`, me.headers),
        200,
      );
      assert.deepEqual(body, { status: 'requested' });
    }
    const seen = await profile(target, me);
    assert.deepEqual([seen.followers_count, seen.follow_requested], [0, true]);
  });

  test('yourself is 400, an unknown or deactivated account 404', async () => {
    const me = await createUser(t);
    const gone = await createUser(t, { isActive: false });
    assert.equal((await call('POST', `/users/${me.username}/follow`, me.headers)).statusCode, 400);
    for (const name of ['no_such_user_here', gone.username]) {
      assert.equal((await call('POST', `/users/${name}/follow`, me.headers)).statusCode, 404);
    }
  });
});

describe('DELETE /users/{username}/follow', () => {
  test('requires authentication', async () => {
    const target = await createUser(t);
    assert.equal((await call('DELETE', `/users/${target.username}/follow`)).statusCode, 401);
  });

  test('unfollows and withdraws requests, idempotently', async () => {
    const [me, pub, priv] = [
      await createUser(t),
      await createUser(t),
      await createUser(t, { isPrivate: true }),
    ];
    await follow(t, me, pub);
    await follow(t, me, priv, 'pending');
    for (let i = 0; i < 2; i++) {
      for (const target of [pub, priv]) {
        const response = await call('DELETE', `/users/${target.username}/follow`, me.headers);
        assert.equal(response.statusCode, 204);
      }
    }
    assert.equal((await profile(pub, me)).is_following, false);
    assert.equal((await profile(priv, me)).follow_requested, false);
  });

  test('yourself is 400, unknown 404', async () => {
    const me = await createUser(t);
    const self = await call('DELETE', `/users/${me.username}/follow`, me.headers);
    assert.equal(self.statusCode, 400);
    const unknown = await call('DELETE', '/users/no_such_user_here/follow', me.headers);
    assert.equal(unknown.statusCode, 404);
  });
});

describe('GET /users/{username}/followers and /following', () => {
  test('a bad token is 401 even though the lists are public', async () => {
    const target = await createUser(t);
    const response = await call('GET', `/users/${target.username}/followers`, bearer('bad'));
    assert.equal(response.statusCode, 401);
  });

  test('lists newest first with is_following, paging with constant statements', async () => {
    const star = await createUser(t);
    const viewer = await createUser(t);
    const fans: TestUser[] = [];
    for (let i = 0; i < 5; i++) {
      const fan = await createUser(t);
      await follow(t, fan, star);
      fans.push(fan);
    }
    await follow(t, viewer, fans[1]!);
    const gone = await createUser(t);
    await follow(t, gone, star);
    await t.db.updateTable('users').set({ is_active: 0 }).where('id', '=', gone.id).execute();
    const pending = await createUser(t);
    await follow(t, pending, star, 'pending');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/users/${star.username}/followers?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = expectStatus(await call('GET', url, viewer.headers), 200);
      seen.push(...ids(body));
      for (const row of body.data) {
        assert.equal(row.is_following, row.id === String(fans[1]!.id));
      }
      cursor = body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, fans.map((f) => String(f.id)).reverse());

    const following = expectStatus(await call('GET', `/users/${fans[0]!.username}/following`), 200);
    assert.deepEqual(ids(following), [String(star.id)]);
    assert.equal(following.data[0].is_following, false);

    for (const side of ['followers', 'following']) {
      const small = await call('GET', `/users/${star.username}/${side}?limit=1`, viewer.headers);
      const large = await call('GET', `/users/${star.username}/${side}?limit=20`, viewer.headers);
      assert.equal(queryCount(small), queryCount(large), side);
    }
  });

  test("a private account's lists: 403 to strangers, visible to itself and followers", async () => {
    const priv = await createUser(t, { isPrivate: true });
    const [fan, stranger, asker] = [await createUser(t), await createUser(t), await createUser(t)];
    await follow(t, fan, priv);
    await follow(t, asker, priv, 'pending');
    for (const side of ['followers', 'following']) {
      const url = `/users/${priv.username}/${side}`;
      assert.equal((await call('GET', url)).statusCode, 403);
      assert.equal((await call('GET', url, stranger.headers)).statusCode, 403);
      assert.equal((await call('GET', url, asker.headers)).statusCode, 403);
      expectStatus(await call('GET', url, fan.headers), 200);
      expectStatus(await call('GET', url, priv.headers), 200);
    }
  });

  test('unknown user 404, bad cursor 400', async () => {
    assert.equal((await call('GET', '/users/no_such_user_here/followers')).statusCode, 404);
    const user = await createUser(t);
    const bad = await call('GET', `/users/${user.username}/following?cursor=xyz`);
    assert.equal(bad.statusCode, 400);
  });
});

describe('follow requests', () => {
  test('require authentication', async () => {
    assert.equal((await call('GET', '/me/follow-requests')).statusCode, 401);
    assert.equal((await call('POST', '/me/follow-requests/1/approve')).statusCode, 401);
    assert.equal((await call('POST', '/me/follow-requests/1/decline')).statusCode, 401);
  });

  test('list, approve and decline', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const askers = [await createUser(t), await createUser(t), await createUser(t)];
    for (const asker of askers) {
      await call('POST', `/users/${priv.username}/follow`, asker.headers);
    }
    const list = expectStatus(await call('GET', '/me/follow-requests', priv.headers), 200);
    assert.deepEqual(
      list.data.map((r: { user: { id: string } }) => r.user.id),
      askers.map((a) => String(a.id)).reverse(),
    );
    assert.match(list.data[0].created_at, /Z$/);
    const [third, second] = list.data as { id: string }[];

    const approve = await call('POST', `/me/follow-requests/${third!.id}/approve`, priv.headers);
    assert.equal(approve.statusCode, 204);
    const decline = await call('POST', `/me/follow-requests/${second!.id}/decline`, priv.headers);
    assert.equal(decline.statusCode, 204);

    const after = await profile(priv, askers[2]);
    assert.deepEqual([after.followers_count, after.is_following], [1, true]);
    assert.equal((await profile(priv, askers[1])).follow_requested, false);
    const rest = expectStatus(await call('GET', '/me/follow-requests', priv.headers), 200);
    assert.deepEqual(
      rest.data.map((r: { user: { id: string } }) => r.user.id),
      [String(askers[0]!.id)],
    );

    const small = await call('GET', '/me/follow-requests?limit=1', priv.headers);
    const large = await call('GET', '/me/follow-requests?limit=20', priv.headers);
    assert.equal(queryCount(small), queryCount(large));
  });

  test("someone else's or an already handled request is 404; a bad id is 400", async () => {
    const priv = await createUser(t, { isPrivate: true });
    const other = await createUser(t, { isPrivate: true });
    const asker = await createUser(t);
    await call('POST', `/users/${priv.username}/follow`, asker.headers);
    const [request] = expectStatus(await call('GET', '/me/follow-requests', priv.headers), 200)
      .data as { id: string }[];
    for (const action of ['approve', 'decline']) {
      const url = `/me/follow-requests/${request!.id}/${action}`;
      assert.equal((await call('POST', url, other.headers)).statusCode, 404);
    }
    await call('POST', `/me/follow-requests/${request!.id}/approve`, priv.headers);
    const again = await call('POST', `/me/follow-requests/${request!.id}/decline`, priv.headers);
    assert.equal(again.statusCode, 404);
    const bad = await call('POST', '/me/follow-requests/abc/approve', priv.headers);
    assert.equal(bad.statusCode, 400);
  });
});

describe('DELETE /users/{username}/follower', () => {
  test('requires authentication', async () => {
    const user = await createUser(t);
    assert.equal((await call('DELETE', `/users/${user.username}/follower`)).statusCode, 401);
  });

  test('removes that follower, idempotently', async () => {
    const [me, fan] = [await createUser(t), await createUser(t)];
    await follow(t, fan, me);
    for (let i = 0; i < 2; i++) {
      const response = await call('DELETE', `/users/${fan.username}/follower`, me.headers);
      assert.equal(response.statusCode, 204);
    }
    assert.equal((await profile(me)).followers_count, 0);
    assert.equal((await profile(me, fan)).is_following, false);
  });

  test('yourself is 400, unknown 404', async () => {
    const me = await createUser(t);
    assert.equal(
      (await call('DELETE', `/users/${me.username}/follower`, me.headers)).statusCode,
      400,
    );
    const unknown = await call('DELETE', '/users/no_such_user_here/follower', me.headers);
    assert.equal(unknown.statusCode, 404);
  });
});
