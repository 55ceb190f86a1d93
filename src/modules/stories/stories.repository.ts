import { sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { StoryAudience } from '../../db/types.js';
import type { Executor } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { notMuted, visibleAuthor } from '../users/visibility.js';
import { inStoryAudience } from './story-audience.js';

export interface StoryRow {
  id: number;
  author_id: number;
  media_id: number;
  created_at: DbTime;
  expires_at: DbTime;
  audience: StoryAudience;
}

/**
 * A story as one viewer sees it: `viewed`/`liked` come from that viewer's view row, if any;
 * `in_audience` is 0 when it is a close-friends story the viewer is not meant to see.
 */
export interface StoryWithFlags extends StoryRow {
  viewed: number;
  liked: number;
  in_audience: number;
}

const storyColumns = [
  'stories.id',
  'stories.author_id',
  'stories.media_id',
  'stories.created_at',
  'stories.expires_at',
  'stories.audience',
] as const;

/** One story, whoever may see it (a moderator's removal). */
export const findStory = (db: Executor, id: number): Promise<StoryRow | undefined> =>
  db.selectFrom('stories').select(storyColumns).where('id', '=', id).executeTakeFirst();

export async function insertStory(
  db: Executor,
  values: Omit<StoryRow, 'id' | 'audience'> & { audience?: StoryAudience },
): Promise<number> {
  const result = await db.insertInto('stories').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/** One page of an author's active stories, oldest first, with the viewer's flags. */
export function activeStoriesOf(
  db: Executor,
  viewerId: number,
  authorId: number,
  now: DbTime,
  cursor: readonly [DbTime, number] | null,
  limit: number,
): Promise<StoryWithFlags[]> {
  return withViewerFlags(db, viewerId)
    .where('stories.author_id', '=', authorId)
    .where('stories.expires_at', '>', now)
    .where(inStoryAudience(viewerId))
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['stories.created_at', 'stories.id'], cursor!, 'asc')),
    )
    .orderBy('stories.created_at', 'asc')
    .orderBy('stories.id', 'asc')
    .limit(limit)
    .execute();
}

/**
 * Every active story in the viewer's tray, their own and those of accounts they follow (accepted),
 * in a single statement whatever the number of accounts.
 */
export function trayStories(db: Executor, viewerId: number, now: DbTime) {
  return withViewerFlags(db, viewerId)
    .where('stories.expires_at', '>', now)
    .where((eb) =>
      eb.or([
        eb('stories.author_id', '=', viewerId),
        eb(
          'stories.author_id',
          'in',
          eb
            .selectFrom('follows')
            .select('follows.following_id')
            .where('follows.follower_id', '=', viewerId)
            .where('follows.status', '=', 'accepted'),
        ),
      ]),
    )
    .where(visibleAuthor(viewerId, 'stories.author_id'))
    .where(inStoryAudience(viewerId))
    .where(notMuted(viewerId, 'stories.author_id', 'stories'))
    .orderBy('stories.created_at', 'asc')
    .orderBy('stories.id', 'asc')
    .execute();
}

export const storyWithFlags = (db: Executor, viewerId: number, storyId: number) =>
  withViewerFlags(db, viewerId).where('stories.id', '=', storyId).executeTakeFirst();

function withViewerFlags(db: Executor, viewerId: number) {
  return db
    .selectFrom('stories')
    .leftJoin('story_views as my_view', (join) =>
      join.onRef('my_view.story_id', '=', 'stories.id').on('my_view.viewer_id', '=', viewerId),
    )
    .select(storyColumns)
    .select([
      sql<number>`case when my_view.id is null then 0 else 1 end`.as('viewed'),
      sql<number>`coalesce(my_view.liked, 0)`.as('liked'),
      sql<number>`case when ${inStoryAudience(viewerId)} then 1 else 0 end`.as('in_audience'),
    ]);
}

/** Retention: expired stories not yet archived move to their author's archive. Returns how many. */
export async function archiveExpired(db: Executor, now: DbTime): Promise<number> {
  const result = await db
    .updateTable('stories')
    .set({ archived_at: now })
    .where('archived_at', 'is', null)
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One page of an author's archived stories, the most recent first, with the author's flags. */
export function archivedStoriesOf(
  db: Executor,
  authorId: number,
  cursor: readonly [DbTime, number] | null,
  limit: number,
): Promise<StoryWithFlags[]> {
  return withViewerFlags(db, authorId)
    .where('stories.author_id', '=', authorId)
    .where('stories.archived_at', 'is not', null)
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['stories.created_at', 'stories.id'], cursor!, 'desc')),
    )
    .orderBy('stories.created_at', 'desc')
    .orderBy('stories.id', 'desc')
    .limit(limit)
    .execute();
}

/** Records a view once; true when this call added the row. */
export async function insertView(
  db: Executor,
  storyId: number,
  viewerId: number,
  now: DbTime,
): Promise<boolean> {
  const result = await db
    .insertInto('story_views')
    .values({ story_id: storyId, viewer_id: viewerId, liked: 0, viewed_at: now })
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function setViewLiked(
  db: Executor,
  storyId: number,
  viewerId: number,
  liked: boolean,
): Promise<void> {
  await db
    .updateTable('story_views')
    .set({ liked: liked ? 1 : 0 })
    .where('story_id', '=', storyId)
    .where('viewer_id', '=', viewerId)
    .execute();
}

/** Newest view first; deactivated viewers are left out like everywhere else. */
export function viewersPage(
  db: Executor,
  storyId: number,
  cursor: readonly [DbTime, number] | null,
  limit: number,
) {
  return db
    .selectFrom('story_views')
    .innerJoin('users', 'users.id', 'story_views.viewer_id')
    .select([
      'story_views.id',
      'story_views.viewer_id',
      'story_views.viewed_at',
      'story_views.liked',
    ])
    .where('story_views.story_id', '=', storyId)
    .where('users.is_active', '=', 1)
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['story_views.viewed_at', 'story_views.id'], cursor!, 'desc')),
    )
    .orderBy('story_views.viewed_at', 'desc')
    .orderBy('story_views.id', 'desc')
    .limit(limit)
    .execute();
}

/** Removes the story and its views (its media rows are the media module's). */
export async function deleteStoryRows(db: Executor, storyId: number): Promise<void> {
  await db.deleteFrom('story_views').where('story_id', '=', storyId).execute();
  await db.deleteFrom('stories').where('id', '=', storyId).execute();
}

/** Which of `ids` are stories of `authorId` (active, expired or archived), with their media. */
export function storiesOfAuthor(db: Executor, authorId: number, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('stories')
    .select(['stories.id', 'stories.media_id'])
    .where('stories.author_id', '=', authorId)
    .where('stories.id', 'in', ids)
    .execute();
}

/** Stories by id, expired or not, that are in the viewer's audience, with the viewer's flags. */
export function storiesByIds(
  db: Executor,
  viewerId: number,
  ids: readonly number[],
): Promise<StoryWithFlags[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withViewerFlags(db, viewerId)
    .where('stories.id', 'in', ids)
    .where(inStoryAudience(viewerId))
    .execute();
}
