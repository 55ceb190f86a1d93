import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toDbTime } from '../../db/time.js';
import { createUser, deactivate, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const get = (url: string, user: TestUser | null = null) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user?.headers ?? {} });
const like = (postId: string, user: TestUser) =>
  t.app.inject({ method: 'POST', url: `/api/v1/posts/${postId}/like`, headers: user.headers });
const tag = (name: string) => `${name}${process.pid}`;

describe('hashtag pages', () => {
  test('GET /hashtags/{name}: counts, NFKC folding, 404 and 400', async () => {
    const alice = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const gone = await createUser(t);
    const name = tag('cat');
    const fullwidth = [...name].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    await createPost(t, alice, { caption: `#${fullwidth}` });
    await createPost(t, alice, { caption: `#${name.toUpperCase()}` });
    await createPost(t, priv, { caption: `#${name}` });
    await createPost(t, gone, { caption: `#${name}` });
    const deleted = await createPost(t, alice, { caption: `#${name}` });
    expectStatus(
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/posts/${deleted.id}`,
        headers: alice.headers,
      }),
      204,
    );
    await deactivate(t, gone);
    const expected = { name, post_count: 3, is_following: false };
    assert.deepEqual(expectStatus(await get(`/hashtags/${name}`), 200), expected);
    assert.deepEqual(
      expectStatus(await get(`/hashtags/${encodeURIComponent(`#${fullwidth}`)}`, alice), 200),
      expected,
    );
    assert.equal(expectStatus(await get('/hashtags/nosuchtag_ever'), 404).code, 'not_found');
    const bad = expectStatus(await get('/hashtags/a-b'), 400);
    assert.equal(bad.errors[0].field, 'name');
  });

  test('GET /hashtags?q=: by prefix, most used first, in pages', async () => {
    const alice = await createUser(t);
    const prefix = tag('sun');
    for (const [suffix, times] of [
      ['a', 1],
      ['b', 3],
      ['c', 2],
      ['d', 2],
    ] as const) {
      for (let i = 0; i < times; i++)
        await createPost(t, alice, { caption: `#${prefix}${suffix}` });
    }
    await createPost(t, alice, { caption: `#x${prefix}` });
    const first = await get(`/hashtags?q=%23${prefix.toUpperCase()}&limit=2`, alice);
    const page = expectStatus(first, 200);
    assert.deepEqual(page.data, [
      { name: `${prefix}b`, post_count: 3 },
      { name: `${prefix}c`, post_count: 2 },
    ]);
    const rest = expectStatus(await get(`/hashtags?q=${prefix}&cursor=${page.next_cursor}`), 200);
    assert.deepEqual(
      rest.data.map((h: { name: string }) => h.name),
      [`${prefix}d`, `${prefix}a`],
    );
    assert.equal(rest.next_cursor, null);
    const all = await get(`/hashtags?q=${prefix}&limit=20`, alice);
    assert.equal(queryCount(all), queryCount(first));
    assert.equal(queryCount(all), 2); // auth + page
    for (const q of ['', '?q=', '?q=a%25', '?q=ok&limit=0', '?q=ok&cursor=x']) {
      expectStatus(await get(`/hashtags${q}`), 400);
    }
  });

  test('GET /hashtags/{name}/posts: recent and top, only what the caller may see', async () => {
    const alice = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const fans = [await createUser(t), await createUser(t), await createUser(t)];
    const name = tag('porto');
    const quiet = await createPost(t, alice, { caption: `#${name}` });
    const loved = await createPost(t, alice, { caption: `#${name}` });
    const liked = await createPost(t, alice, { caption: `#${name}` });
    const old = await createPost(t, alice, { caption: `#${name}` });
    const hidden = await createPost(t, priv, { caption: `#${name}` });
    for (const fan of fans) expectStatus(await like(loved.id, fan), 200);
    expectStatus(await like(liked.id, fans[0]!), 200);
    for (const fan of fans) expectStatus(await like(old.id, fan), 200);
    expectStatus(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${old.id}/comments`,
        headers: fans[0]!.headers,
        payload: { text: 'best one' },
      }),
      201,
    );
    const longAgo = toDbTime(new Date(t.clock.now().getTime() - 31 * 86_400_000));
    await t.db
      .updateTable('posts')
      .set({ created_at: longAgo })
      .where('id', '=', Number(old.id))
      .execute();

    const recent = expectStatus(await get(`/hashtags/${name}/posts`, fans[0]), 200);
    assert.deepEqual(ids(recent), [liked.id, loved.id, quiet.id, old.id]);
    const asOwner = expectStatus(await get(`/hashtags/${name}/posts?ordering=recent`, priv), 200);
    assert.deepEqual(ids(asOwner), [hidden.id, liked.id, loved.id, quiet.id, old.id]);

    // Top: within 30 days (not `old`), by likes + 2 × comments, then newest.
    const top = await get(`/hashtags/${name}/posts?ordering=top&limit=2`, fans[1]);
    const topPage = expectStatus(top, 200);
    assert.deepEqual(ids(topPage), [loved.id, liked.id]);
    const more = expectStatus(
      await get(`/hashtags/${name}/posts?ordering=top&limit=2&cursor=${topPage.next_cursor}`),
      200,
    );
    assert.deepEqual(ids(more), [quiet.id]);
    assert.equal(more.next_cursor, null);
    const one = await get(`/hashtags/${name}/posts?ordering=top&limit=1`, fans[1]);
    assert.equal(queryCount(one), queryCount(top));

    expectStatus(await get('/hashtags/nosuchtag_ever/posts'), 404);
    for (const q of ['?ordering=best', '?limit=101', '?cursor=x', '?ordering=top&cursor=x']) {
      expectStatus(await get(`/hashtags/${name}/posts${q}`), 400);
    }
  });
});
