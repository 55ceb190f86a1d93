import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMedia, createUser, follow, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { makeImage, multipartForm } from '../../../test/helpers/media-fixtures.js';
import { oauthToken } from '../../../test/helpers/oauth.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { COMMENT_ID_BASE } from './entities.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let aliceApp: { authorization: string };
let bobApp: { authorization: string };
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t, { name: 'Alice' });
  bob = await createUser(t, { name: 'Bob' });
  aliceApp = (await oauthToken(t, alice)).headers;
  bobApp = (await oauthToken(t, bob)).headers;
});
after(async () => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, headers: object = aliceApp, payload?: object | string) =>
  t.app.inject({
    method,
    url,
    headers: headers as Record<string, string>,
    ...(payload !== undefined ? { payload } : {}),
  });

/** A post of `author` (one image each) through the native API; its id is its status id. */
const post = async (author: TestUser, caption = '') =>
  (await createPost(t, author, { caption })).id as string;

describe('accounts', () => {
  test('verify_credentials: the caller with source, ids as strings, timestamps set', async () => {
    const me = expectStatus(await call('GET', '/api/v1/accounts/verify_credentials'), 200);
    assert.equal(me.id, String(alice.id));
    assert.equal(me.username, alice.username);
    assert.equal(me.acct, alice.username);
    assert.equal(me.display_name, 'Alice');
    assert.equal(me.locked, false);
    assert.match(me.created_at, /^\d{4}-\d\d-\d\dT/);
    assert.match(me.avatar, /^http:\/\/photogram\.test\/avatars\/original\/missing\.png$/);
    assert.deepEqual(me.source.privacy, 'public');
    const avatar = await call('GET', '/avatars/original/missing.png', {});
    assert.equal(avatar.headers['content-type'], 'image/png');
  });

  test('a path this server does not have: 404 {error} for an app, a problem otherwise', async () => {
    const forApp = await call('GET', '/api/v1/lists/7/accounts');
    assert.equal(forApp.statusCode, 404);
    assert.match(String(forApp.headers['content-type']), /^application\/json/);
    assert.deepEqual(forApp.json(), { error: 'Record not found' });
    const native = await call('GET', '/api/v1/lists/7/accounts', {});
    assert.equal(native.statusCode, 404);
    assert.equal(native.json().code, 'not_found');
  });

  test('requires authentication: 401 JSON', async () => {
    const response = await call('GET', '/api/v1/accounts/verify_credentials', {});
    assert.equal(response.statusCode, 401);
    assert.match(response.headers['content-type'] as string, /^application\/json/);
    assert.equal(typeof response.json().error, 'string');
  });

  test('update_credentials (multipart): display_name, note, locked, avatar', async () => {
    const carol = await createUser(t);
    const { headers } = await oauthToken(t, carol);
    const boundary = 'b0undary';
    const image = await makeImage('png', 64, 64);
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const payload = Buffer.concat([
      Buffer.from(
        field('display_name', 'Carol C.') +
          field('note', 'Film #photography') +
          field('locked', 'true'),
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const me = expectStatus(
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/accounts/update_credentials',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      }),
      200,
    );
    assert.equal(me.display_name, 'Carol C.');
    assert.equal(me.source.note, 'Film #photography');
    assert.match(
      me.note,
      /<a href="http:\/\/photogram\.test\/tags\/photography" class="mention hashtag" rel="tag">#<span>photography<\/span><\/a>/,
    );
    assert.equal(me.locked, true);
    assert.equal(me.source.privacy, 'private');
    assert.doesNotMatch(me.avatar, /missing\.png/);
  });

  test('lookup, :id, 404 {error} for unknown ones', async () => {
    const found = expectStatus(
      await call('GET', `/api/v1/accounts/lookup?acct=${bob.username}`),
      200,
    );
    assert.equal(found.id, String(bob.id));
    const byId = expectStatus(await call('GET', `/api/v1/accounts/${bob.id}`), 200);
    assert.equal(byId.username, bob.username);
    const missing = await call('GET', '/api/v1/accounts/999999');
    assert.equal(missing.statusCode, 404);
    assert.equal(typeof missing.json().error, 'string');
  });

  test('follow and unfollow with no body and no content type; relationships with id[]', async () => {
    const dave = await createUser(t);
    const followed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/accounts/${dave.id}/follow`,
      headers: bobApp,
    });
    const rel = expectStatus(followed, 200);
    assert.equal(rel.id, String(dave.id));
    assert.equal(rel.following, true);
    const rels = expectStatus(
      await call('GET', `/api/v1/accounts/relationships?id[]=${dave.id}&id[]=${alice.id}`, bobApp),
      200,
    );
    assert.deepEqual(
      rels.map((r: { id: string; following: boolean }) => [r.id, r.following]),
      [
        [String(dave.id), true],
        [String(alice.id), false],
      ],
    );
    const followers = expectStatus(await call('GET', `/api/v1/accounts/${dave.id}/followers`), 200);
    assert.deepEqual(
      followers.map((a: { id: string }) => a.id),
      [String(bob.id)],
    );
    const unfollowed = await call('POST', `/api/v1/accounts/${dave.id}/unfollow`, bobApp, {});
    assert.equal(expectStatus(unfollowed, 200).following, false);
  });
});

describe('statuses', () => {
  test('a post is a status: HTML content, media, counts, visibility', async () => {
    const id = await post(alice, 'Dawn at #Porto\nwith @' + bob.username);
    const status = expectStatus(await call('GET', `/api/v1/statuses/${id}`), 200);
    assert.equal(status.id, id);
    assert.equal(status.account.id, String(alice.id));
    assert.equal(status.visibility, 'public');
    assert.match(
      status.content,
      /^<p>Dawn at <a href="[^"]+\/tags\/porto" class="mention hashtag" rel="tag">#<span>Porto<\/span><\/a><br>with <span class="h-card">/,
    );
    assert.equal(status.media_attachments.length, 1);
    assert.equal(status.media_attachments[0].type, 'image');
    assert.deepEqual(
      status.tags.map((tag: { name: string }) => tag.name),
      ['porto'],
    );
    assert.deepEqual(status.mentions, [
      {
        id: String(bob.id),
        username: bob.username,
        acct: bob.username,
        url: `http://photogram.test/u/${bob.username}`,
      },
    ]);
    assert.equal(status.reblogs_count, 0);
    assert.equal(status.reblog, null);
    assert.equal(status.favourites_count, 0);
    assert.match(status.created_at, /Z$/);
  });

  test('create with media_ids (JSON), Idempotency-Key honoured; then delete answers the status', async () => {
    const media = String(await createMedia(t, alice, 'image'));
    const headers = { ...aliceApp, 'idempotency-key': `k-${Date.now()}` };
    const first = expectStatus(
      await call('POST', '/api/v1/statuses', headers, { status: 'Hello', media_ids: [media] }),
      200,
    );
    const again = await call('POST', '/api/v1/statuses', headers, {
      status: 'Hello',
      media_ids: [media],
    });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.id);
    assert.equal(first.media_attachments[0].id, media);
    const deleted = expectStatus(await call('DELETE', `/api/v1/statuses/${first.id}`), 200);
    assert.equal(deleted.text, 'Hello');
    assert.equal((await call('GET', `/api/v1/statuses/${first.id}`)).statusCode, 404);
  });

  test('create with a form body and media_ids[]', async () => {
    const a = await createMedia(t, alice, 'image');
    const b = await createMedia(t, alice, 'image');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/statuses',
      headers: { ...aliceApp, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `status=Two&media_ids[]=${a}&media_ids[]=${b}&visibility=public`,
    });
    const status = expectStatus(response, 200);
    assert.deepEqual(
      status.media_attachments.map((m: { id: string }) => m.id),
      [String(a), String(b)],
    );
  });

  test('bad input: text only, more than 10 media, someone else’s media, reblog: each a clear 422', async () => {
    const textOnly = await call('POST', '/api/v1/statuses', aliceApp, { status: 'just words' });
    assert.equal(textOnly.statusCode, 422);
    assert.match(textOnly.json().error, /at least one media/);
    const eleven = Array.from({ length: 11 }, (_, i) => String(i + 1));
    const many = await call('POST', '/api/v1/statuses', aliceApp, { media_ids: eleven });
    assert.equal(many.statusCode, 422);
    assert.match(many.json().error, /at most 10/);
    const bobs = String(await createMedia(t, bob, 'image'));
    const theirs = await call('POST', '/api/v1/statuses', aliceApp, { media_ids: [bobs] });
    assert.equal(theirs.statusCode, 422);
    assert.match(theirs.json().error, new RegExp(`media ${bobs} does not exist`));
    const id = await post(bob);
    const reblog = await call('POST', `/api/v1/statuses/${id}/reblog`);
    assert.equal(reblog.statusCode, 422);
    assert.match(reblog.json().error, /no reposts/);
  });

  test('favourite, bookmark (empty bodies), favourited_by and bookmarks', async () => {
    const id = await post(bob);
    const fav = expectStatus(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/statuses/${id}/favourite`,
        headers: aliceApp,
      }),
      200,
    );
    assert.equal(fav.favourited, true);
    assert.equal(fav.favourites_count, 1);
    const mark = expectStatus(
      await call('POST', `/api/v1/statuses/${id}/bookmark`, aliceApp, {}),
      200,
    );
    assert.equal(mark.bookmarked, true);
    const by = expectStatus(await call('GET', `/api/v1/statuses/${id}/favourited_by`), 200);
    assert.deepEqual(
      by.map((a: { id: string }) => a.id),
      [String(alice.id)],
    );
    const favs = expectStatus(await call('GET', '/api/v1/favourites'), 200);
    assert.equal(favs[0].id, id);
    const marks = expectStatus(await call('GET', '/api/v1/bookmarks'), 200);
    assert.equal(marks[0].id, id);
    const unfav = expectStatus(await call('POST', `/api/v1/statuses/${id}/unfavourite`), 200);
    assert.deepEqual([unfav.favourited, unfav.favourites_count], [false, 0]);
    const unmark = expectStatus(await call('POST', `/api/v1/statuses/${id}/unbookmark`), 200);
    assert.equal(unmark.bookmarked, false);
  });

  test('replies are comments: ids never collide with posts; context from either end', async () => {
    const id = await post(bob, 'Thread');
    const reply = expectStatus(
      await call('POST', '/api/v1/statuses', aliceApp, {
        status: `Nice! @${bob.username} @nobody_here`,
        in_reply_to_id: id,
      }),
      200,
    );
    assert.ok(Number(reply.id) > COMMENT_ID_BASE);
    assert.equal(reply.in_reply_to_id, id);
    assert.equal(reply.in_reply_to_account_id, String(bob.id));
    assert.deepEqual(reply.media_attachments, []);
    assert.deepEqual(
      reply.mentions.map((m: { id: string }) => m.id),
      [String(bob.id)],
    );
    const nested = expectStatus(
      await call('POST', '/api/v1/statuses', bobApp, {
        status: 'Thanks',
        in_reply_to_id: reply.id,
      }),
      200,
    );
    assert.equal(nested.in_reply_to_id, reply.id);
    assert.equal(nested.in_reply_to_account_id, String(alice.id));

    const context = expectStatus(await call('GET', `/api/v1/statuses/${id}/context`), 200);
    assert.deepEqual(context.ancestors, []);
    assert.deepEqual(
      context.descendants.map((s: { id: string }) => s.id),
      [reply.id, nested.id],
    );
    const fromReply = expectStatus(await call('GET', `/api/v1/statuses/${nested.id}/context`), 200);
    assert.deepEqual(
      fromReply.ancestors.map((s: { id: string }) => s.id),
      [id, reply.id],
    );
    const parent = expectStatus(await call('GET', `/api/v1/statuses/${id}`), 200);
    assert.equal(parent.replies_count, 2);
    const fav = expectStatus(await call('POST', `/api/v1/statuses/${nested.id}/favourite`), 200);
    assert.equal(fav.favourited, true);
    const emptyReply = await call('POST', '/api/v1/statuses', aliceApp, {
      status: ' ',
      in_reply_to_id: id,
    });
    assert.equal(emptyReply.statusCode, 422);
  });

  test('scopes: a read-only token cannot post (403 {error})', async () => {
    const { headers } = await oauthToken(t, alice, 'read');
    const response = await call('POST', '/api/v1/statuses', headers, { media_ids: ['1'] });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error, /write:statuses/);
  });

  test('edit: PUT changes the caption', async () => {
    const id = await post(alice, 'Before');
    const edited = expectStatus(
      await call('PUT', `/api/v1/statuses/${id}`, aliceApp, { status: 'After #now' }),
      200,
    );
    assert.equal(edited.text, 'After #now');
    assert.deepEqual(
      edited.tags.map((x: { name: string }) => x.name),
      ['now'],
    );
    const history = expectStatus(await call('GET', `/api/v1/statuses/${id}/history`), 200);
    assert.deepEqual(
      history.map((v: { content: string }) => v.content.replace(/<[^>]+>/g, '')),
      ['Before', 'After #now'],
    );
    assert.equal(history[0].media_attachments.length, 1);
    const others = expectStatus(await call('GET', `/api/v1/statuses/${id}/history`, bobApp), 200);
    assert.equal(others.length, 1);
  });
});

describe('media', () => {
  test('POST /api/v2/media → 200 with url; GET and PUT /api/v1/media/:id; the description is the media’s alt text', async () => {
    const image = await makeImage('jpeg', 400, 300);
    const form = multipartForm(image);
    const uploaded = expectStatus(
      await t.app.inject({
        method: 'POST',
        url: '/api/v2/media',
        headers: { ...aliceApp, ...form.headers },
        payload: form.payload,
      }),
      200,
    );
    assert.equal(uploaded.type, 'image');
    assert.match(uploaded.url, /^http:\/\/photogram\.test\/media\//);
    assert.deepEqual(uploaded.meta.original, {
      width: 400,
      height: 300,
      size: '400x300',
      aspect: 400 / 300,
    });
    assert.equal(uploaded.description, null);
    const updated = expectStatus(
      await call('PUT', `/api/v1/media/${uploaded.id}`, aliceApp, {
        description: 'A lake',
        focus: '0.5,-0.25',
      }),
      200,
    );
    assert.equal(updated.description, 'A lake');
    assert.deepEqual(updated.meta.focus, { x: 0, y: 0 }, 'focus is accepted, not kept');
    const got = expectStatus(await call('GET', `/api/v1/media/${uploaded.id}`), 200);
    assert.equal(got.description, 'A lake');
    // The native API keeps its own GET /api/v1/media/:id for its own tokens.
    const native = expectStatus(
      await call('GET', `/api/v1/media/${uploaded.id}`, alice.headers),
      200,
    );
    assert.equal(native.alt_text, 'A lake', 'the same alt text as the native API');
    const status = expectStatus(
      await call('POST', '/api/v1/statuses', aliceApp, { media_ids: [uploaded.id] }),
      200,
    );
    assert.equal(status.media_attachments[0].description, 'A lake');
    const bobs = await call('GET', `/api/v1/media/${uploaded.id}`, bobApp);
    assert.equal(bobs.statusCode, 404);
    const theirs = await call('PUT', `/api/v1/media/${uploaded.id}`, bobApp, { description: 'x' });
    assert.equal(theirs.statusCode, 404);
    const badFocus = await call('PUT', `/api/v1/media/${uploaded.id}`, aliceApp, { focus: '2,0' });
    assert.equal(badFocus.statusCode, 422);
  });
});

describe('timelines', () => {
  test('home: pages through max_id with Link headers (absolute, rel in double quotes); min_id for newer', async () => {
    const erin = await createUser(t);
    const frank = await createUser(t);
    const { headers } = await oauthToken(t, erin);
    await follow(t, erin, frank);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await post(frank, `#${i}`));
    await t.drainJobs();
    const newest = [...ids].reverse();
    const first = await call('GET', '/api/v1/timelines/home?limit=2', headers);
    assert.deepEqual(
      expectStatus(first, 200).map((s: { id: string }) => s.id),
      newest.slice(0, 2),
    );
    const link = String(first.headers.link);
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    const prev = /<([^>]+)>; rel="prev"/.exec(link)?.[1];
    assert.ok(next?.startsWith('http://localhost/api/v1/timelines/home?'), link);
    assert.equal(new URL(prev!).searchParams.get('min_id'), newest[0]);
    const url = new URL(next!);
    const second = await call('GET', url.pathname + url.search, headers);
    assert.deepEqual(
      expectStatus(second, 200).map((s: { id: string }) => s.id),
      newest.slice(2, 4),
    );
    // A client may also page with the last status id.
    const byId = await call('GET', `/api/v1/timelines/home?limit=2&max_id=${newest[1]}`, headers);
    assert.deepEqual(
      byId.json().map((s: { id: string }) => s.id),
      newest.slice(2, 4),
    );
    assert.equal(queryCount(byId), queryCount(first) + 1, 'one statement to place max_id');
    const newer = await call('GET', `/api/v1/timelines/home?since_id=${newest[2]}`, headers);
    assert.deepEqual(
      newer.json().map((s: { id: string }) => s.id),
      newest.slice(0, 2),
    );
    // since_id: the newest ones above it; min_id: the page right after it (Mastodon's meaning).
    const sinceOldest = await call(
      'GET',
      `/api/v1/timelines/home?limit=2&since_id=${newest[4]}`,
      headers,
    );
    assert.deepEqual(
      sinceOldest.json().map((s: { id: string }) => s.id),
      newest.slice(0, 2),
    );
    const afterOldest = await call(
      'GET',
      `/api/v1/timelines/home?limit=2&min_id=${newest[4]}`,
      headers,
    );
    assert.deepEqual(
      expectStatus(afterOldest, 200).map((s: { id: string }) => s.id),
      newest.slice(2, 4),
    );
    const olderLink = /<([^>]+)>; rel="next"/.exec(String(afterOldest.headers.link))?.[1];
    assert.equal(new URL(olderLink!).searchParams.get('max_id'), newest[3]);
    const all = await call('GET', '/api/v1/timelines/home?limit=5', headers);
    assert.equal(all.json().length, 5);
    assert.equal(queryCount(all), queryCount(first), 'a constant number of statements per page');
  });

  test('public and tag timelines', async () => {
    const id = await post(bob, 'Tagged #sunset');
    const pub = expectStatus(await call('GET', '/api/v1/timelines/public?local=true'), 200);
    assert.ok(pub.some((s: { id: string }) => s.id === id));
    const tagged = expectStatus(await call('GET', '/api/v1/timelines/tag/sunset'), 200);
    assert.deepEqual(
      tagged.map((s: { id: string }) => s.id),
      [id],
    );
  });

  test('account statuses; pinned is empty', async () => {
    const id = await post(bob, 'Mine');
    const list = expectStatus(
      await call('GET', `/api/v1/accounts/${bob.id}/statuses?limit=1`),
      200,
    );
    assert.deepEqual(
      list.map((s: { id: string }) => s.id),
      [id],
    );
    const pinned = expectStatus(
      await call('GET', `/api/v1/accounts/${bob.id}/statuses?pinned=true`),
      200,
    );
    assert.deepEqual(pinned, []);
  });
});

