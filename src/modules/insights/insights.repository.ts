import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';

/** A post's counters for its author, and whether it has a video: one statement. */
export function postInsights(db: Executor, postId: number) {
  return db
    .selectFrom('posts')
    .select([
      'posts.id',
      'posts.author_id',
      'posts.like_count',
      'posts.comment_count',
      'posts.view_count',
    ])
    .select([
      sql<number>`(select count(*) from saves s where s.post_id = posts.id)`.as('saves'),
      sql<number>`(case when exists (select 1 from media m where m.post_id = posts.id
        and m.kind = 'video') then 1 else 0 end)`.as('has_video'),
    ])
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .executeTakeFirst();
}

/** A story's viewers and likes (active accounts, as the viewers list shows them). */
export function storyInsights(db: Executor, storyId: number) {
  return db
    .selectFrom('stories')
    .leftJoin('story_views', 'story_views.story_id', 'stories.id')
    .leftJoin('users', (join) =>
      join.onRef('users.id', '=', 'story_views.viewer_id').on('users.is_active', '=', 1),
    )
    .select(['stories.id', 'stories.author_id'])
    .select([
      sql<number>`count(users.id)`.as('viewers'),
      sql<number>`coalesce(sum(case when users.id is not null and story_views.liked = 1 then 1 else 0 end), 0)`.as(
        'likes',
      ),
    ])
    .where('stories.id', '=', storyId)
    .groupBy(['stories.id', 'stories.author_id'])
    .executeTakeFirst();
}

export type Metric = 'followers' | 'posts' | 'likes' | 'comments';

/**
 * Per UTC day since `since`: new followers (still following, accepted), posts published, and
 * likes and comments by others (active accounts) on the user's live posts. One statement; days
 * without activity have no row.
 */
export async function activityByDay(
  db: Executor,
  userId: number,
  since: DbTime,
): Promise<{ metric: Metric; day: string; n: number }[]> {
  const day = (column: string) => sql`substr(${sql.ref(column)}, 1, 10)`;
  const result = await sql<{ metric: Metric; day: string; n: number }>`
    select 'followers' as metric, ${day('f.created_at')} as day, count(*) as n
      from follows f inner join users fu on fu.id = f.follower_id
      where f.following_id = ${userId} and f.status = 'accepted' and f.created_at >= ${since}
        and fu.is_active = 1
      group by ${day('f.created_at')}
    union all
    select 'posts', ${day('p.created_at')}, count(*)
      from posts p
      where p.author_id = ${userId} and p.deleted_at is null and p.created_at >= ${since}
      group by ${day('p.created_at')}
    union all
    select 'likes', ${day('l.created_at')}, count(*)
      from post_likes l inner join posts lp on lp.id = l.post_id
        inner join users lu on lu.id = l.user_id
      where lp.author_id = ${userId} and lp.deleted_at is null and l.user_id <> ${userId}
        and lu.is_active = 1 and l.created_at >= ${since}
      group by ${day('l.created_at')}
    union all
    select 'comments', ${day('c.created_at')}, count(*)
      from comments c inner join posts cp on cp.id = c.post_id
        inner join users cu on cu.id = c.author_id
      where cp.author_id = ${userId} and cp.deleted_at is null and c.author_id <> ${userId}
        and cu.is_active = 1 and c.created_at >= ${since}
      group by ${day('c.created_at')}
  `.execute(db);
  return result.rows.map((row) => ({ ...row, day: String(row.day), n: Number(row.n) }));
}

/** The profile's follower counter, the number its profile shows. */
export async function followersCount(db: Executor, userId: number): Promise<number> {
  const row = await db
    .selectFrom('profiles')
    .select('followers_count')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.followers_count ?? 0);
}
