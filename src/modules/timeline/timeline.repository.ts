import { type SqlBool, sql } from 'kysely';
import { compiledQuery } from '../../db/compiled-query.js';
import type { Executor } from '../../db/transaction.js';
import type { DbTime } from '../../db/time.js';
import { after } from '../../http/pagination.js';
import { POST_COLUMNS, type PostRow } from '../posts/post-row.js';
import { notMuted } from '../users/visibility.js';

/**
 * All SQL of the materialised home timeline (docs/SCALING.md). A reader's rows are their own
 * posts plus the posts of every account they follow (accepted), except authors listed in
 * timeline_merge_authors, whose posts the read merges in from `posts`. Writers keep that set
 * complete; the read re-checks each row against the feed's rule (see inFeedOf).
 */

/** The author's own row, written in the post's transaction: authors see their post at once. */
export async function addOwnPost(
  db: Executor,
  post: { id: number; author_id: number; created_at: DbTime },
): Promise<void> {
  await db
    .insertInto('home_timeline')
    .values({
      user_id: post.author_id,
      post_id: post.id,
      author_id: post.author_id,
      created_at: post.created_at,
    })
    .orIgnore()
    .execute();
}

/** Followers of `authorId` beyond `max`, cheaply: counts at most max + 1 index entries. */
export async function hasMoreFollowersThan(
  db: Executor,
  authorId: number,
  max: number,
): Promise<boolean> {
  const rows = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('following_id', '=', authorId)
    .where('status', '=', 'accepted')
    .limit(max + 1)
    .execute();
  return rows.length > max;
}

export async function isMergeAuthor(db: Executor, authorId: number): Promise<boolean> {
  const row = await db
    .selectFrom('timeline_merge_authors')
    .select('user_id')
    .where('user_id', '=', authorId)
    .executeTakeFirst();
  return row !== undefined;
}

/** From now on, this author's posts are merged in at read time (the membership is permanent). */
export async function markMergeAuthor(db: Executor, authorId: number, now: DbTime) {
  await db
    .insertInto('timeline_merge_authors')
    .values({ user_id: authorId, created_at: now })
    .orIgnore()
    .execute();
}

/**
 * Followers per fan-out statement. On SQLite a statement blocks the process's event loop: one
 * 10,000-row INSERT … SELECT held every request of a web+worker process for its ~65 ms, and the
 * requests that overlapped it had a p99 ×10 the rest's during `mixed`. With 250-row batches and
 * a yield between them, requests run in between (docs/BENCHMARKS.md, "Fan-out during mixed").
 */
export const FAN_OUT_BATCH = 250;

/**
 * Copies one post into the timelines of its author's current accepted followers, in batches of
 * followers by ascending id (so the highest follower's row is the last written), yielding to
 * other work between batches. Each batch is its own statement: a re-run skips rows already in.
 */
export async function fanOutPost(db: Executor, postId: number, authorId: number): Promise<void> {
  for (let from = 0; ;) {
    const to = await nthFollowerAfter(db, authorId, from, FAN_OUT_BATCH);
    await fanOutBatch(db, postId, from, to ?? null);
    if (to === undefined) return;
    from = to;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The id of the `n`th accepted follower of `authorId` above `after`, if there are that many. */
async function nthFollowerAfter(db: Executor, authorId: number, after: number, n: number) {
  const row = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('following_id', '=', authorId)
    .where('status', '=', 'accepted')
    .where('follower_id', '>', after)
    .orderBy('follower_id')
    .limit(1)
    .offset(n - 1)
    .executeTakeFirst();
  return row?.follower_id;
}

async function fanOutBatch(db: Executor, postId: number, after: number, upTo: number | null) {
  await db
    .insertInto('home_timeline')
    .columns(['user_id', 'post_id', 'author_id', 'created_at'])
    .expression(
      db
        .selectFrom('posts')
        .innerJoin('follows', 'follows.following_id', 'posts.author_id')
        .innerJoin('users', 'users.id', 'follows.follower_id')
        .select(['follows.follower_id', 'posts.id', 'posts.author_id', 'posts.created_at'])
        .where('posts.id', '=', postId)
        .where('posts.deleted_at', 'is', null)
        .where('posts.archived_at', 'is', null)
        .where('follows.status', '=', 'accepted')
        .where('follows.follower_id', '>', after)
        .$if(upTo !== null, (q) => q.where('follows.follower_id', '<=', upTo!))
        .where('users.is_active', '=', 1),
    )
    .orIgnore()
    .execute();
}

/** A new accepted follow: the author's existing posts join the follower's timeline. */
export async function backfillFollow(db: Executor, followerId: number, authorId: number) {
  await db
    .insertInto('home_timeline')
    .columns(['user_id', 'post_id', 'author_id', 'created_at'])
    .expression(
      db
        .selectFrom('posts')
        .select([
          sql.lit(followerId).as('user_id'),
          'posts.id',
          'posts.author_id',
          'posts.created_at',
        ])
        .where('posts.author_id', '=', authorId)
        .where('posts.deleted_at', 'is', null)
        .where('posts.archived_at', 'is', null)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('follows')
              .select('follows.id')
              .where('follows.follower_id', '=', followerId)
              .where('follows.following_id', '=', authorId)
              .where('follows.status', '=', 'accepted'),
          ),
        ),
    )
    .orIgnore()
    .execute();
}

