import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { verify } from '@node-rs/argon2';
import { type DB, tableColumns } from '../../src/db/types.js';
import { seedDatabase } from '../../scripts/bench/seed.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { TINY_SHAPE } from './tiny-shape.js';

const shape = TINY_SHAPE;
const now = new Date('2026-03-01T12:00:00.000Z');
let first: TestApp;
let second: TestApp;

before(async () => {
  [first, second] = await Promise.all([buildTestApp(), buildTestApp()]);
  await seedDatabase({ config: first.config, shape, quiet: true, now });
  await seedDatabase({ config: second.config, shape, quiet: true, now });
});
after(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

async function checksums(t: TestApp): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const [table, columns] of Object.entries(tableColumns)) {
    let query = t.db.selectFrom(table as keyof DB).select(columns as never);
    for (const column of columns) query = query.orderBy(column as never);
    const rows = await query.execute();
    sums[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  return sums;
}

test('two seeds of the same shape produce identical rows, and --reset reproduces them', async () => {
  const expected = await checksums(first);
  assert.deepEqual(await checksums(second), expected);
  await assert.rejects(
    seedDatabase({ config: second.config, shape, quiet: true, now }),
    /already has users/,
  );
  await seedDatabase({ config: second.config, shape, quiet: true, now, reset: true });
  assert.deepEqual(await checksums(second), expected);
});

test('row counts follow the shape', async () => {
  const count = async (table: keyof DB) =>
    Number(
      (
        await first.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const posts = shape.users * shape.posts;
  assert.equal(await count('users'), shape.users);
  assert.equal(await count('profiles'), shape.users);
  assert.equal(await count('follows'), shape.users * shape.follows);
  assert.equal(await count('posts'), posts);
  assert.equal(await count('media'), posts * shape.media);
  assert.equal(await count('post_hashtags'), posts * 2);
  assert.equal(await count('post_likes'), posts * shape.likes);
  assert.equal(await count('comments'), posts * shape.comments);
  assert.equal(await count('locations'), shape.locations);
  assert.equal(await count('hashtags'), 50);
  // Every post sits in its author's timeline and in each of the author's followers'.
  assert.equal(await count('home_timeline'), posts * (shape.follows + 1));
});

test('users, follows and posts follow the naming and follow conventions', async () => {
  const user = await first.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', 'bench_12')
    .executeTakeFirstOrThrow();
  assert.equal(user.email, 'bench_12@example.com');
  assert.ok(await verify(user.password_hash, 'bench-password'));
  const following = await first.db
    .selectFrom('follows')
    .select(['following_id', 'status'])
    .where('follower_id', '=', 11)
    .orderBy('following_id')
    .execute();
  assert.deepEqual(
    following.map((f) => [f.following_id, f.status]),
    [1, 2, 12, 3].sort((a, b) => a - b).map((id) => [id, 'accepted']),
  );
  const posts = await first.db.selectFrom('posts').selectAll().orderBy('id').execute();
  const since = Date.parse('2026-01-30T00:00:00.000Z');
  for (const post of posts) {
    const created = Date.parse(`${post.created_at.replace(' ', 'T')}Z`);
    assert.ok(created >= since && created < since + 30 * 86_400_000, post.created_at);
    assert.match(post.caption, /^post [1-3] of bench_\d+ #tag\d+ #tag\d+$/);
    assert.equal(post.location_id !== null, post.id % 4 === 0);
  }
});

test('counters match the rows they count, and tags match captions', async () => {
  const posts = await first.db
    .selectFrom('posts')
    .select(['id', 'caption', 'like_count', 'comment_count'])
    .execute();
  const likes = await first.db.selectFrom('post_likes').select(['post_id', 'user_id']).execute();
  const comments = await first.db.selectFrom('comments').select(['post_id', 'author_id']).execute();
  const tags = await first.db
    .selectFrom('post_hashtags')
    .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
    .select(['post_id', 'name'])
    .execute();
  for (const post of posts) {
    const liked = likes.filter((l) => l.post_id === post.id);
    assert.equal(post.like_count, liked.length);
    assert.equal(new Set(liked.map((l) => l.user_id)).size, liked.length);
    const commented = comments.filter((c) => c.post_id === post.id);
    assert.equal(post.comment_count, commented.length);
    assert.equal(new Set(commented.map((c) => c.author_id)).size, shape.comments);
    const names = tags.filter((t) => t.post_id === post.id).map((t) => `#${t.name}`);
    assert.deepEqual(names.sort(), post.caption.split(' ').slice(4).sort());
  }
});

test('profile counters match the posts and follows they count', async () => {
  const profiles = await first.db
    .selectFrom('profiles')
    .select(['user_id', 'posts_count', 'followers_count', 'following_count'])
    .orderBy('user_id')
    .execute();
  const follows = await first.db
    .selectFrom('follows')
    .select(['follower_id', 'following_id'])
    .execute();
  const posts = await first.db.selectFrom('posts').select('author_id').execute();
  const tally = (ids: number[], id: number) => ids.filter((x) => x === id).length;
  assert.equal(profiles.length, shape.users);
  for (const p of profiles) {
    assert.deepEqual(
      [p.posts_count, p.followers_count, p.following_count],
      [
        tally(
          posts.map((r) => r.author_id),
          p.user_id,
        ),
        tally(
          follows.map((f) => f.following_id),
          p.user_id,
        ),
        tally(
          follows.map((f) => f.follower_id),
          p.user_id,
        ),
      ],
      `counters of user ${p.user_id}`,
    );
  }
  // Every account in the shape posts and follows the same number.
  assert.ok(
    profiles.every((p) => p.posts_count === shape.posts && p.followers_count === shape.follows),
  );
});

test('media rows point at one stored image', async () => {
  const media = await first.db.selectFrom('media').selectAll().execute();
  const keys = new Set(media.map((m) => m.storage_key));
  assert.equal(keys.size, 1);
  const one = media[0]!;
  assert.deepEqual([one.width, one.height, one.kind], [1080, 1080, 'image']);
  for (const key of [one.storage_key, one.thumbnail_key]) {
    assert.ok(existsSync(path.join(first.config.mediaDir, key)), key);
  }
});

test('--popular gives bench_1 that many followers, the extra ones from follower-only accounts', async () => {
  const popular = await buildTestApp();
  try {
    const result = await seedDatabase({
      config: popular.config,
      shape: { ...shape, popular: 10 },
      quiet: true,
      now,
    });
    assert.equal(result.rows.users, shape.users + 10 - shape.follows);
    const one = await popular.db
      .selectFrom('profiles')
      .select(['followers_count', 'posts_count'])
      .where('user_id', '=', 1)
      .executeTakeFirstOrThrow();
    assert.deepEqual([one.followers_count, one.posts_count], [10, shape.posts]);
    // A fan's home timeline holds bench_1's posts.
    const fanTimeline = await popular.db
      .selectFrom('home_timeline')
      .select('author_id')
      .where('user_id', '=', shape.users + 1)
      .execute();
    assert.deepEqual(
      fanTimeline.map((r) => r.author_id),
      Array(shape.posts).fill(1),
    );
  } finally {
    await popular.close();
  }
});
