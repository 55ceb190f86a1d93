import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createUser,
  deactivate,
  FACTORY_PASSWORD,
  follow,
  type TestUser,
} from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { postStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import type { UserRole } from '../../db/types.js';
import { changeRoleFromConsole } from './moderation.service.js';

let t: TestApp;
let moderator: TestUser;
before(async () => {
  t = await buildTestApp();
  moderator = await staff('moderator');
});
after(async () => t.close());

async function staff(role: UserRole): Promise<TestUser> {
  const user = await createUser(t);
  await changeRoleFromConsole(t.db, t.clock.now(), user.username, role);
  assert.equal((await get('/me', user)).role, role);
  return user;
}

const api = (method: string, url: string, user: TestUser | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user?.headers ?? {},
    ...(payload ? { payload } : {}),
  });
const get = async (url: string, user: TestUser | null) =>
  expectStatus(await api('GET', url, user), 200);
const report = (user: TestUser, target_type: string, target_id: string, reason = 'spam') =>
  api('POST', '/reports', user, { target_type, target_id, reason });
const login = (user: TestUser) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: user.username, password: FACTORY_PASSWORD },
  });

describe('moderation routes', () => {
  test('require authentication', async () => {
    for (const [method, url] of [
      ['POST', '/reports'],
      ['GET', '/admin/reports'],
      ['GET', '/admin/reports/1'],
      ['POST', '/admin/reports/1/resolve'],
      ['POST', '/admin/users/somebody/unsuspend'],
      ['GET', '/admin/audit-log'],
    ] as const) {
      const response = await api(method, url, null, method === 'POST' ? {} : undefined);
      assert.equal(response.statusCode, 401, `${method} ${url}`);
    }
  });

  test('admin routes are 403 `forbidden` for ordinary accounts', async () => {
    const user = await createUser(t);
    for (const [method, url, body] of [
      ['GET', '/admin/reports', undefined],
      ['GET', '/admin/reports/1', undefined],
      ['POST', '/admin/reports/1/resolve', { action: 'dismiss' }],
      ['POST', `/admin/users/${user.username}/unsuspend`, {}],
      ['GET', '/admin/audit-log', undefined],
    ] as const) {
      const response = await api(method, url, user, body);
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.equal(response.json().code, 'forbidden');
    }
  });
});

describe('POST /reports', () => {
  test('201 with the report, then the same report with 200 (idempotent)', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, author, { caption: 'buy followers' });
    const first = expectStatus(
      await api('POST', '/reports', reporter, {
        target_type: 'post',
        target_id: post.id,
        reason: 'spam',
        details: '  link spam  ',
      }),
      201,
    );
    assert.equal(first.status, 'open');
    assert.equal(first.details, 'link spam');
    assert.equal(first.target_id, post.id);
    const again = expectStatus(await report(reporter, 'post', post.id, 'other'), 200);
    assert.equal(again.id, first.id);
    assert.equal(again.reason, 'spam');
  });

  test('bad enums and ids are 400 naming every field', async () => {
    const user = await createUser(t);
    const response = await api('POST', '/reports', user, {
      target_type: 'photo',
      target_id: 'x',
      reason: 'ugly',
    });
    assert.equal(response.statusCode, 400);
    const fields = (response.json().errors as { field: string }[]).map((e) => e.field).sort();
    assert.deepEqual([...new Set(fields)], ['reason', 'target_id', 'target_type']);
  });

  test('unknown targets and ones you cannot see are 404; your own content is 400', async () => {
    const [user, hidden] = [await createUser(t), await createUser(t, { isPrivate: true })];
    const privatePost = await createPost(t, hidden);
    const own = await createPost(t, user);
    for (const type of ['post', 'comment', 'story', 'user']) {
      assert.equal((await report(user, type, '999999')).statusCode, 404, type);
    }
    assert.equal((await report(user, 'post', privatePost.id)).statusCode, 404);
    assert.equal((await report(user, 'post', own.id)).statusCode, 400);
    assert.equal((await report(user, 'user', String(user.id))).statusCode, 400);
  });
});

