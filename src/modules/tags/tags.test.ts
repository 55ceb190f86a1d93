import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const api = (method: string, url: string, user: TestUser | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user?.headers ?? {},
    ...(payload ? { payload } : {}),
  });
const at = (user: TestUser, mediaId: string | number, x = 0.5, y = 0.5) => ({
  media_id: String(mediaId),
  username: user.username,
  x,
  y,
});
async function postWithTags(author: TestUser, tags: (m: string[]) => object[], kinds = ['image']) {
  const media: string[] = [];
  for (const kind of kinds) media.push(String(await createMedia(t, author, kind as 'image')));
  return api('POST', '/posts', author, { media_ids: media, tags: tags(media) });
}
const taggedPeople = (post: { media: { tags: { user: { username: string } }[] }[] }) =>
  post.media.map((m) => m.tags.map((tag) => tag.user.username));
const kindsOf = async (user: TestUser) =>
  expectStatus(await api('GET', '/notifications', user), 200).data.map(
    (n: { type: string }) => n.type,
  );

describe('people tags', () => {
  test('requires authentication where it changes something', async () => {
    assert.equal((await api('DELETE', '/posts/1/tags/me', null)).statusCode, 401);
    assert.equal((await api('GET', '/me/pending-tags', null)).statusCode, 401);
    assert.equal((await api('POST', '/me/pending-tags/1/approve', null)).statusCode, 401);
    assert.equal((await api('POST', '/me/pending-tags/1/decline', null)).statusCode, 401);
  });

  test('tags on images are shown on the media, notify the person, and fill their Tagged grid', async () => {
    const author = await createUser(t);
    const bob = await createUser(t);
    const carol = await createUser(t);
    const post = expectStatus(
      await postWithTags(
        author,
        ([first, second]) => [
          at(bob, first!, 0.25, 0.75),
          { ...at(carol, second!), username: carol.username.toUpperCase() },
        ],
        ['image', 'image'],
      ),
      201,
    );
    assert.deepEqual(taggedPeople(post), [[bob.username], [carol.username]]);
    assert.deepEqual(
      { x: post.media[0].tags[0].x, y: post.media[0].tags[0].y, id: post.media[0].tags[0].user.id },
      { x: 0.25, y: 0.75, id: String(bob.id) },
    );
    assert.deepEqual(await kindsOf(bob), ['tag']);
    const grid = await api('GET', `/users/${bob.username}/tagged`, null);
    assert.deepEqual(ids(expectStatus(grid, 200)), [post.id]);

    // An edit makes the tags exactly the given ones: carol goes, bob moves.
    const edited = expectStatus(
      await api('PATCH', `/posts/${post.id}`, author, {
        tags: [at(bob, post.media[1].id, 0.1, 0.2)],
      }),
      200,
    );
    assert.deepEqual(taggedPeople(edited), [[], [bob.username]]);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${carol.username}/tagged`, null), 200)),
      [],
    );

    // Bob takes himself off.
    expectStatus(await api('DELETE', `/posts/${post.id}/tags/me`, bob), 204);
    expectStatus(await api('DELETE', `/posts/${post.id}/tags/me`, bob), 204);
    const read = expectStatus(await api('GET', `/posts/${post.id}`, bob), 200);
    assert.deepEqual(taggedPeople(read), [[], []]);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${bob.username}/tagged`, bob), 200)),
      [],
    );
  });

  test('400 naming tags: a video, out of range, unknown person, more than 20 on an image', async () => {
    const author = await createUser(t);
    const bob = await createUser(t);
    const many = await Promise.all(Array.from({ length: 21 }, () => createUser(t)));
    const cases: [(m: string[]) => object[], string[], string][] = [
      [(m) => [at(bob, m[0]!)], ['video'], 'tags'],
      [(m) => [at(bob, m[0]!, 1.5, 0)], ['image'], 'tags'],
      [(m) => [{ ...at(bob, m[0]!), username: 'no_such_person' }], ['image'], 'tags'],
      [(m) => many.map((u) => at(u, m[0]!)), ['image'], 'tags'],
      [() => [at(bob, '999999')], ['image'], 'tags'],
    ];
    for (const [tags, kinds, field] of cases) {
      const body = expectStatus(await postWithTags(author, tags, kinds), 400);
      assert.ok(
        body.errors.some((e: { field: string }) => e.field.startsWith(field)),
        JSON.stringify(body.errors),
      );
    }
    const ok = expectStatus(
      await postWithTags(author, (m) => many.slice(0, 20).map((u) => at(u, m[0]!))),
      201,
    );
    assert.equal(ok.media[0].tags.length, 20);
  });

  test('400 naming tags for a new tag when a block stands between author and person, either way', async () => {
    const author = await createUser(t);
    const blocker = await createUser(t);
    const blocked = await createUser(t);
    const friend = await createUser(t);
    expectStatus(await api('POST', `/users/${author.username}/block`, blocker), 204);
    expectStatus(await api('POST', `/users/${blocked.username}/block`, author), 204);
    for (const person of [blocker, blocked]) {
      const body = expectStatus(await postWithTags(author, (m) => [at(person, m[0]!)]), 400);
      assert.deepEqual(
        body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
        [['tags', `@${person.username} can't be tagged: one of you has blocked the other`]],
      );
    }
    // An edit adding them is refused the same way, and the post keeps its tags.
    const post = expectStatus(await postWithTags(author, (m) => [at(friend, m[0]!)]), 201);
    const mediaId = post.media[0].id;
    const edit = await api('PATCH', `/posts/${post.id}`, author, {
      tags: [at(friend, mediaId), at(blocker, mediaId)],
    });
    assert.equal(expectStatus(edit, 400).errors[0].field, 'tags');
    const read = expectStatus(await api('GET', `/posts/${post.id}`, author), 200);
    assert.deepEqual(taggedPeople(read), [[friend.username]]);
    // A tag made before the block may stay (and move) when the author edits the others.
    expectStatus(await api('POST', `/users/${author.username}/block`, friend), 204);
    const kept = await api('PATCH', `/posts/${post.id}`, author, {
      tags: [at(friend, mediaId, 0.2, 0.3)],
    });
    assert.deepEqual(
      expectStatus(kept, 200).media[0].tags.map((tag: { x: number; y: number }) => [tag.x, tag.y]),
      [[0.2, 0.3]],
    );
    // Once unblocked, the tag is taken.
    expectStatus(await api('DELETE', `/users/${blocked.username}/block`, author), 204);
    expectStatus(await postWithTags(author, (m) => [at(blocked, m[0]!)]), 201);
  });

  test('manual approval: tags wait, show nowhere, then approve or decline', async () => {
    const author = await createUser(t);
    const shy = await createUser(t);
    const me = expectStatus(await api('PATCH', '/me', shy, { tag_approval: 'manual' }), 200);
    assert.equal(me.tag_approval, 'manual');
    const first = expectStatus(await postWithTags(author, (m) => [at(shy, m[0]!)]), 201);
    const second = expectStatus(await postWithTags(author, (m) => [at(shy, m[0]!)]), 201);
    assert.deepEqual(taggedPeople(first), [[]]);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${shy.username}/tagged`, shy), 200)),
      [],
    );
    assert.deepEqual(await kindsOf(shy), ['tag', 'tag']);

    const one = await api('GET', '/me/pending-tags?limit=1', shy);
    const all = await api('GET', '/me/pending-tags', shy);
    const pending = expectStatus(all, 200);
    assert.deepEqual(
      pending.data.map((p: { post_id: string; tagged_by: { id: string } }) => [
        p.post_id,
        p.tagged_by.id,
      ]),
      [
        [second.id, String(author.id)],
        [first.id, String(author.id)],
      ],
    );
    assert.equal(queryCount(one), queryCount(all));
    assert.equal(queryCount(all), 2); // auth + page

    expectStatus(await api('POST', `/me/pending-tags/${pending.data[1].id}/approve`, shy), 204);
    expectStatus(await api('POST', `/me/pending-tags/${pending.data[0].id}/decline`, shy), 204);
    expectStatus(await api('POST', `/me/pending-tags/${pending.data[0].id}/approve`, shy), 404);
    expectStatus(await api('POST', `/me/pending-tags/${pending.data[1].id}/approve`, author), 404);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${shy.username}/tagged`, null), 200)),
      [first.id],
    );
    const shown = expectStatus(await api('GET', `/posts/${first.id}`, author), 200);
    assert.deepEqual(taggedPeople(shown), [[shy.username]]);
    assert.deepEqual(expectStatus(await api('GET', '/me/pending-tags', shy), 200).data, []);
  });

  test('Tagged grid: privacy, 404, constant statements', async () => {
    const priv = await createUser(t, { isPrivate: true });
    const fan = await createUser(t);
    const tagged = await createUser(t, { isPrivate: true });
    const stranger = await createUser(t);
    await follow(t, fan, priv);
    await follow(t, stranger, tagged);
    const hidden = expectStatus(await postWithTags(priv, (m) => [at(tagged, m[0]!)]), 201);
    // Tagged can't see priv's post: no notification; the stranger following them sees nothing of it.
    assert.deepEqual(await kindsOf(tagged), []);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${tagged.username}/tagged`, stranger), 200)),
      [],
    );
    assert.equal((await api('GET', `/users/${tagged.username}/tagged`, fan)).statusCode, 403);
    assert.deepEqual(
      ids(expectStatus(await api('GET', `/users/${tagged.username}/tagged`, tagged), 200)),
      [],
    );
    assert.equal((await api('DELETE', `/posts/${hidden.id}/tags/me`, stranger)).statusCode, 403);
    assert.equal((await api('DELETE', '/posts/999999/tags/me', stranger)).statusCode, 404);
    assert.equal((await api('GET', '/users/nobody_at_all/tagged', stranger)).statusCode, 404);

    const author = await createUser(t);
    const star = await createUser(t);
    for (let i = 0; i < 3; i++)
      expectStatus(await postWithTags(author, (m) => [at(star, m[0]!)]), 201);
    const one = await api('GET', `/users/${star.username}/tagged?limit=1`, fan);
    const three = await api('GET', `/users/${star.username}/tagged`, fan);
    assert.equal(expectStatus(three, 200).data.length, 3);
    assert.equal(queryCount(one), queryCount(three));
  });
});