/** Unfollow, removed follower, withdrawn approval: the author's posts leave that timeline. */
export async function removeFollow(db: Executor, followerId: number, authorId: number) {
  await db
    .deleteFrom('home_timeline')
    .where('user_id', '=', followerId)
    .where('author_id', '=', authorId)
    .execute();
}

/**
 * A deleted post leaves every timeline. Rows exist only for the author and the author's
 * followers, so those are point deletes on the primary key (no post_id index needed).
 */
export async function removePost(db: Executor, postId: number, authorId: number) {
  await db
    .deleteFrom('home_timeline')
    .where('post_id', '=', postId)
    .where((eb) =>
      eb.or([
        eb('user_id', '=', authorId),
        eb(
          'user_id',
          'in',
          eb
            .selectFrom('follows')
            .select('follows.follower_id')
            .where('follows.following_id', '=', authorId),
        ),
      ]),
    )
    .execute();
}

/** A deactivated account: its own timeline goes, and its posts leave its followers' timelines. */
export async function removeUser(db: Executor, userId: number) {
  await db.deleteFrom('home_timeline').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('home_timeline')
    .where('user_id', 'in', (eb) =>
      eb
        .selectFrom('follows')
        .select('follows.follower_id')
        .where('follows.following_id', '=', userId),
    )
    .where('post_id', 'in', (eb) =>
      eb.selectFrom('posts').select('posts.id').where('posts.author_id', '=', userId),
    )
    .execute();
}

/**
 * (Re)builds the timelines of readers `from`…`to` from follows and posts, by the same rule the
 * writers keep. Used by the bench seed and to repair timelines (e.g. after a lost job).
 */
export async function rebuildTimelines(db: Executor, from: number, to: number) {
  await db
    .deleteFrom('home_timeline')
    .where('user_id', '>=', from)
    .where('user_id', '<=', to)
    .execute();
  const followed = db
    .selectFrom('follows')
    .innerJoin('posts', 'posts.author_id', 'follows.following_id')
    .innerJoin('users as author', 'author.id', 'posts.author_id')
    .select([
      'follows.follower_id as user_id',
      'posts.id as post_id',
      'posts.author_id',
      'posts.created_at',
    ])
    .where('follows.follower_id', '>=', from)
    .where('follows.follower_id', '<=', to)
    .where('follows.status', '=', 'accepted')
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null)
    .where('author.is_active', '=', 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('timeline_merge_authors as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'posts.author_id'),
        ),
      ),
    );
  const own = db
    .selectFrom('posts')
    .select([
      'posts.author_id as user_id',
      'posts.id as post_id',
      'posts.author_id',
      'posts.created_at',
    ])
    .where('posts.author_id', '>=', from)
    .where('posts.author_id', '<=', to)
    .where('posts.deleted_at', 'is', null)
    .where('posts.archived_at', 'is', null);
  await db
    .insertInto('home_timeline')
    .columns(['user_id', 'post_id', 'author_id', 'created_at'])
    .expression(followed.unionAll(own))
    .execute();
  // Deactivated readers keep no timeline. Their ids first: MariaDB runs `DELETE … WHERE user_id
  // IN (subquery)` as a scan of the whole timeline, minutes per block at 6 M rows.
  const deactivated = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.id', '>=', from)
    .where('users.id', '<=', to)
    .where('users.is_active', '=', 0)
    .execute();
  if (deactivated.length === 0) return;
  await db
    .deleteFrom('home_timeline')
    .where(
      'user_id',
      'in',
      deactivated.map((u) => u.id),
    )
    .execute();
}

