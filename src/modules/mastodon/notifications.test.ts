import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { oauthToken } from '../../../test/helpers/oauth.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { COMMENT_ID_BASE } from './entities.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, headers: object, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: headers as Record<string, string>,
    ...(payload !== undefined ? { payload } : {}),
  });

interface Entity {
  id: string;
  type: string;
  account: { id: string; username: string };
  status?: { id: string; in_reply_to_id: string | null; content: string };
}
const kinds = (list: Entity[]) => list.map((n) => `${n.type}:${n.account.username}`);

/** Native actions of `by` toward `owner`: follow, like a post, comment with a mention, reply. */
async function activity(owner: TestUser, by: TestUser) {
  const postId = (await createPost(t, owner, { caption: 'sunset' })).id as string;
  expectStatus(await call('POST', `/api/v1/users/${owner.username}/follow`, by.headers), 200);
  expectStatus(await call('POST', `/api/v1/posts/${postId}/like`, by.headers), 200);
  const comment = expectStatus(
    await call('POST', `/api/v1/posts/${postId}/comments`, by.headers, {
      text: `@${owner.username} lovely`,
    }),
    201,
  );
  return { postId, commentId: comment.id as string };
}

describe('notifications', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let aliceApp: { authorization: string };
  let posted: { postId: string; commentId: string };
  before(async () => {
    alice = await createUser(t, { name: 'Alice' });
    bob = await createUser(t, { name: 'Bob' });
    carol = await createUser(t, { name: 'Carol' });
    aliceApp = (await oauthToken(t, alice)).headers;
    posted = await activity(alice, bob);
    expectStatus(await call('POST', `/api/v1/posts/${posted.postId}/like`, carol.headers), 200);
  });

  test('401 without a token, as JSON', async () => {
    // Without an OAuth token the native route answers: a 401 problem document, still JSON.
    const response = await call('GET', '/api/v1/notifications', {});
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /json/);
  });

  test('lists Mastodon kinds with accounts and statuses, newest first', async () => {
    const list = expectStatus<Entity[]>(await call('GET', '/api/v1/notifications', aliceApp), 200);
    // Bob's comment mentions Alice on her own post: one notification, a `mention`.
    assert.deepEqual(kinds(list), [
      `favourite:${carol.username}`,
      `mention:${bob.username}`,
      `favourite:${bob.username}`,
      `follow:${bob.username}`,
    ]);
    const [carolLike, mention] = list;
    assert.equal(carolLike!.status!.id, posted.postId, 'a like carries the post as its status');
    assert.equal(mention!.status!.id, String(COMMENT_ID_BASE + Number(posted.commentId)));
    assert.equal(mention!.status!.in_reply_to_id, posted.postId);
    assert.match(mention!.status!.content, /lovely/);
    assert.equal(list.at(-1)!.status, undefined, 'a follow has no status');
    for (const n of list) assert.match(n.id, /^\d+$/);
  });

  test('types[] and exclude_types[] filter by Mastodon kind; unknown kinds give nothing', async () => {
    const favourites = expectStatus<Entity[]>(
      await call('GET', '/api/v1/notifications?types[]=favourite', aliceApp),
      200,
    );
    assert.deepEqual(kinds(favourites), [
      `favourite:${carol.username}`,
      `favourite:${bob.username}`,
    ]);
    const noMentions = expectStatus<Entity[]>(
      await call(
        'GET',
        '/api/v1/notifications?exclude_types[]=mention&exclude_types[]=favourite',
        aliceApp,
      ),
      200,
    );
    assert.deepEqual(kinds(noMentions), [`follow:${bob.username}`]);
    const polls = await call('GET', '/api/v1/notifications?types[]=poll', aliceApp);
    assert.deepEqual(expectStatus(polls, 200), []);
  });

  test('pages through max_id with a Link header, min_id and since_id for newer ones, constant statements', async () => {
    const all = expectStatus<Entity[]>(await call('GET', '/api/v1/notifications', aliceApp), 200);
    const first = await call('GET', '/api/v1/notifications?limit=2', aliceApp);
    const page1 = expectStatus<Entity[]>(first, 200);
    assert.deepEqual(
      page1.map((n) => n.id),
      all.slice(0, 2).map((n) => n.id),
    );
    const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))?.[1];
    assert.ok(next, `a next link in ${first.headers.link}`);
    const second = await call('GET', new URL(next).pathname + new URL(next).search, aliceApp);
    assert.deepEqual(
      expectStatus<Entity[]>(second, 200).map((n) => n.id),
      all.slice(2, 4).map((n) => n.id),
    );
    const oldest = all.at(-1)!.id;
    const afterOldest = expectStatus<Entity[]>(
      await call('GET', `/api/v1/notifications?min_id=${oldest}&limit=2`, aliceApp),
      200,
    );
    assert.deepEqual(
      afterOldest.map((n) => n.id),
      [all.at(-3)!.id, all.at(-2)!.id],
      'min_id: the page right after it, newest first',
    );
    const sinceOldest = expectStatus<Entity[]>(
      await call('GET', `/api/v1/notifications?since_id=${oldest}&limit=2`, aliceApp),
      200,
    );
    assert.deepEqual(
      sinceOldest.map((n) => n.id),
      all.slice(0, 2).map((n) => n.id),
      'since_id: the newest ones',
    );
    assert.equal(
      queryCount(await call('GET', '/api/v1/notifications?limit=40', aliceApp)),
      queryCount(first),
      'the same statements for 2 and for 5 notifications',
    );
  });

  test('one by id, unread count, dismiss and clear; someone else’s is 404', async () => {
    const dana = await createUser(t);
    const danaApp = (await oauthToken(t, dana)).headers;
    await activity(dana, bob);
    const list = expectStatus<Entity[]>(await call('GET', '/api/v1/notifications', danaApp), 200);
    assert.equal(list.length, 3);
    const one = expectStatus<Entity>(
      await call('GET', `/api/v1/notifications/${list[1]!.id}`, danaApp),
      200,
    );
    assert.deepEqual(one, list[1]);
    assert.equal(
      (await call('GET', `/api/v1/notifications/${list[1]!.id}`, aliceApp)).statusCode,
      404,
    );
    assert.deepEqual(
      expectStatus(await call('GET', '/api/v1/notifications/unread_count', danaApp), 200),
      { count: 3 },
    );
    expectStatus(await call('POST', `/api/v1/notifications/${list[1]!.id}/dismiss`, danaApp), 200);
    assert.equal(
      (await call('GET', `/api/v1/notifications/${list[1]!.id}`, danaApp)).statusCode,
      404,
    );
    assert.equal(
      (await call('POST', `/api/v1/notifications/${list[0]!.id}/dismiss`, aliceApp)).statusCode,
      404,
      'nobody dismisses another account’s notification',
    );
    const left = expectStatus<Entity[]>(await call('GET', '/api/v1/notifications', danaApp), 200);
    assert.equal(left.length, 2);
    expectStatus(await call('POST', '/api/v1/notifications/clear', danaApp), 200);
    assert.deepEqual(expectStatus(await call('GET', '/api/v1/notifications', danaApp), 200), []);
    const aliceList = expectStatus<Entity[]>(
      await call('GET', '/api/v1/notifications', aliceApp),
      200,
    );
    assert.equal(aliceList.length, 4, 'clearing one account leaves the others alone');
  });

  test('v2 grouped: favourites of one status and follows together, each account and status once', async () => {
    const body = expectStatus(await call('GET', '/api/v2/notifications', aliceApp), 200);
    const groups = body.notification_groups as {
      group_key: string;
      type: string;
      notifications_count: number;
      sample_account_ids: string[];
      status_id?: string;
      page_min_id: string;
      page_max_id: string;
    }[];
    assert.deepEqual(
      groups.map((g) => [g.type, g.notifications_count]),
      [
        ['favourite', 2],
        ['mention', 1],
        ['follow', 1],
      ],
    );
    const [favourites, mention] = groups;
    assert.equal(favourites!.group_key, `favourite-${posted.postId}`);
    assert.equal(favourites!.status_id, posted.postId);
    assert.deepEqual(favourites!.sample_account_ids, [String(carol.id), String(bob.id)]);
    assert.ok(Number(favourites!.page_min_id) < Number(favourites!.page_max_id));
    assert.match(mention!.group_key, /^ungrouped-\d+$/);
    assert.deepEqual(
      (body.accounts as { id: string }[]).map((a) => a.id).sort(),
      [String(bob.id), String(carol.id)].sort(),
    );
    const statusIds = (body.statuses as { id: string }[]).map((st) => st.id);
    assert.equal(new Set(statusIds).size, statusIds.length, 'each status once');
    assert.ok(statusIds.includes(posted.postId));
  });

  test('a read-only token cannot dismiss (403 {error})', async () => {
    const readOnly = (await oauthToken(t, alice, 'read')).headers;
    const response = await call('POST', '/api/v1/notifications/clear', readOnly);
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error, /write:notifications/);
  });
});