describe('reviewing reports', () => {
  test('the list pages open reports oldest first with a constant statement count', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author, { caption: 'queue' });
    const reporters = [await createUser(t), await createUser(t), await createUser(t)];
    const created: string[] = [];
    for (const reporter of reporters) {
      created.push(expectStatus(await report(reporter, 'post', post.id), 201).id);
    }
    const all: string[] = [];
    let cursor: string | null = null;
    const counts: number[] = [];
    do {
      const response = await api(
        'GET',
        `/admin/reports?status=open&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        moderator,
      );
      const page = expectStatus(response, 200);
      counts.push(queryCount(response));
      all.push(...page.data.map((r: { id: string }) => r.id));
      cursor = page.next_cursor;
    } while (cursor);
    const mine = all.filter((id) => created.includes(id));
    assert.deepEqual(mine, created);
    const big = await api('GET', '/admin/reports?limit=100', moderator);
    assert.ok(expectStatus(big, 200).data.length >= 3);
    assert.equal(new Set([...counts, queryCount(big)]).size, 1, `counts ${counts}`);
    assert.equal((await api('GET', '/admin/reports?limit=0', moderator)).statusCode, 400);
    assert.equal((await api('GET', '/admin/reports?status=done', moderator)).statusCode, 400);
  });

  test('a report keeps the target as it was reported', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, author, { caption: 'original words' });
    const { id } = expectStatus(await report(reporter, 'post', post.id, 'hate'), 201);
    expectStatus(await api('PATCH', `/posts/${post.id}`, author, { caption: 'edited words' }), 200);
    const detail = await get(`/admin/reports/${id}`, moderator);
    assert.equal(detail.snapshot.text, 'original words');
    assert.equal(detail.snapshot.author.username, author.username);
    assert.equal(detail.snapshot.media_keys.length, 1);
    // Signed: a moderator sees the file whatever became of the post or its account.
    assert.ok(
      detail.snapshot.media_urls[0].includes(`/media/${detail.snapshot.media_keys[0]}?exp=`),
    );
    assert.equal(detail.reporter.username, reporter.username);
    assert.equal(detail.target_user.username, author.username);
    assert.equal(detail.resolution, null);
    assert.equal((await api('GET', '/admin/reports/999999', moderator)).statusCode, 404);
  });
});

describe('resolving reports', () => {
  test('remove_content deletes a post through its delete (counters follow); 409 after', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, author);
    assert.equal((await get(`/users/${author.username}`, author)).posts_count, 1);
    const { id } = expectStatus(await report(reporter, 'post', post.id), 201);
    const resolved = expectStatus(
      await api('POST', `/admin/reports/${id}/resolve`, moderator, {
        action: 'remove_content',
        note: 'spam',
      }),
      200,
    );
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolution.action, 'remove_content');
    assert.equal(resolved.resolution.moderator.username, moderator.username);
    assert.equal((await api('GET', `/posts/${post.id}`, reporter)).statusCode, 404);
    assert.equal((await get(`/users/${author.username}`, author)).posts_count, 0);
    const resolvedList = await get('/admin/reports?status=resolved', moderator);
    assert.equal(resolvedList.data[0].id, id);
    assert.ok(
      !(await get('/admin/reports?limit=100', moderator)).data.some(
        (r: { id: string }) => r.id === id,
      ),
    );
    const again = await api('POST', `/admin/reports/${id}/resolve`, moderator, {
      action: 'dismiss',
    });
    assert.equal(again.statusCode, 409);
    const bad = await api('POST', `/admin/reports/${id}/resolve`, moderator, {
      action: 'ban',
      extra: 1,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      (await api('POST', '/admin/reports/999999/resolve', moderator, { action: 'dismiss' }))
        .statusCode,
      404,
    );
  });

  test('remove_content on a comment and a story', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, reporter);
    const comment = expectStatus(
      await api('POST', `/posts/${post.id}/comments`, author, { text: 'rude words' }),
      201,
    );
    const storyId = await postStory(t, author);
    const onComment = expectStatus(await report(reporter, 'comment', comment.id), 201);
    const onStory = expectStatus(await report(reporter, 'story', storyId, 'nudity'), 201);
    const commentReport = await get(`/admin/reports/${onComment.id}`, moderator);
    assert.equal(commentReport.snapshot.text, 'rude words');
    assert.equal(commentReport.snapshot.post_id, post.id);
    assert.equal(
      (await get(`/admin/reports/${onStory.id}`, moderator)).snapshot.media_keys.length,
      1,
    );
    for (const r of [onComment, onStory]) {
      expectStatus(
        await api('POST', `/admin/reports/${r.id}/resolve`, moderator, {
          action: 'remove_content',
        }),
        200,
      );
    }
    assert.equal((await get(`/posts/${post.id}`, reporter)).comment_count, 0);
    assert.equal((await api('GET', `/comments/${comment.id}`, reporter)).statusCode, 404);
    assert.equal((await api('GET', `/stories/${storyId}`, reporter)).statusCode, 404);
  });

  test('a reported account has no content to remove (400); dismiss changes nothing', async () => {
    const [target, reporter] = [await createUser(t), await createUser(t)];
    const { id } = expectStatus(await report(reporter, 'user', String(target.id)), 201);
    const response = await api('POST', `/admin/reports/${id}/resolve`, moderator, {
      action: 'remove_content',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().errors[0].field, 'action');
    expectStatus(
      await api('POST', `/admin/reports/${id}/resolve`, moderator, { action: 'dismiss' }),
      200,
    );
    expectStatus(await api('GET', `/users/${target.username}`, reporter), 200);
  });
});

describe('suspension', () => {
  test('suspend_user hides the account, ends its sessions and refuses its login', async () => {
    const [target, reporter, fan] = [await createUser(t), await createUser(t), await createUser(t)];
    await follow(t, fan, target);
    await follow(t, target, fan);
    const post = await createPost(t, target, { caption: 'harass' });
    const fanPost = await createPost(t, fan);
    expectStatus(await api('POST', `/posts/${fanPost.id}/like`, target), 200);
    assert.equal((await get(`/users/${fan.username}`, fan)).followers_count, 1);
    const { id } = expectStatus(await report(reporter, 'post', post.id, 'harassment'), 201);
    expectStatus(
      await api('POST', `/admin/reports/${id}/resolve`, moderator, {
        action: 'suspend_user',
        note: 'Repeated harassment',
      }),
      200,
    );
    assert.equal((await api('GET', '/me', target)).statusCode, 401);
    const refused = await login(target);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'account_suspended');
    assert.match(refused.json().detail, /Repeated harassment/);
    assert.equal((await api('GET', `/posts/${post.id}`, fan)).statusCode, 404);
    assert.equal((await api('GET', `/users/${target.username}`, fan)).statusCode, 404);
    assert.equal((await get(`/users/${fan.username}`, fan)).followers_count, 0);
    assert.equal((await get(`/posts/${fanPost.id}`, fan)).like_count, 0);
    // The report still shows who and what it was about.
    const detail = await get(`/admin/reports/${id}`, moderator);
    assert.equal(detail.target_user.username, target.username);

    const unsuspend = (body: object = {}) =>
      api('POST', `/admin/users/${target.username}/unsuspend`, moderator, body);
    assert.equal((await unsuspend({ note: 'x', other: 1 })).statusCode, 400);
    expectStatus(await unsuspend({ note: 'Appeal accepted' }), 204);
    assert.equal((await unsuspend()).statusCode, 409);
    assert.equal(
      (await api('POST', '/admin/users/nobody_here/unsuspend', moderator, {})).statusCode,
      404,
    );
    expectStatus(await login(target), 200);
    expectStatus(await api('GET', `/posts/${post.id}`, fan), 200);
    assert.equal((await get(`/users/${fan.username}`, fan)).followers_count, 1);
    assert.equal((await get(`/posts/${fanPost.id}`, fan)).like_count, 1);
    await t.drainJobs();
    const feed = await get('/feed', fan);
    assert.ok(feed.data.some((p: { id: string }) => p.id === post.id));
  });

  test('an account closed by its owner stays closed: suspension leaves no mark', async () => {
    const [target, reporter] = [await createUser(t), await createUser(t)];
    const { id } = expectStatus(await report(reporter, 'user', String(target.id)), 201);
    await deactivate(t, target);
    const resolved = await api('POST', `/admin/reports/${id}/resolve`, moderator, {
      action: 'suspend_user',
    });
    expectStatus(resolved, 200);
    const unsuspend = `/admin/users/${target.username}/unsuspend`;
    assert.equal((await api('POST', unsuspend, moderator, {})).statusCode, 409);
    assert.equal((await login(target)).statusCode, 401);
  });

  test('admins cannot be suspended; moderators only by admins', async () => {
    const [admin, otherModerator, reporter] = [
      await staff('admin'),
      await staff('moderator'),
      await createUser(t),
    ];
    const onAdmin = expectStatus(await report(reporter, 'user', String(admin.id)), 201);
    const onModerator = expectStatus(
      await report(reporter, 'user', String(otherModerator.id)),
      201,
    );
    const suspend = (by: TestUser, id: string) =>
      api('POST', `/admin/reports/${id}/resolve`, by, { action: 'suspend_user' });
    assert.equal((await suspend(moderator, onAdmin.id)).statusCode, 403);
    assert.equal((await suspend(admin, onAdmin.id)).statusCode, 400);
    assert.equal((await suspend(moderator, onModerator.id)).statusCode, 403);
    expectStatus(await suspend(admin, onModerator.id), 200);
    assert.equal((await login(otherModerator)).statusCode, 403);
  });

  test('the audit log lists every action newest first with a constant statement count', async () => {
    const admin = await staff('admin');
    const first = await api('GET', '/admin/audit-log?limit=1', admin);
    const page = expectStatus(first, 200);
    assert.equal(page.data[0].action, 'set_role');
    assert.equal(page.data[0].actor, null);
    assert.equal(page.data[0].target.id, String(admin.id));
    assert.equal(page.data[0].note, 'user → admin');
    const all = await api('GET', '/admin/audit-log?limit=100', admin);
    const entries = expectStatus(all, 200).data as { action: string; actor: unknown }[];
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      'set_role',
      'remove_content',
      'dismiss_report',
      'suspend_user',
      'unsuspend_user',
    ]) {
      assert.ok(actions.has(action), action);
    }
    assert.equal(queryCount(first), queryCount(all));
    const second = await api('GET', `/admin/audit-log?limit=1&cursor=${page.next_cursor}`, admin);
    assert.equal(queryCount(second), queryCount(first));
    assert.equal((await api('GET', '/admin/audit-log?cursor=nope', admin)).statusCode, 400);
  });
});
