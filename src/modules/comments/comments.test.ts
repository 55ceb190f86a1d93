import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { commentsApi } from '../../../test/helpers/comments-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const { api, comment, postCounts } = commentsApi(() => t);
const fields = (response: { json: () => any }) =>
  (response.json().errors as { field: string }[]).map((e) => e.field).sort();

describe('comments and replies', () => {
  test('every route requires authentication', async () => {
    for (const [method, url] of [
      ['GET', '/posts/1/comments'],
      ['POST', '/posts/1/comments'],
      ['GET', '/comments/1/replies'],
      ['GET', '/comments/1'],
      ['DELETE', '/comments/1'],
      ['POST', '/comments/1/like'],
      ['DELETE', '/comments/1/like'],
    ] as const) {
      assert.equal((await api(method, url, null)).statusCode, 401, `${method} ${url}`);
    }
  });

  test('one level of replies; counts exact; oldest first', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const created = await createPost(t, alice);
    const response = await api('POST', `/posts/${created.id}/comments`, bob, { text: ' first ' });
    const first = expectStatus(response, 201);
    assert.equal(response.headers.location, `/api/v1/comments/${first.id}`);
    assert.deepEqual(expectStatus(await api('GET', `/comments/${first.id}`, alice), 200), first);
    assert.equal((await api('GET', `/comments/${first.id}`, null)).statusCode, 401);
    assert.equal((await api('GET', '/comments/999999', alice)).statusCode, 404);
    assert.deepEqual(
      { ...first, created_at: 'x' },
      {
        id: first.id,
        post_id: created.id,
        author: {
          id: String(bob.id),
          username: bob.username,
          name: bob.username,
          profile_image_url: null,
          is_private: false,
        },
        text: 'first',
        mentions: [],
        parent_id: null,
        reply_count: 0,
        like_count: 0,
        liked_by_me: false,
        created_at: 'x',
      },
    );
    const second = await comment(created.id, alice, 'second');
    const reply = await comment(created.id, alice, 'reply', first.id);
    const replyToReply = await comment(created.id, bob, 'reply to reply', reply.id);
    assert.equal(reply.parent_id, first.id);
    assert.equal(replyToReply.parent_id, first.id);
    assert.equal(await postCounts(created.id, alice), 4);

    const top = expectStatus(await api('GET', `/posts/${created.id}/comments`, bob), 200);
    assert.deepEqual(ids(top), [first.id, second.id]);
    assert.equal(top.data[0].reply_count, 2);
    const replies = expectStatus(await api('GET', `/comments/${first.id}/replies`, bob), 200);
    assert.deepEqual(ids(replies), [reply.id, replyToReply.id]);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/comments/${reply.id}/replies`, bob), 200)),
      [],
    );
  });

  test('parent must belong to the same post; bad bodies name their fields', async () => {
    const alice = await createUser(t);
    const p1 = await createPost(t, alice);
    const p2 = await createPost(t, alice);
    const onP1 = await comment(p1.id, alice, 'hello');
    const cross = await api('POST', `/posts/${p2.id}/comments`, alice, {
      text: 'x',
      parent_id: onP1.id,
    });
    assert.equal(cross.statusCode, 400);
    assert.deepEqual(fields(cross), ['parent_id']);
    assert.deepEqual(
      fields(
        await api('POST', `/posts/${p2.id}/comments`, alice, { text: 'x', parent_id: '999999' }),
      ),
      ['parent_id'],
    );
    assert.deepEqual(
      fields(await api('POST', `/posts/${p2.id}/comments`, alice, { text: '   ' })),
      ['text'],
    );
    assert.deepEqual(
      fields(
        await api('POST', `/posts/${p2.id}/comments`, alice, {
          text: 'y'.repeat(2201),
          parent_id: 'a',
          x: 1,
        }),
      ),
      ['parent_id', 'text', 'x'],
    );
    assert.equal(await postCounts(p2.id, alice), 0);
    assert.equal(
      (await api('POST', '/posts/999999/comments', alice, { text: 'x' })).statusCode,
      404,
    );
    assert.equal((await api('GET', '/posts/999999/comments', alice)).statusCode, 404);
    assert.equal((await api('GET', '/comments/999999/replies', alice)).statusCode, 404);
    assert.equal((await api('GET', '/comments/abc/replies', alice)).statusCode, 400);
    assert.equal((await api('DELETE', '/comments/abc', alice)).statusCode, 400);
    assert.equal((await api('DELETE', '/comments/999999', alice)).statusCode, 404);
    assert.equal((await api('GET', '/comments/0', alice)).statusCode, 400);
  });

  test('private posts: comments are 403 for non-followers', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const friend = await createUser(t);
    const stranger = await createUser(t);
    await follow(t, friend, priv);
    const hidden = await createPost(t, priv);
    const c = await comment(hidden.id, friend, 'hi');
    assert.equal((await api('GET', `/posts/${hidden.id}/comments`, stranger)).statusCode, 403);
    assert.equal(
      (await api('POST', `/posts/${hidden.id}/comments`, stranger, { text: 'x' })).statusCode,
      403,
    );
    assert.equal((await api('GET', `/comments/${c.id}/replies`, stranger)).statusCode, 403);
    assert.equal((await api('GET', `/comments/${c.id}`, stranger)).statusCode, 403);
    assert.equal((await api('POST', `/comments/${c.id}/like`, stranger)).statusCode, 403);
    assert.equal((await api('DELETE', `/comments/${c.id}`, stranger)).statusCode, 403);
  });

  test('delete by comment author or post author; replies go with it; counts fixed', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const carol = await createUser(t);
    const created = await createPost(t, alice);
    const top = await comment(created.id, bob, 'top');
    const r1 = await comment(created.id, carol, 'r1', top.id);
    await comment(created.id, alice, 'r2', top.id);
    const other = await comment(created.id, carol, 'other');
    expectStatus(await api('POST', `/comments/${r1.id}/like`, bob), 200);
    assert.equal(await postCounts(created.id, alice), 4);

    assert.equal((await api('DELETE', `/comments/${other.id}`, bob)).statusCode, 403);
    assert.equal((await api('DELETE', `/comments/${r1.id}`, carol)).statusCode, 204);
    assert.equal(await postCounts(created.id, alice), 3);
    const listed = expectStatus(await api('GET', `/posts/${created.id}/comments`, alice), 200);
    assert.equal(listed.data[0].reply_count, 1);
    assert.equal((await api('DELETE', `/comments/${top.id}`, alice)).statusCode, 204);
    assert.equal(await postCounts(created.id, alice), 1);
    assert.equal((await api('DELETE', `/comments/${top.id}`, alice)).statusCode, 404);
    const left = await t.db
      .selectFrom('comments')
      .select('id')
      .where('post_id', '=', Number(created.id))
      .execute();
    assert.deepEqual(
      left.map((r) => String(r.id)),
      [other.id],
    );
    const likes = await t.db
      .selectFrom('comment_likes')
      .select('id')
      .where('comment_id', '=', Number(r1.id))
      .execute();
    assert.equal(likes.length, 0);
  });

  test('lists keep a constant statement count and walk without duplicates or gaps', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const top = await comment(created.id, alice, 'top');
    const tops = [top.id];
    const replies: string[] = [];
    for (let i = 0; i < 21; i++) {
      tops.push((await comment(created.id, alice, `c${i}`)).id);
      replies.push((await comment(created.id, alice, `r${i}`, top.id)).id);
    }
    for (const url of [`/posts/${created.id}/comments`, `/comments/${top.id}/replies`]) {
      const one = await api('GET', `${url}?limit=1`, alice);
      const twenty = await api('GET', `${url}?limit=20`, alice);
      assert.equal(expectStatus(twenty, 200).data.length, 20);
      assert.equal(queryCount(one), queryCount(twenty), url);
      // auth hook (1) + post or comment check (1) + page with authors and liked flags (1) +
      // the post author's hidden words (1)
      assert.equal(queryCount(twenty), 4, url);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const body: any = expectStatus(
        await api(
          'GET',
          `/comments/${top.id}/replies?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
          alice,
        ),
        200,
      );
      seen.push(...ids(body));
      cursor = body.next_cursor;
      if (page++ === 0) {
        assert.equal((await api('DELETE', `/comments/${replies[10]}`, alice)).statusCode, 204);
        replies.push((await comment(created.id, alice, 'late', top.id)).id);
      }
    } while (cursor);
    assert.deepEqual(
      seen,
      replies.filter((id) => id !== replies[10]),
    );
    for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'cursor=abc', 'q=1']) {
      assert.equal(
        (await api('GET', `/posts/${created.id}/comments?${q}`, alice)).statusCode,
        400,
        q,
      );
    }
  });

  test('ordering=-created_at walks newest first in constant statements; unknown ordering is 400', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await comment(created.id, alice, `c${i}`)).id);
    const url = `/posts/${created.id}/comments?ordering=-created_at&limit=3`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api('GET', `${url}${cursor ? `&cursor=${cursor}` : ''}`, alice);
      const body: any = expectStatus(response, 200);
      assert.equal(queryCount(response), 4);
      seen.push(...ids(body));
      cursor = body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [...made].reverse());
    const oldest = expectStatus(
      await api('GET', `/posts/${created.id}/comments?ordering=created_at`, alice),
      200,
    );
    assert.deepEqual(ids(oldest), made);
    const bad = await api('GET', `/posts/${created.id}/comments?ordering=likes`, alice);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(fields(bad), ['ordering']);
  });
});
