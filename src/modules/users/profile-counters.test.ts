import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { mulberry32, randomInt } from '../../../scripts/bench/prng.js';
import { createUser, deactivate, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { recountCounters } from './users.repository.js';

/**
 * The stored counters (profile-counters.ts) must always equal what the profile used to count
 * on every read. Each test drives the API, then compares every account's stored counters
 * with those counts, computed here from the rows with the old definitions.
 */
let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const call = (user: TestUser, method: string, url: string, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });

type Counters = [posts: number, followers: number, following: number];

/** The old definitions: posts not deleted; accepted follows whose other side is active. */
async function countedFromRows(): Promise<Map<number, Counters>> {
  const tally = async (query: Promise<{ id: number; n: unknown }[]>) =>
    new Map((await query).map((row) => [Number(row.id), Number(row.n)]));
  const posts = await tally(
    t.db
      .selectFrom('posts')
      .select(['author_id as id', sql<number>`count(*)`.as('n')])
      .where('deleted_at', 'is', null)
      .groupBy('author_id')
      .execute(),
  );
  const acceptedWithActive = (own: 'follower_id' | 'following_id') => {
    const other = own === 'follower_id' ? 'following_id' : 'follower_id';
    return tally(
      t.db
        .selectFrom('follows')
        .innerJoin('users', 'users.id', `follows.${other}`)
        .select([`follows.${own} as id`, sql<number>`count(*)`.as('n')])
        .where('follows.status', '=', 'accepted')
        .where('users.is_active', '=', 1)
        .groupBy(`follows.${own}`)
        .execute(),
    );
  };
  const followers = await acceptedWithActive('following_id');
  const following = await acceptedWithActive('follower_id');
  const users = await t.db.selectFrom('users').select('id').execute();
  return new Map(
    users.map(({ id }) => [
      id,
      [posts.get(id) ?? 0, followers.get(id) ?? 0, following.get(id) ?? 0] as Counters,
    ]),
  );
}

async function storedCounters(): Promise<Map<number, Counters>> {
  const rows = await t.db
    .selectFrom('profiles')
    .select(['user_id', 'posts_count', 'followers_count', 'following_count'])
    .execute();
  return new Map(
    rows.map((r) => [
      r.user_id,
      [Number(r.posts_count), Number(r.followers_count), Number(r.following_count)] as Counters,
    ]),
  );
}

async function assertExact(context: string): Promise<Map<number, Counters>> {
  const expected = await countedFromRows();
  assert.deepEqual(await storedCounters(), expected, context);
  return expected;
}

test('random follows, requests, privacy switches, posts and deactivations keep counters exact', async () => {
  const random = mulberry32(20_250_909);
  const pick = <T>(list: readonly T[]) => list[randomInt(random, list.length)]!;
  const users: TestUser[] = [];
  for (let i = 0; i < 8; i++) users.push(await createUser(t, { isPrivate: i % 3 === 0 }));
  const active = new Set(users);
  const posts: { id: string; author: TestUser }[] = [];
  const done = new Map<string, number>();
  const tick = (what: string) => done.set(what, (done.get(what) ?? 0) + 1);

  for (let step = 1; step <= 320; step++) {
    const actor = pick([...active]);
    const other = pick(users);
    // Naming a deactivated account is 404, naming yourself 400: the counters must not move.
    const targetStatus = (ok: number) => (other === actor ? 400 : active.has(other) ? ok : 404);
    const roll = random();
    if (roll < 0.14) {
      posts.push({ id: (await createPost(t, actor)).id, author: actor });
      tick('post');
    } else if (roll < 0.22 && posts.some((p) => active.has(p.author))) {
      const mine = posts.filter((p) => active.has(p.author));
      const victim = pick(mine);
      posts.splice(posts.indexOf(victim), 1);
      expectStatus(await call(victim.author, 'DELETE', `/posts/${victim.id}`), 204);
      tick('delete post');
    } else if (roll < 0.5) {
      const response = await call(actor, 'POST', `/users/${other.username}/follow`);
      expectStatus(response, targetStatus(200));
      tick(response.statusCode === 200 ? `follow: ${response.json().status}` : 'follow: refused');
    } else if (roll < 0.64) {
      const requests: any = expectStatus(await call(actor, 'GET', '/me/follow-requests'), 200);
      for (const request of requests.data.slice(0, 1 + randomInt(random, 2))) {
        const action = random() < 0.7 ? 'approve' : 'decline';
        expectStatus(await call(actor, 'POST', `/me/follow-requests/${request.id}/${action}`), 204);
        tick(action);
      }
    } else if (roll < 0.76) {
      const response = await call(actor, 'DELETE', `/users/${other.username}/follow`);
      expectStatus(response, targetStatus(204));
      tick('unfollow or withdraw');
    } else if (roll < 0.84) {
      const response = await call(actor, 'DELETE', `/users/${other.username}/follower`);
      expectStatus(response, targetStatus(204));
      tick('remove follower');
    } else if (roll < 0.97) {
      const isPrivate = random() < 0.5;
      expectStatus(await call(actor, 'PATCH', '/me', { is_private: isPrivate }), 200);
      tick(isPrivate ? 'go private' : 'go public');
    } else if (active.size > 5) {
      await deactivate(t, actor);
      active.delete(actor);
      tick('deactivate');
    }
    if (step % 40 === 0) await assertExact(`after step ${step}`);
  }

  const final = await assertExact('at the end');
  // The run proves something only if every kind of write happened and counters are not all 0.
  for (const what of ['post', 'delete post', 'follow: following', 'follow: requested']) {
    assert.ok((done.get(what) ?? 0) > 3, `${what}: ${done.get(what)} times`);
  }
  for (const what of ['approve', 'decline', 'go public', 'remove follower', 'deactivate']) {
    assert.ok((done.get(what) ?? 0) > 0, `${what} never happened`);
  }
  const totals = [...final.values()].reduce((sum, c) => sum.map((s, i) => s + c[i]!) as Counters);
  assert.ok(
    totals.every((n) => n > 5),
    `counters mostly zero: ${totals}`,
  );
});

