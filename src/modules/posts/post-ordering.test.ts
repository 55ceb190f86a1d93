import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { toDbTime } from '../../db/time.js';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { postPageQuery } from './posts.repository.js';

let t: TestApp;
let author: TestUser;
/** Oldest first, with the likes and comments each got. */
const made: { id: string; likes: number; comments: number }[] = [];

const api = (method: 'GET' | 'POST', url: string, user: TestUser | null, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: user?.headers ?? {}, payload });
const get = (url: string) => api('GET', url, null);

before(async () => {
  t = await buildTestApp();
  author = await createUser(t);
  const fans = [await createUser(t), await createUser(t), await createUser(t)];
  // Likes and comments with ties, so id breaks them.
  const shape = [
    [2, 0],
    [0, 1],
    [3, 2],
    [2, 2],
    [0, 0],
    [1, 3],
    [2, 1],
  ] as const;
  for (const [likes, comments] of shape) {
    const { id } = await createPost(t, author, { caption: 'ordered' });
    for (const fan of fans.slice(0, likes)) {
      expectStatus(await api('POST', `/posts/${id}/like`, fan), 200);
    }
    for (let i = 0; i < comments; i++) {
      expectStatus(await api('POST', `/posts/${id}/comments`, fans[0]!, { text: `c${i}` }), 201);
    }
    made.push({ id, likes, comments });
  }
});
after(async () => t.close());

async function walk(url: string, between?: () => Promise<void>) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await get(`${url}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    const body: any = expectStatus(response, 200);
    seen.push(...ids(body));
    cursor = body.next_cursor;
    await between?.();
  } while (cursor);
  return seen;
}

const byId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id);
const expectedOrders = () => ({
  '-created_at': [...made].reverse(),
  created_at: made,
  '-like_count': [...made].sort((a, b) => b.likes - a.likes || byId(b, a)),
  like_count: [...made].sort((a, b) => a.likes - b.likes || byId(a, b)),
  '-comment_count': [...made].sort((a, b) => b.comments - a.comments || byId(b, a)),
});

describe('GET /posts ordering and count filters (the original project’s django-filter set)', () => {
  test('every ordering walks in keyset pages, ties by id, new posts between pages change nothing seen', async () => {
    for (const [ordering, posts] of Object.entries(expectedOrders())) {
      const late: string[] = [];
      const seen = await walk(`/posts?author=${author.username}&ordering=${ordering}`, async () => {
        late.push((await createPost(t, author, { caption: 'late' })).id);
      });
      assert.equal(new Set(seen).size, seen.length, `${ordering}: no duplicates`);
      assert.deepEqual(
        seen.filter((id) => !late.includes(id)),
        posts.map((p) => p.id),
        ordering,
      );
      for (const id of late) {
        expectStatus(
          await t.app.inject({
            method: 'DELETE',
            url: `/api/v1/posts/${id}`,
            headers: author.headers,
          }),
          204,
        );
      }
    }
  });

  test('min_likes, max_likes and min_comments combine with each other and the other filters', async () => {
    const url = `/posts?author=${author.username}&ordering=-like_count&min_likes=1&max_likes=2&min_comments=1`;
    const byLikes = expectedOrders()['-like_count'];
    const want = byLikes
      .filter((p) => p.likes >= 1 && p.likes <= 2 && p.comments >= 1)
      .map((p) => p.id);
    assert.ok(want.length >= 2);
    assert.deepEqual(ids(expectStatus(await get(url), 200)), want);
    assert.deepEqual(await walk(url), want);
    assert.deepEqual(
      ids(expectStatus(await get(`/posts?author=${author.username}&q=nothing&min_likes=0`), 200)),
      [],
    );
  });

  test('the statement count does not depend on the ordering or the page size', async () => {
    const counts = new Set<number>();
    for (const ordering of Object.keys(expectedOrders())) {
      for (const limit of [1, 7]) {
        const response = await get(`/posts?ordering=${ordering}&min_likes=0&limit=${limit}`);
        assert.equal(expectStatus(response, 200).data.length, limit);
        counts.add(queryCount(response));
      }
    }
    assert.equal(counts.size, 1, [...counts].join());
  });

  test('bad values are 400 naming the field; a cursor is bound to its ordering', async () => {
    for (const [query, field] of [
      ['min_likes=3&max_likes=2', 'min_likes'],
      ['min_likes=-1', 'min_likes'],
      ['max_likes=x', 'max_likes'],
      ['min_comments=1.5', 'min_comments'],
      ['ordering=likes', 'ordering'],
      ['ordering=-id', 'ordering'],
    ]) {
      const response = await get(`/posts?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.deepEqual(
        response.json().errors.map((e: { field: string }) => e.field),
        [field],
        query,
      );
    }
    const newest: any = expectStatus(await get('/posts?limit=1'), 200);
    const popular: any = expectStatus(await get('/posts?limit=1&ordering=-like_count'), 200);
    for (const url of [
      `/posts?ordering=-like_count&cursor=${newest.next_cursor}`,
      `/posts?cursor=${popular.next_cursor}`,
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().errors[0].field, 'cursor');
    }
  });

  test('count orderings walk their index instead of sorting every post', async () => {
    // Enough rows (20,000) that MariaDB's planner prefers the index to reading and sorting the
    // table, as it does on real data; at 2,000 it still sorts, for the default order too.
    const bulk = await createUser(t);
    const now = toDbTime(new Date());
    for (let batch = 0; batch < 40; batch++) {
      await t.db
        .insertInto('posts')
        .values(
          Array.from({ length: 500 }, (_, i) => ({
            author_id: bulk.id,
            type: 'post' as const,
            caption: 'bulk',
            like_count: (i * 7) % 97,
            comment_count: (i * 3) % 31,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    const indexes = {
      created_at: 'posts_created_idx',
      like_count: 'posts_like_count_idx',
      comment_count: 'posts_comment_count_idx',
    };
    for (const [column, index] of Object.entries(indexes) as [keyof typeof indexes, string][]) {
      const query = postPageQuery(t.db, null, {}, null, 20, {
        column,
        direction: 'desc',
      }).compile();
      if (dialectOf(t.db) === 'sqlite') {
        const plan = await t.db.executeQuery<{ detail: string }>({
          ...query,
          sql: `explain query plan ${query.sql}`,
        });
        const details = plan.rows.map((row) => row.detail);
        assert.ok(
          details.some((d) => d.includes(`INDEX ${index}`)),
          details.join('\n'),
        );
        assert.ok(!details.some((d) => d.includes('TEMP B-TREE')), details.join('\n'));
      } else {
        await sql`analyze table posts`.execute(t.db);
        const plan = await t.db.executeQuery<{ table: string; key: string | null; Extra: string }>({
          ...query,
          sql: `explain ${query.sql}`,
        });
        const posts = plan.rows.find((row) => row.table === 'posts')!;
        assert.equal(posts.key, index, JSON.stringify(plan.rows));
        assert.ok(!/filesort/.test(posts.Extra ?? ''), JSON.stringify(plan.rows));
      }
    }
  });
});