/**
 * Rows of the feed's rule that the timeline may hold stale (a follow or deactivation changed
 * outside the services, a race between an unfollow and a fan-out job): they are skipped, so
 * the timeline only has to be a superset of the feed, never exact.
 */
const inFeedOf = (readerId: number, author: string) =>
  sql<SqlBool>`(${sql.ref(author)} = ${readerId} or exists (select 1 from follows tf
    inner join users tu on tu.id = tf.following_id
    where tf.follower_id = ${readerId} and tf.following_id = ${sql.ref(author)}
      and tf.status = 'accepted' and tu.is_active = 1
      and ${notMuted(readerId, author, 'posts')}))`;

/**
 * Up to `take` feed posts newest first after `cursor`: one index range of the reader's
 * timeline and the newest posts of followed merge authors, in one statement. The two
 * branches are concatenated (UNION ALL) and merged here: a row can be in both when an author
 * became a merge author after fan-out, and letting SQL de-duplicate and re-sort them cost
 * three temporary B-trees, a third of the statement on SQLite.
 */
export async function timelinePage(
  db: Executor,
  readerId: number,
  cursor: readonly [string, number] | null,
  take: number,
): Promise<PostRow[]> {
  const rows = await timelinePageQuery(db, readerId, cursor, take);
  rows.sort(newestFirst);
  const page: PostRow[] = [];
  for (const row of rows) {
    if (page.length === take) break;
    if (page.at(-1)?.id !== row.id) page.push(row);
  }
  return page;
}

const newestFirst = (a: PostRow, b: PostRow) =>
  a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1;

const timelinePageQuery = compiledQuery(
  (db, readerId: number, cursor: readonly [string, number] | null, take: number) =>
    timelineQuery(db, readerId, cursor, take),
);

/**
 * The timeline read's SQL, exposed so tests can check its plan: the stored branch's ids come
 * from the covering index alone (rule checked on author_id), the posts rows are read only for
 * them; each branch returns at most `take` rows, newest first.
 */
export function timelineQuery(
  db: Executor,
  readerId: number,
  cursor: readonly [string, number] | null,
  take: number,
) {
  const stored = db
    .selectFrom('home_timeline as ht')
    .select(['ht.post_id as id', 'ht.created_at'])
    .where('ht.user_id', '=', readerId)
    .where(inFeedOf(readerId, 'ht.author_id'))
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['ht.created_at', 'ht.post_id'], cursor!, 'desc')),
    )
    .orderBy('ht.created_at', 'desc')
    .orderBy('ht.post_id', 'desc')
    .limit(take);
  const merged = db
    .selectFrom('posts')
    .select(['posts.id', 'posts.created_at'])
    // Driven by timeline_merge_authors (a handful of rows, usually none), not by the
    // reader's follows.
    .where('posts.author_id', 'in', (eb) =>
      eb
        .selectFrom('timeline_merge_authors as m')
        .select('m.user_id')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('follows as f')
              .select('f.id')
              .where('f.follower_id', '=', readerId)
              .whereRef('f.following_id', '=', 'm.user_id')
              .where('f.status', '=', 'accepted'),
          ),
        )
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('users as u')
              .select('u.id')
              .whereRef('u.id', '=', 'm.user_id')
              .where('u.is_active', '=', 1),
          ),
        )
        .where(notMuted(readerId, 'm.user_id', 'posts')),
    )
    .where('posts.archived_at', 'is', null)
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['posts.created_at', 'posts.id'], cursor!, 'desc')),
    )
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(take);
  return db
    .selectFrom(stored.as('s'))
    .innerJoin('posts', 'posts.id', 's.id')
    .select(POST_COLUMNS)
    .unionAll(
      db.selectFrom(merged.as('m')).innerJoin('posts', 'posts.id', 'm.id').select(POST_COLUMNS),
    );
}