test('follow requests of a locked account: list, authorize, reject', async () => {
  const locked = await createUser(t, { isPrivate: true });
  const { headers } = await oauthToken(t, locked);
  const [gina, hal] = [await createUser(t), await createUser(t)];
  for (const asker of [gina, hal]) {
    const { headers: theirs } = await oauthToken(t, asker);
    const rel = expectStatus(
      await call('POST', `/api/v1/accounts/${locked.id}/follow`, theirs),
      200,
    );
    assert.deepEqual([rel.following, rel.requested], [false, true]);
  }
  const pending = expectStatus(await call('GET', '/api/v1/follow_requests', headers), 200);
  assert.deepEqual(
    pending.map((a: { id: string }) => a.id).sort(),
    [String(gina.id), String(hal.id)].sort(),
  );
  const ok = expectStatus(
    await call('POST', `/api/v1/follow_requests/${gina.id}/authorize`, headers),
    200,
  );
  assert.equal(ok.followed_by, true);
  const no = expectStatus(
    await call('POST', `/api/v1/follow_requests/${hal.id}/reject`, headers),
    200,
  );
  assert.deepEqual([no.followed_by, no.requested], [false, false]);
  assert.deepEqual(expectStatus(await call('GET', '/api/v1/follow_requests', headers), 200), []);
  const again = await call('POST', `/api/v1/follow_requests/${hal.id}/authorize`, headers);
  assert.equal(again.statusCode, 404);
});

