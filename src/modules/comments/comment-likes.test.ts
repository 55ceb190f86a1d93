import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, deactivate } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { commentsApi } from '../../../test/helpers/comments-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const { api, comment, postCounts } = commentsApi(() => t);

describe('comment likes and concurrency', () => {
  test('comment likes are idempotent and exact under concurrency', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const c = await comment(created.id, alice, 'like me');
    const fans = await Promise.all(Array.from({ length: 30 }, () => createUser(t)));
    const answers = await Promise.all([
      ...fans.map((fan) => api('POST', `/comments/${c.id}/like`, fan)),
      ...Array.from({ length: 10 }, () => api('POST', `/comments/${c.id}/like`, alice)),
    ]);
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
    const mine = expectStatus(await api('POST', `/comments/${c.id}/like`, alice), 200);
    assert.equal(mine.like_count, 31);
    assert.equal(mine.liked_by_me, true);
    const undone = expectStatus(await api('DELETE', `/comments/${c.id}/like`, alice), 200);
    assert.equal(undone.like_count, 30);
    assert.equal(undone.liked_by_me, false);
    assert.equal(
      expectStatus(await api('DELETE', `/comments/${c.id}/like`, alice), 200).like_count,
      30,
    );
    assert.equal((await api('POST', '/comments/999999/like', alice)).statusCode, 404);
    assert.equal((await api('POST', '/comments/x/like', alice)).statusCode, 400);
  });

  test('concurrent comments and replies keep comment_count and reply_count exact', async () => {
    const alice = await createUser(t);
    const created = await createPost(t, alice);
    const top = await comment(created.id, alice, 'top');
    const users = await Promise.all(Array.from({ length: 20 }, () => createUser(t)));
    const answers = await Promise.all(
      users.flatMap((u) => [
        api('POST', `/posts/${created.id}/comments`, u, { text: 'c' }),
        api('POST', `/posts/${created.id}/comments`, u, { text: 'r', parent_id: top.id }),
      ]),
    );
    for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body);
    assert.equal(await postCounts(created.id, alice), 41);
    const listed = expectStatus(
      await api('GET', `/posts/${created.id}/comments?limit=1`, alice),
      200,
    );
    assert.equal(listed.data[0].reply_count, 20);
  });

  test("a page shows each comment's own author and the reader's own likes", async () => {
    const alice = await createUser(t);
    const bob = await createUser(t, { name: 'Bob B', isPrivate: true });
    const carol = await createUser(t);
    const created = await createPost(t, alice);
    await comment(created.id, bob, 'from bob');
    const byAlice = await comment(created.id, alice, 'from alice');
    const byCarol = await comment(created.id, carol, 'from carol');
    expectStatus(await api('POST', `/comments/${byAlice.id}/like`, bob), 200);
    expectStatus(await api('POST', `/comments/${byCarol.id}/like`, alice), 200);

    const view = async (reader: typeof alice): Promise<unknown[][]> =>
      expectStatus(await api('GET', `/posts/${created.id}/comments`, reader), 200).data.map(
        (c: any) => [c.text, c.author.username, c.author.name, c.author.is_private, c.liked_by_me],
      );
    assert.deepEqual(await view(bob), [
      ['from bob', bob.username, 'Bob B', true, false],
      ['from alice', alice.username, alice.username, false, true],
      ['from carol', carol.username, carol.username, false, false],
    ]);
    assert.deepEqual(
      (await view(alice)).map((row) => row[4]),
      [false, false, true],
    );

    await deactivate(t, carol);
    assert.deepEqual(
      (await view(alice)).map((row) => row[0]),
      ['from bob', 'from alice'],
    );
    assert.equal((await api('GET', `/comments/${byCarol.id}`, alice)).statusCode, 404);
  });
});