describe('blocks and mutes', () => {
  test('block: the relationship says so both ways, the list has them, unblock undoes it', async () => {
    const erin = await createUser(t);
    const frank = await createUser(t);
    const erinApp = (await oauthToken(t, erin)).headers;
    const frankApp = (await oauthToken(t, frank)).headers;
    expectStatus(await call('POST', `/api/v1/users/${frank.username}/follow`, erin.headers), 200);

    const blocked = expectStatus(
      await call('POST', `/api/v1/accounts/${frank.id}/block`, erinApp),
      200,
    );
    assert.equal(blocked.id, String(frank.id));
    assert.equal(blocked.blocking, true);
    assert.equal(blocked.following, false, 'a block ends the follow');
    const theirs = expectStatus(
      await call('GET', `/api/v1/accounts/relationships?id[]=${erin.id}`, frankApp),
      200,
    );
    assert.deepEqual(
      theirs.map((r: { blocked_by: boolean; blocking: boolean }) => [r.blocked_by, r.blocking]),
      [[true, false]],
    );
    const list = await call('GET', '/api/v1/blocks', erinApp);
    assert.deepEqual(
      expectStatus(list, 200).map((a: { id: string }) => a.id),
      [String(frank.id)],
    );
    assert.equal(
      (await call('POST', `/api/v1/accounts/${erin.id}/follow`, frankApp)).statusCode,
      404,
      'to the blocked account the blocker does not exist',
    );

    const unblocked = expectStatus(
      await call('POST', `/api/v1/accounts/${frank.id}/unblock`, erinApp),
      200,
    );
    assert.equal(unblocked.blocking, false);
    assert.deepEqual(expectStatus(await call('GET', '/api/v1/blocks', erinApp), 200), []);
  });

  test('mute hides their posts from the home timeline; unmute brings them back', async () => {
    const gina = await createUser(t);
    const hank = await createUser(t);
    const ginaApp = (await oauthToken(t, gina)).headers;
    expectStatus(await call('POST', `/api/v1/users/${hank.username}/follow`, gina.headers), 200);
    const postId = (await createPost(t, hank, { caption: 'hello' })).id as string;
    await t.drainJobs();
    const home = async () =>
      expectStatus(await call('GET', '/api/v1/timelines/home', ginaApp), 200).map(
        (s: { id: string }) => s.id,
      );
    assert.deepEqual(await home(), [postId]);

    const muted = expectStatus(
      await call('POST', `/api/v1/accounts/${hank.id}/mute`, ginaApp),
      200,
    );
    assert.equal(muted.muting, true);
    assert.equal(muted.following, true, 'a mute is not an unfollow');
    assert.deepEqual(await home(), []);
    assert.deepEqual(
      expectStatus(await call('GET', '/api/v1/mutes', ginaApp), 200).map(
        (a: { id: string }) => a.id,
      ),
      [String(hank.id)],
    );
    const unmuted = expectStatus(
      await call('POST', `/api/v1/accounts/${hank.id}/unmute`, ginaApp),
      200,
    );
    assert.equal(unmuted.muting, false);
    assert.deepEqual(await home(), [postId]);
  });

  test('unknown account: 404 {error}; a read-only token cannot block', async () => {
    const ivy = await createUser(t);
    const ivyApp = (await oauthToken(t, ivy)).headers;
    const missing = await call('POST', '/api/v1/accounts/999999999/block', ivyApp);
    assert.equal(missing.statusCode, 404);
    assert.equal(typeof missing.json().error, 'string');
    const readOnly = (await oauthToken(t, ivy, 'read')).headers;
    assert.equal(
      (await call('POST', `/api/v1/accounts/${ivy.id}/block`, readOnly)).statusCode,
      403,
    );
  });
});