test('history (the current version) and trends from explore', async () => {
  const ivy = await createUser(t);
  const id = await post(ivy, 'Trending #lighthouse #sea');
  await call('POST', `/api/v1/statuses/${id}/favourite`, bobApp);
  const history = expectStatus(await call('GET', `/api/v1/statuses/${id}/history`), 200);
  assert.equal(history.length, 1);
  assert.match(history[0].content, /lighthouse/);
  const statuses = expectStatus(await call('GET', '/api/v1/trends/statuses'), 200);
  assert.ok(statuses.some((s: { id: string }) => s.id === id));
  const tags = expectStatus(await call('GET', '/api/v1/trends/tags'), 200);
  const names = tags.map((tag: { name: string }) => tag.name);
  assert.ok(names.includes('lighthouse') && names.includes('sea'), names.join());
  assert.match(tags[0].history[0].uses, /^\d+$/);
});

test('markers: saved from JSON or a form, versions counted', async () => {
  const jay = await createUser(t);
  const { headers } = await oauthToken(t, jay);
  assert.deepEqual(
    expectStatus(await call('GET', '/api/v1/markers?timeline[]=home', headers), 200),
    {},
  );
  const first = expectStatus(
    await call('POST', '/api/v1/markers', headers, { home: { last_read_id: '5' } }),
    200,
  );
  assert.equal(first.home.last_read_id, '5');
  assert.equal(first.home.version, 1);
  const second = await t.app.inject({
    method: 'POST',
    url: '/api/v1/markers',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'home[last_read_id]=7',
  });
  assert.deepEqual(
    [expectStatus(second, 200).home.last_read_id, second.json().home.version],
    ['7', 2],
  );
  const read = expectStatus(
    await call('GET', '/api/v1/markers?timeline[]=home&timeline[]=notifications', headers),
    200,
  );
  assert.deepEqual(Object.keys(read), ['home']);
  assert.match(read.home.updated_at, /Z$/);
  const bad = await call('POST', '/api/v1/markers', headers, { home: { last_read_id: 'x' } });
  assert.equal(bad.statusCode, 422);
});

