import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { commentsApi } from '../../../test/helpers/comments-factories.js';
import { createUser, deactivate, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const { api, comment } = commentsApi(() => t);

/** What the post says and what its lists show, as `viewer` reads them. */
async function countsAndLists(postId: string, viewer: TestUser) {
  const post = expectStatus(await api('GET', `/posts/${postId}`, viewer), 200);
  const likers = expectStatus(await api('GET', `/posts/${postId}/likes?limit=100`, viewer), 200);
  const top = expectStatus(await api('GET', `/posts/${postId}/comments?limit=100`, viewer), 200);
  let shown = top.data.length;
  for (const c of top.data as { id: string }[]) {
    const replies = expectStatus(
      await api('GET', `/comments/${c.id}/replies?limit=100`, viewer),
      200,
    );
    shown += replies.data.length;
  }
  return {
    like_count: post.like_count,
    likers: likers.data.length,
    comment_count: post.comment_count,
    comments: shown,
  };
}

test("a deactivated account's likes, comments and the replies under them leave the counts", async () => {
  const author = await createUser(t);
  const leaver = await createUser(t);
  const stayer = await createUser(t);
  const post = await createPost(t, author);
  for (const user of [leaver, stayer]) {
    expectStatus(await api('POST', `/posts/${post.id}/like`, user), 200);
  }
  const top = await comment(post.id, leaver, 'first');
  await comment(post.id, stayer, 'a reply under the leaver', top.id);
  await comment(post.id, leaver, 'a reply of its own', top.id);
  const kept = await comment(post.id, stayer, 'stays');
  await comment(post.id, leaver, 'reply under a kept comment', kept.id);
  assert.deepEqual(await countsAndLists(post.id, author), {
    like_count: 2,
    likers: 2,
    comment_count: 5,
    comments: 5,
  });

  await deactivate(t, leaver);
  assert.deepEqual(await countsAndLists(post.id, author), {
    like_count: 1,
    likers: 1,
    comment_count: 1,
    comments: 1,
  });

  // Counting goes on from there: a new like and comment move the counts by one.
  const late = await createUser(t);
  expectStatus(await api('POST', `/posts/${post.id}/like`, late), 200);
  await comment(post.id, late, 'late');
  assert.deepEqual(await countsAndLists(post.id, author), {
    like_count: 2,
    likers: 2,
    comment_count: 2,
    comments: 2,
  });

  // Deleting a comment takes away only what was counted of it (not the hidden reply under it).
  expectStatus(await api('DELETE', `/comments/${kept.id}`, stayer), 204);
  assert.deepEqual(await countsAndLists(post.id, author), {
    like_count: 2,
    likers: 2,
    comment_count: 1,
    comments: 1,
  });
});
