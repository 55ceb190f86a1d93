import { sql } from 'kysely';
import { compiledStatement } from '../../db/compiled-query.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { NotificationsTable, NotificationType } from '../../db/types.js';
import type { DbTime } from '../../db/time.js';
import { AUTHOR_SUMMARY_COLUMNS, type AuthorSummaryColumns } from '../users/user-summary.js';
import { visibleAuthor } from '../users/visibility.js';

/** A new row: the table's columns but those the database fills in. */
export type NotificationInsert = Omit<NotificationsTable, 'id' | 'is_read'>;

/** One statement for any number of rows; a row whose dedupe key the recipient has is skipped. */
export async function insertNotifications(trx: Trx, rows: NotificationInsert[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length > 1) {
    await trx.insertInto('notifications').values(rows).orIgnore().execute();
    return;
  }
  // A like, a comment or a follow notifies one person: that statement is compiled once.
  const [n] = rows as [NotificationInsert];
  await insertOneNotification(
    trx,
    n.recipient_id,
    n.actor_id,
    n.type,
    n.post_id,
    n.comment_id,
    n.story_id,
    n.follow_id,
    n.dedupe_key,
    n.group_key,
    n.created_at,
  );
}

const insertOneNotification = compiledStatement(
  (
    db,
    recipient_id: number,
    actor_id: number,
    type: NotificationType,
    post_id: number | null,
    comment_id: number | null,
    story_id: number | null,
    follow_id: number | null,
    dedupe_key: string,
    group_key: string,
    created_at: DbTime,
  ) =>
    db
      .insertInto('notifications')
      .values({
        recipient_id,
        actor_id,
        type,
        post_id,
        comment_id,
        story_id,
        follow_id,
        dedupe_key,
        group_key,
        created_at,
      })
      .orIgnore(),
);

/** An approved request now reads "started following you". */
export async function requestsBecameFollows(
  trx: Trx,
  recipientId: number,
  actorIds: readonly number[],
): Promise<void> {
  if (actorIds.length === 0) return;
  await trx
    .updateTable('notifications')
    .set({ type: 'follow', group_key: 'follow' })
    .where('recipient_id', '=', recipientId)
    .where('actor_id', 'in', actorIds)
    .where('type', '=', 'follow_request')
    .execute();
}

/** Deletes what one actor's edge towards a recipient produced (for follows without a row id). */
export async function deleteFollowNotifications(
  trx: Trx,
  followerId: number,
  followingId: number,
): Promise<void> {
  await trx
    .deleteFrom('notifications')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('recipient_id', '=', followingId),
          eb('actor_id', '=', followerId),
          eb('type', 'in', ['follow', 'follow_request']),
        ]),
        eb.and([
          eb('recipient_id', '=', followerId),
          eb('actor_id', '=', followingId),
          eb('type', '=', 'follow_accepted'),
        ]),
      ]),
    )
    .execute();
}

/** A caption no longer mentions these accounts: their mention notifications go. */
export async function deleteCaptionMentions(
  trx: Trx,
  postId: number,
  recipientIds: readonly number[],
): Promise<void> {
  if (recipientIds.length === 0) return;
  await trx
    .deleteFrom('notifications')
    .where('type', '=', 'mention')
    .where('post_id', '=', postId)
    .where('comment_id', 'is', null)
    .where('recipient_id', 'in', recipientIds)
    .execute();
}

/**
 * A recipient's notifications as they may be shown: the actor is active, and a post subject
 * still exists and is visible to the recipient (users/visibility.ts). Actor summary, the post's
 * first thumbnail and the comment's text come in the same row.
 */
function visibleNotifications(db: Executor, recipientId: number) {
  return db
    .selectFrom('notifications')
    .innerJoin('users as author', 'author.id', 'notifications.actor_id')
    .innerJoin('profiles as author_profile', 'author_profile.user_id', 'notifications.actor_id')
    .leftJoin('posts', 'posts.id', 'notifications.post_id')
    .leftJoin('comments', 'comments.id', 'notifications.comment_id')
    .where('notifications.recipient_id', '=', recipientId)
    .where('author.is_active', '=', 1)
    .where((eb) =>
      eb.or([
        eb('notifications.post_id', 'is', null),
        eb.and([
          eb('posts.deleted_at', 'is', null),
          sql<boolean>`(${visibleAuthor(recipientId, 'posts.author_id')}) = 1`,
        ]),
      ]),
    );
}

export interface Filters {
  types: readonly NotificationType[] | null;
  excludeTypes: readonly NotificationType[] | null;
}

export type NotificationViewRow = AuthorSummaryColumns & {
  id: number;
  type: NotificationType;
  post_id: number | null;
  comment_id: number | null;
  story_id: number | null;
  is_read: number;
  created_at: DbTime;
  group_key: string;
  comment_text: string | null;
  thumbnail_key: string | null;
  /** Whether the post's author is private (its thumbnail URL is then signed). */
  thumbnail_private: number | null;
};