test('search v2: accounts, statuses, hashtags', async () => {
  const id = await post(bob, 'Searchable zeppelin');
  const result = expectStatus(await call('GET', `/api/v2/search?q=zeppelin`), 200);
  assert.deepEqual(
    result.statuses.map((s: { id: string }) => s.id),
    [id],
  );
  const people = expectStatus(
    await call('GET', `/api/v2/search?q=${bob.username}&type=accounts`),
    200,
  );
  // Usernames are prefixes of later ones (user…2, user…20): Bob comes first, by username.
  assert.equal(people.accounts[0].id, String(bob.id));
  assert.deepEqual(people.statuses, []);
});

test('instance v1/v2 and nodeinfo', async () => {
  const v2 = expectStatus(await call('GET', '/api/v2/instance', {}), 200);
  assert.equal(v2.configuration.statuses.max_media_attachments, 10);
  assert.equal(v2.configuration.statuses.max_characters, 2200);
  const v1 = expectStatus(await call('GET', '/api/v1/instance', {}), 200);
  assert.match(v1.version, /^4\.3\.0/);
  const wellKnown = expectStatus(await call('GET', '/.well-known/nodeinfo', {}), 200);
  const href = new URL(wellKnown.links[0].href);
  const info = expectStatus(await call('GET', href.pathname, {}), 200);
  assert.equal(info.software.name, 'photogram');
  assert.deepEqual(info.metadata.upstream.name, 'mastodon');
  assert.deepEqual(expectStatus(await call('GET', '/api/v1/custom_emojis', {}), 200), []);
});

test('the per-account write limit counts Mastodon writes too (429 {error})', async () => {
  const limited = await buildTestApp({ env: { WRITE_RATE_LIMIT_PER_5MIN: '2' } });
  try {
    const user = await createUser(limited);
    const other = await createUser(limited);
    const { headers } = await oauthToken(limited, user);
    const follow = () =>
      limited.app.inject({ method: 'POST', url: `/api/v1/accounts/${other.id}/follow`, headers });
    expectStatus(await follow(), 200);
    expectStatus(await follow(), 200);
    const refused = await follow();
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error, /Too many writes/);
  } finally {
    await limited.close();
  }
});
