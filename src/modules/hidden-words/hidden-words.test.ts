import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commentsApi } from '../../../test/helpers/comments-factories.js';
import { createUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { distinctWords, hiddenWordMatcher, normalizeText } from './hidden-words.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const { api, comment } = commentsApi(() => t);
const texts = (page: { data: { text: string }[] }) => page.data.map((c) => c.text);

describe('hidden word matching', () => {
  test('ignores case and accents, matches whole words, emoji anywhere', () => {
    assert.equal(normalizeText('Crème BRÛLÉE ﬁne'), 'creme brulee fine');
    const matches = hiddenWordMatcher(['Spoiler', 'crème brûlée', '🍕'])!;
    assert.equal(matches('SPOILER alert!'), true);
    assert.equal(matches('spöiler'), true);
    assert.equal(matches('no spoilers here'), false);
    assert.equal(matches('I love creme   brulee.'), true);
    assert.equal(matches('pizza🍕time'), true);
    assert.equal(matches('nothing to see'), false);
    assert.equal(hiddenWordMatcher([]), null);
    assert.deepEqual(distinctWords([' Spoiler ', 'spoiler', 'SPÖILER', 'other']), [
      'Spoiler',
      'other',
    ]);
  });
});

describe('hidden words', () => {
  test('require authentication', async () => {
    assert.equal((await api('GET', '/me/hidden-words', null)).statusCode, 401);
    assert.equal((await api('PUT', '/me/hidden-words', null, { words: [] })).statusCode, 401);
  });

  test('PUT replaces the list; GET reads it; bad lists are 400', async () => {
    const alice = await createUser(t);
    assert.deepEqual(expectStatus(await api('GET', '/me/hidden-words', alice), 200), {
      words: [],
    });
    const put = await api('PUT', '/me/hidden-words', alice, {
      words: ['Spoiler', ' spoiler ', 'crème brûlée'],
    });
    assert.deepEqual(expectStatus(put, 200), { words: ['Spoiler', 'crème brûlée'] });
    assert.deepEqual(expectStatus(await api('GET', '/me/hidden-words', alice), 200), {
      words: ['Spoiler', 'crème brûlée'],
    });
    for (const words of [['x'.repeat(101)], Array.from({ length: 201 }, (_, i) => `w${i}`), ['']]) {
      const bad = await api('PUT', '/me/hidden-words', alice, { words });
      assert.equal(expectStatus(bad, 400).code, 'validation_failed');
    }
    assert.equal(
      expectStatus(await api('PUT', '/me/hidden-words', alice, {}), 400).code,
      'validation_failed',
    );
    expectStatus(await api('PUT', '/me/hidden-words', alice, { words: [] }), 200);
    assert.deepEqual(expectStatus(await api('GET', '/me/hidden-words', alice), 200), {
      words: [],
    });
  });

  test("comments on the owner's posts that contain one are hidden from all but their author", async () => {
    const owner = await createUser(t);
    const bob = await createUser(t);
    const carol = await createUser(t);
    const post = await createPost(t, owner);
    expectStatus(
      await api('PUT', '/me/hidden-words', owner, { words: ['spoiler', 'crème brûlée'] }),
      200,
    );
    const top = await comment(post.id, carol, 'nice photo');
    await comment(post.id, bob, 'SPOILER: he dies');
    await comment(post.id, carol, 'Creme Brulee is best');
    await comment(post.id, carol, 'no spoilers here');
    await comment(post.id, bob, 'a spöiler reply', top.id);
    await comment(post.id, carol, 'a fine reply', top.id);

    const list = (user: typeof owner) =>
      api('GET', `/posts/${post.id}/comments`, user).then((r) => expectStatus(r, 200));
    const replies = (user: typeof owner) =>
      api('GET', `/comments/${top.id}/replies`, user).then((r) => expectStatus(r, 200));
    assert.deepEqual(texts(await list(owner)), ['nice photo', 'no spoilers here']);
    assert.deepEqual(texts(await list(carol)), [
      'nice photo',
      'Creme Brulee is best',
      'no spoilers here',
    ]);
    assert.deepEqual(texts(await list(bob)), [
      'nice photo',
      'SPOILER: he dies',
      'no spoilers here',
    ]);
    assert.deepEqual(texts(await replies(owner)), ['a fine reply']);
    // Nor can it be read by its id, but by its author.
    const spoiler = expectStatus(await api('GET', `/posts/${post.id}/comments`, bob), 200).data[1];
    assert.equal((await api('GET', `/comments/${spoiler.id}`, owner)).statusCode, 404);
    expectStatus(await api('GET', `/comments/${spoiler.id}`, bob), 200);
    assert.deepEqual(texts(await replies(bob)), ['a spöiler reply', 'a fine reply']);

    // Words of other accounts hide nothing here.
    expectStatus(await api('PUT', '/me/hidden-words', carol, { words: ['nice'] }), 200);
    assert.equal(texts(await list(owner)).includes('nice photo'), true);

    // Pages still walk every shown comment once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { text: string }[]; next_cursor: string | null } = expectStatus(
        await api(
          'GET',
          `/posts/${post.id}/comments?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          owner,
        ),
        200,
      );
      seen.push(...texts(page));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ['nice photo', 'no spoilers here']);
  });

  test('nobody is notified of a hidden comment', async () => {
    const owner = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, owner);
    expectStatus(await api('PUT', '/me/hidden-words', owner, { words: ['spoiler'] }), 200);
    await comment(post.id, bob, 'a Spoiler for @' + owner.username);
    await comment(post.id, bob, 'a kind word');
    const notifications = expectStatus(await api('GET', '/notifications', owner), 200);
    const comments = notifications.data.filter((n: { type: string }) => n.type === 'comment');
    assert.deepEqual(
      comments.map((n: { comment: { text: string } }) => n.comment.text),
      ['a kind word'],
    );
  });

  test('a comment list costs the same statements with or without hidden words', async () => {
    const owner = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, owner);
    for (let i = 0; i < 5; i++) await comment(post.id, bob, `comment ${i}`);
    const before = queryCount(await api('GET', `/posts/${post.id}/comments`, owner));
    expectStatus(await api('PUT', '/me/hidden-words', owner, { words: ['comment 3'] }), 200);
    const response = await api('GET', `/posts/${post.id}/comments`, owner);
    assert.equal(expectStatus(response, 200).data.length, 4);
    assert.equal(queryCount(response), before);
  });
});