function notificationViews(db: Executor, recipientId: number, filters: Filters) {
  return visibleNotifications(db, recipientId)
    .leftJoin('media', (join) =>
      join.onRef('media.post_id', '=', 'notifications.post_id').on('media.position', '=', 0),
    )
    .leftJoin('profiles as media_owner', 'media_owner.user_id', 'media.owner_id')
    .select([
      'notifications.id',
      'notifications.type',
      'notifications.post_id',
      'notifications.comment_id',
      'notifications.story_id',
      'notifications.is_read',
      'notifications.created_at',
      'notifications.group_key',
      'notifications.actor_id as author_id',
      'comments.text as comment_text',
      'media.thumbnail_key',
      'media_owner.is_private as thumbnail_private',
    ])
    .select(AUTHOR_SUMMARY_COLUMNS)
    .$if(filters.types !== null, (qb) => qb.where('notifications.type', 'in', filters.types!))
    .$if(filters.excludeTypes !== null, (qb) =>
      qb.where('notifications.type', 'not in', filters.excludeTypes!),
    );
}

/** Newest first, before `beforeId`; or, for the live stream, oldest first after `afterId`. */
export async function notificationsPage(
  db: Executor,
  recipientId: number,
  filters: Filters,
  position: { beforeId: number | null } | { afterId: number },
  take: number,
): Promise<NotificationViewRow[]> {
  const forward = 'afterId' in position;
  const rows = await notificationViews(db, recipientId, filters)
    .$if(forward, (qb) =>
      qb.where('notifications.id', '>', (position as { afterId: number }).afterId),
    )
    .$if(!forward && (position as { beforeId: number | null }).beforeId !== null, (qb) =>
      qb.where('notifications.id', '<', (position as { beforeId: number }).beforeId),
    )
    .orderBy('notifications.id', forward ? 'asc' : 'desc')
    .limit(take)
    .execute();
  return rows as NotificationViewRow[];
}

const DAY = sql<string>`substr(notifications.created_at, 1, 10)`;

export interface GroupRow {
  group_key: string;
  day: string;
  latest_id: number;
  count: number;
  all_read: number;
  latest_at: DbTime;
}

/** One row per (group_key, day), the group with the newest notification first. */
export async function groupsPage(
  db: Executor,
  recipientId: number,
  filters: Filters,
  beforeId: number | null,
  take: number,
): Promise<GroupRow[]> {
  const rows = await visibleNotifications(db, recipientId)
    .select([
      'notifications.group_key',
      DAY.as('day'),
      sql<number>`max(notifications.id)`.as('latest_id'),
      sql<number>`count(*)`.as('count'),
      sql<number>`min(notifications.is_read)`.as('all_read'),
      sql<DbTime>`max(notifications.created_at)`.as('latest_at'),
    ])
    .$if(filters.types !== null, (qb) => qb.where('notifications.type', 'in', filters.types!))
    .$if(filters.excludeTypes !== null, (qb) =>
      qb.where('notifications.type', 'not in', filters.excludeTypes!),
    )
    .groupBy(['notifications.group_key', DAY])
    .$if(beforeId !== null, (qb) => qb.having(sql`max(notifications.id)`, '<', beforeId!))
    .orderBy('latest_id', 'desc')
    .limit(take)
    .execute();
  return rows.map((row) => ({
    ...row,
    latest_id: Number(row.latest_id),
    count: Number(row.count),
    all_read: Number(row.all_read),
  }));
}

/**
 * The newest notifications of distinct actors in each of the given groups, at most `perGroup`
 * each, in one statement (window functions: SQLite 3.25+, MariaDB 10.2+, MySQL 8).
 */
export async function groupMembers(
  db: Executor,
  recipientId: number,
  filters: Filters,
  groups: readonly { group_key: string; day: string }[],
  perGroup: number,
): Promise<(NotificationViewRow & { day: string })[]> {
  if (groups.length === 0) return [];
  const byActor = notificationViews(db, recipientId, filters)
    .select([
      DAY.as('day'),
      sql<number>`row_number() over (partition by notifications.group_key, ${DAY}, notifications.actor_id order by notifications.id desc)`.as(
        'actor_rank',
      ),
    ])
    .where('notifications.group_key', 'in', [...new Set(groups.map((g) => g.group_key))])
    .where(DAY, 'in', [...new Set(groups.map((g) => g.day))]);
  const ranked = db
    .selectFrom(byActor.as('a'))
    .selectAll('a')
    .select(
      sql<number>`row_number() over (partition by a.group_key, a.day order by a.id desc)`.as(
        'group_rank',
      ),
    )
    .where('a.actor_rank', '=', 1);
  const rows = await db
    .selectFrom(ranked.as('r'))
    .selectAll('r')
    .where('r.group_rank', '<=', perGroup)
    .orderBy('r.id', 'desc')
    .execute();
  return rows as unknown as (NotificationViewRow & { day: string })[];
}

/** One statement: what the bell shows. */
export async function countUnread(db: Executor, recipientId: number): Promise<number> {
  const row = await visibleNotifications(db, recipientId)
    .select(sql<number>`count(*)`.as('n'))
    .where('notifications.is_read', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRead(db: Executor, recipientId: number, upToId: number): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ is_read: 1 })
    .where('recipient_id', '=', recipientId)
    .where('id', '<=', upToId)
    .where('is_read', '=', 0)
    .execute();
}

/** Where a live stream without Last-Event-ID starts: after everything already there. */
export async function latestId(db: Executor, recipientId: number): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select(sql<number>`max(id)`.as('id'))
    .where('recipient_id', '=', recipientId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Dismisses one notification, or all of them when `id` is null; only the recipient's own. */
export async function deleteNotificationsOf(
  db: Executor,
  recipientId: number,
  id: number | null,
): Promise<number> {
  const result = await db
    .deleteFrom('notifications')
    .where('recipient_id', '=', recipientId)
    .$if(id !== null, (qb) => qb.where('id', '=', id!))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