test('concurrent follows, unfollows, posts and a deactivation of one account stay exact', async () => {
  const star = await createUser(t);
  const fans: TestUser[] = [];
  for (let i = 0; i < 24; i++) fans.push(await createUser(t));
  const profileOf = async (user: TestUser) =>
    expectStatus(await call(star, 'GET', `/users/${user.username}`), 200);

  // Everyone follows the star at once, some twice (idempotent), while it posts.
  const follows = [...fans, ...fans.slice(0, 8)].map((fan) =>
    call(fan, 'POST', `/users/${star.username}/follow`),
  );
  const starPosts = [0, 1, 2].map(() => createPost(t, star));
  for (const response of await Promise.all(follows)) expectStatus(response, 200);
  await Promise.all(starPosts);
  assert.deepEqual(
    [(await profileOf(star)).followers_count, (await profileOf(star)).posts_count],
    [24, 3],
  );
  await assertExact('after concurrent follows');

  // Half leave while the others are removed or follow each other, and the star follows back.
  const mixed = fans.flatMap((fan, i) => [
    i % 2 === 0
      ? call(fan, 'DELETE', `/users/${star.username}/follow`)
      : call(star, 'DELETE', `/users/${fan.username}/follower`),
    call(fan, 'POST', `/users/${fans[(i + 1) % fans.length]!.username}/follow`),
    call(star, 'POST', `/users/${fan.username}/follow`),
  ]);
  for (const response of await Promise.all(mixed)) assert.ok(response.statusCode < 300);
  await assertExact('after concurrent unfollows and follows');

  // The star goes private, everyone asks, and it goes public (accepting all) while some
  // withdraw and one fan deactivates.
  expectStatus(await call(star, 'PATCH', '/me', { is_private: true }), 200);
  await Promise.all(fans.map((fan) => call(fan, 'POST', `/users/${star.username}/follow`)));
  const race = [
    call(star, 'PATCH', '/me', { is_private: false }),
    ...fans.slice(0, 6).map((fan) => call(fan, 'DELETE', `/users/${star.username}/follow`)),
    deactivate(t, fans[7]!),
    deactivate(t, fans[8]!),
  ];
  for (const response of await Promise.all(race)) {
    if (response) assert.ok(response.statusCode < 300, response.body);
  }
  await assertExact('after going public during withdrawals and deactivations');

  // Finally the star deactivates while fans still follow and unfollow it.
  const last = [
    deactivate(t, star),
    ...fans
      .slice(10)
      .map((fan, i) => call(fan, i % 2 ? 'DELETE' : 'POST', `/users/${star.username}/follow`)),
  ];
  for (const response of await Promise.all(last)) {
    if (response) assert.ok(response.statusCode < 500, response.body);
  }
  await assertExact('after the star deactivated');
});

test('an account with thousands of peers goes public and deactivates with exact counters', async () => {
  const star = await createUser(t, { isPrivate: true });
  // Deactivation changes ~11,900 accounts' counters: past SQLite's 32,766 bound parameters if
  // done in one statement.
  const fans = 14_000;
  const now = '2026-11-26 12:00:00.000';
  const template = await t.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', star.id)
    .executeTakeFirstOrThrow();
  const names = Array.from({ length: fans }, (_, i) => `star_fan_${i}`);
  for (let i = 0; i < fans; i += 500) {
    await t.db
      .insertInto('users')
      .values(
        names.slice(i, i + 500).map((username) => ({
          username,
          email: `${username}@example.test`,
          password_hash: template.password_hash,
          is_active: 1,
          created_at: now,
        })),
      )
      .execute();
  }
  const ids = (
    await t.db.selectFrom('users').select('id').where('username', 'like', 'star_fan_%').execute()
  ).map((row) => row.id);
  assert.equal(ids.length, fans);
  for (let i = 0; i < fans; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await t.db
      .insertInto('profiles')
      .values(
        chunk.map((id) => ({
          user_id: id,
          name: '',
          nickname: '',
          bio: '',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    // Three in four follow the star, one in four has asked; the star follows every tenth fan.
    await t.db
      .insertInto('follows')
      .values([
        ...chunk.map((id, j) => ({
          follower_id: id,
          following_id: star.id,
          status: (i + j) % 4 === 0 ? ('pending' as const) : ('accepted' as const),
          created_at: now,
        })),
        ...chunk
          .filter((_, j) => (i + j) % 10 === 0)
          .map((id) => ({
            follower_id: star.id,
            following_id: id,
            status: 'accepted' as const,
            created_at: now,
          })),
      ])
      .execute();
  }
  const maxId = Math.max(...ids, star.id);
  await recountCounters(t.db, 1, maxId);
  await assertExact('after the bulk insert');

  expectStatus(await call(star, 'PATCH', '/me', { is_private: false }), 200);
  const afterPublic = await assertExact('after going public with 3,500 pending requests');
  assert.equal(afterPublic.get(star.id)![1], fans);

  await deactivate(t, star);
  const afterDeactivation = await assertExact('after deactivating an account with 14,000 fans');
  assert.equal(afterDeactivation.get(ids[0]!)![2], 0);
});
