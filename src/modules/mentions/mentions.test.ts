import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { extractMentions } from './mentions.js';

describe('extractMentions', () => {
  test('valid usernames, case-insensitive, distinct, in order; not the @ of an e-mail', () => {
    assert.deepEqual(
      extractMentions('@Ada and @grace_h, @ADA again; mail bob@example.com or @x.y. (@z)'),
      ['ada', 'grace_h', 'x.y', 'z'],
    );
    assert.deepEqual(extractMentions('a@b @ @-x @@double email@@host'), []);
    assert.deepEqual(extractMentions(`@${'a'.repeat(31)} @${'b'.repeat(30)}`), ['b'.repeat(30)]);
  });
});

describe('mentions in captions and comments', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  const api = (method: string, url: string, user: TestUser, payload?: object) =>
    t.app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers: user.headers,
      ...(payload ? { payload } : {}),
    });
  const notifications = async (user: TestUser) =>
    expectStatus(await api('GET', '/notifications', user), 200).data as {
      type: string;
      actor: { id: string };
      post?: { id: string };
      comment?: { id: string; text: string };
    }[];
  const mentionList = (user: TestUser) => ({ id: String(user.id), username: user.username });

  test('a caption mentions accounts that exist; each is notified once, new ones after an edit, removed ones lose it', async () => {
    const author = await createUser(t);
    const alice = await createUser(t);
    const carol = await createUser(t);
    const caption = `Hi @${alice.username.toUpperCase()} and @nobody_here, mail ${carol.username}@example.com`;
    const post = await createPost(t, author, { caption });
    assert.deepEqual(post.mentions, [mentionList(alice)]);
    const got = await notifications(alice);
    assert.deepEqual(
      got.map((n) => [n.type, n.actor.id, n.post?.id]),
      [['mention', String(author.id), post.id]],
    );
    assert.deepEqual(await notifications(carol), []);

    const edited = expectStatus(
      await api('PATCH', `/posts/${post.id}`, author, {
        caption: `@${carol.username} @${alice.username} @${author.username}`,
      }),
      200,
    );
    assert.deepEqual(edited.mentions, [
      mentionList(carol),
      mentionList(alice),
      mentionList(author),
    ]);
    assert.equal((await notifications(alice)).length, 1);
    assert.deepEqual(
      (await notifications(carol)).map((n) => n.type),
      ['mention'],
    );
    assert.deepEqual(await notifications(author), []);
    const read = expectStatus(await api('GET', `/posts/${post.id}`, alice), 200);
    assert.deepEqual(read.mentions, edited.mentions);
    // Removing a mention takes its notification back; removing every mention clears them.
    const fewer = expectStatus(
      await api('PATCH', `/posts/${post.id}`, author, { caption: `@${carol.username}` }),
      200,
    );
    assert.deepEqual(fewer.mentions, [mentionList(carol)]);
    assert.deepEqual(await notifications(alice), []);
    assert.equal((await notifications(carol)).length, 1);
    const cleared = expectStatus(
      await api('PATCH', `/posts/${post.id}`, author, { caption: 'quiet' }),
      200,
    );
    assert.deepEqual(cleared.mentions, []);
    assert.deepEqual(await notifications(carol), []);
  });

  test("nobody who can't see the post is notified", async () => {
    const priv = await createUser(t, { isPrivate: true });
    const fan = await createUser(t);
    const stranger = await createUser(t);
    await follow(t, fan, priv);
    const post = await createPost(t, priv, {
      caption: `@${fan.username} @${stranger.username}`,
    });
    assert.equal(post.mentions.length, 2);
    assert.deepEqual(
      (await notifications(fan)).map((n) => n.type),
      ['mention'],
    );
    assert.deepEqual(await notifications(stranger), []);
    // In a comment on that post too.
    const commented = expectStatus(
      await api('POST', `/posts/${post.id}/comments`, fan, {
        text: `look @${stranger.username}`,
      }),
      201,
    );
    assert.deepEqual(commented.mentions, [mentionList(stranger)]);
    assert.deepEqual(await notifications(stranger), []);
  });

  test('a comment mentions; the post author hears of the comment, the others of the mention', async () => {
    const author = await createUser(t);
    const bob = await createUser(t);
    const dave = await createUser(t);
    const post = await createPost(t, author);
    const comment = expectStatus(
      await api('POST', `/posts/${post.id}/comments`, bob, {
        text: `@${dave.username} @${author.username} see this`,
      }),
      201,
    );
    assert.deepEqual(comment.mentions, [mentionList(dave), mentionList(author)]);
    assert.deepEqual(
      (await notifications(author)).map((n) => n.type),
      ['comment'],
    );
    const [mention] = await notifications(dave);
    assert.equal(mention?.type, 'mention');
    assert.deepEqual(mention?.comment, { id: comment.id, text: comment.text });
    const listed = expectStatus(await api('GET', `/posts/${post.id}/comments`, bob), 200);
    assert.deepEqual(listed.data[0].mentions, comment.mentions);
  });

  test('more than 20 mentions is a 400 naming the field', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const many = Array.from({ length: 21 }, (_, i) => `@someone${i}`).join(' ');
    const twenty = Array.from({ length: 20 }, (_, i) => `@someone${i}`).join(' ');
    for (const [method, url, payload, field] of [
      ['PATCH', `/posts/${post.id}`, { caption: many }, 'caption'],
      ['POST', `/posts/${post.id}/comments`, { text: many }, 'text'],
    ] as const) {
      const body = expectStatus(await api(method, url, author, payload), 400);
      assert.deepEqual(
        body.errors.map((e: { field: string }) => e.field),
        [field],
      );
    }
    expectStatus(await api('PATCH', `/posts/${post.id}`, author, { caption: twenty }), 200);
  });
});
