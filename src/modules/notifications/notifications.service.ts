import { PassThrough, type Readable } from 'node:stream';
import type { AppDeps } from '../../deps.js';
import { type DbTime, toIso } from '../../db/time.js';
import type { Trx } from '../../db/transaction.js';
import type { NotificationType } from '../../db/types.js';
import type { Actor } from '../../http/auth.js';
import { invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.js';
import { authorSummaryOf, toUserSummary, type UserSummaryDto } from '../users/user-summary.js';
import {
  deleteCaptionMentions,
  deleteFollowNotifications,
  type Filters,
  groupMembers,
  groupsPage,
  insertNotifications,
  latestId,
  markRead,
  type NotificationInsert,
  type NotificationViewRow,
  notificationsPage,
  countUnread,
  deleteNotificationsOf,
  requestsBecameFollows,
} from './notifications.repository.js';
import {
  NOTIFICATION_TYPES,
  type NotificationDto,
  type NotificationGroupDto,
  type NotificationListQueryInput,
} from './notifications.schema.js';

export const NO_FILTERS: Filters = { types: null, excludeTypes: null };
export type { Filters as NotificationFilters };

/** What another module reports, in its own transaction. */
export interface NewNotification {
  type: NotificationType;
  recipientId: number;
  actorId: number;
  postId?: number;
  commentId?: number;
  storyId?: number;
  followId?: number;
}

/** The same event for the same recipient is stored once (like, unlike, like again: one row). */
function keysOf(n: NewNotification): { dedupe_key: string; group_key: string } {
  const single = (key: string) => ({ dedupe_key: key, group_key: key });
  switch (n.type) {
    case 'follow':
    case 'follow_request':
      return { dedupe_key: `follow:${n.actorId}`, group_key: n.type };
    case 'follow_accepted':
      return single(`follow_accepted:${n.actorId}`);
    case 'like':
      return { dedupe_key: `like:${n.postId}:${n.actorId}`, group_key: `like:${n.postId}` };
    case 'comment':
      return { dedupe_key: `comment:${n.commentId}`, group_key: `comment:${n.postId}` };
    case 'reply':
      return single(`reply:${n.commentId}`);
    case 'comment_like':
      return {
        dedupe_key: `comment_like:${n.commentId}:${n.actorId}`,
        group_key: `comment_like:${n.commentId}`,
      };
    case 'mention':
      return single(n.commentId ? `mention:c${n.commentId}` : `mention:p${n.postId}`);
    case 'tag':
      return single(`tag:${n.postId}`);
    case 'story_like':
      return {
        dedupe_key: `story_like:${n.storyId}:${n.actorId}`,
        group_key: `story_like:${n.storyId}`,
      };
  }
}

/**
 * Stores notifications in the caller's transaction; nobody is notified of their own action.
 * Returns the recipients, for `announce` once the transaction has committed.
 */
export async function notify(
  trx: Trx,
  now: DbTime,
  items: readonly NewNotification[],
): Promise<number[]> {
  const rows: NotificationInsert[] = items
    .filter((n) => n.recipientId !== n.actorId)
    .map((n) => ({
      recipient_id: n.recipientId,
      actor_id: n.actorId,
      type: n.type,
      post_id: n.postId ?? null,
      comment_id: n.commentId ?? null,
      story_id: n.storyId ?? null,
      follow_id: n.followId ?? null,
      ...keysOf(n),
      created_at: now,
    }));
  await insertNotifications(trx, rows);
  return rows.map((row) => row.recipient_id);
}

/** After commit: wakes the recipients' live streams, on every replica. */
export function announce(deps: AppDeps, recipientIds: readonly number[]): void {
  deps.notifications.publish(recipientIds);
}

/** Requests of `followerIds` to `userId` were accepted: they now read as follows. */
export const requestsAccepted = (trx: Trx, userId: number, followerIds: readonly number[]) =>
  requestsBecameFollows(trx, userId, followerIds);

/** A follow edge went: what it announced goes too (its rows cascade when they name the edge). */
export const followRemoved = (trx: Trx, followerId: number, followingId: number) =>
  deleteFollowNotifications(trx, followerId, followingId);

/** An edited caption dropped these mentions: so do the notifications about them. */
export const mentionsWithdrawn = (trx: Trx, postId: number, recipientIds: readonly number[]) =>
  deleteCaptionMentions(trx, postId, recipientIds);

function kindList(field: string, value: string | undefined): NotificationType[] | null {
  if (value === undefined) return null;
  const kinds = value.split(',').map((kind) => kind.trim());
  for (const kind of kinds) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(kind)) {
      throw invalidField(field, `unknown kind "${kind}"; one of ${NOTIFICATION_TYPES.join(', ')}`);
    }
  }
  return kinds as NotificationType[];
}

/** What both lists read from their query: kinds, page size, and the id the page ends before. */
function listInput(query: NotificationListQueryInput) {
  const filters: Filters = {
    types: kindList('types', query.types),
    excludeTypes: kindList('exclude_types', query.exclude_types),
  };
  const beforeId = decodeCursor(query.cursor, ['id'])?.[0] ?? null;
  return { filters, limit: query.limit ?? 20, beforeId };
}

type Subjects = Pick<NotificationDto, 'post' | 'comment' | 'story'>;

function subjectsOf(row: NotificationViewRow, deps: AppDeps): Subjects {
  return {
    ...(row.post_id !== null && {
      post: {
        id: String(row.post_id),
        thumbnail_url: row.thumbnail_key
          ? deps.mediaUrl(row.thumbnail_key, Number(row.thumbnail_private) !== 0)
          : null,
      },
    }),
    ...(row.comment_id !== null && {
      comment: { id: String(row.comment_id), text: row.comment_text ?? '' },
    }),
    ...(row.story_id !== null && { story: { id: String(row.story_id) } }),
  };
}

const actorOfRow = (row: NotificationViewRow, deps: AppDeps): UserSummaryDto =>
  toUserSummary(authorSummaryOf(row), deps.mediaUrl);

function toNotificationDto(row: NotificationViewRow, deps: AppDeps): NotificationDto {
  return {
    id: String(row.id),
    type: row.type,
    created_at: toIso(row.created_at),
    read: Boolean(Number(row.is_read)),
    actor: actorOfRow(row, deps),
    ...subjectsOf(row, deps),
  };
}

/** Newest first, in one statement (the actor, post thumbnail and comment text are joined). */
export async function listNotifications(
  deps: AppDeps,
  actor: Actor,
  query: NotificationListQueryInput,
): Promise<Page<NotificationDto>> {
  const { filters, limit, beforeId } = listInput(query);
  const rows = await notificationsPage(deps.db, actor.id, filters, { beforeId }, limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((row) => toNotificationDto(row, deps)),
    next_cursor: rows.length > limit ? encodeCursor([page[page.length - 1]!.id]) : null,
  };
}

const LATEST_ACTORS = 3;

/**
 * Grouped as Instagram shows them: one group per (kind, subject) and day, newest group first.
 * Two statements: the page of groups, then each group's latest distinct actors.
 */
export async function listNotificationGroups(
  deps: AppDeps,
  actor: Actor,
  query: NotificationListQueryInput,
): Promise<Page<NotificationGroupDto>> {
  const { filters, limit, beforeId } = listInput(query);
  const rows = await groupsPage(deps.db, actor.id, filters, beforeId, limit + 1);
  const groups = rows.slice(0, limit);
  const members = await groupMembers(deps.db, actor.id, filters, groups, LATEST_ACTORS);
  const byGroup = new Map<string, NotificationViewRow[]>();
  for (const member of members) {
    const key = `${member.group_key}|${member.day}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), member]);
  }
  return {
    data: groups.flatMap((group) => {
      const list = byGroup.get(`${group.group_key}|${group.day}`) ?? [];
      const latest = list[0];
      if (!latest) return [];
      return [
        {
          type: latest.type,
          ...subjectsOf(latest, deps),
          count: group.count,
          latest_actors: list.map((row) => actorOfRow(row, deps)),
          latest_at: toIso(group.latest_at),
          latest_id: String(group.latest_id),
          read: group.all_read === 1,
        },
      ];
    }),
    next_cursor: rows.length > limit ? encodeCursor([groups[groups.length - 1]!.latest_id]) : null,
  };
}

/**
 * A window of the stream bounded by ids, as the Mastodon API pages it: newest first below
 * `maxId` and above `sinceId`, or, with `minId`, the oldest `limit` right after it (still
 * answered newest first). One statement.
 */
export async function notificationWindow(
  deps: AppDeps,
  actor: Actor,
  window: {
    filters: Filters;
    maxId: number | null;
    sinceId: number | null;
    minId: number | null;
    limit: number;
  },
): Promise<NotificationDto[]> {
  const { filters, maxId, sinceId, minId, limit } = window;
  const rows =
    minId !== null
      ? (await notificationsPage(deps.db, actor.id, filters, { afterId: minId }, limit))
          .filter((row) => maxId === null || row.id < maxId)
          .reverse()
      : (await notificationsPage(deps.db, actor.id, filters, { beforeId: maxId }, limit)).filter(
          (row) => sinceId === null || row.id > sinceId,
        );
  return rows.map((row) => toNotificationDto(row, deps));
}

/** One notification the actor may still see, or 404. */
export async function getNotification(
  deps: AppDeps,
  actor: Actor,
  id: number,
): Promise<NotificationDto> {
  const [row] = await notificationsPage(deps.db, actor.id, NO_FILTERS, { beforeId: id + 1 }, 1);
  if (!row || row.id !== id) throw notFound('Notification');
  return toNotificationDto(row, deps);
}

/** Deletes one of the actor's notifications (404 when it is not theirs), or all with null. */
export async function dismissNotifications(
  deps: AppDeps,
  actor: Actor,
  id: number | null,
): Promise<void> {
  const removed = await deleteNotificationsOf(deps.db, actor.id, id);
  if (id !== null && removed === 0) throw notFound('Notification');
}

export async function unreadCount(deps: AppDeps, actor: Actor): Promise<{ count: number }> {
  return { count: await countUnread(deps.db, actor.id) };
}

export async function markNotificationsRead(
  deps: AppDeps,
  actor: Actor,
  upToId: number,
): Promise<void> {
  await markRead(deps.db, actor.id, upToId);
}

const STREAM_BATCH = 100;

/**
 * A Server-Sent Events stream of the actor's new notifications: each is an event whose id is
 * the notification id, so a reconnect with Last-Event-ID gets exactly what it missed. Without
 * it, the stream starts after the newest notification. Heartbeat comments keep proxies from
 * closing it.
 */
export async function openNotificationStream(
  deps: AppDeps,
  actor: Actor,
  lastEventId: number | null,
  log: { warn(obj: object, msg: string): void },
): Promise<Readable> {
  const stream = new PassThrough();
  let cursor = lastEventId ?? (await latestId(deps.db, actor.id));
  let running = false;
  let again = false;
  const send = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        let rows: NotificationViewRow[];
        do {
          rows = await notificationsPage(
            deps.db,
            actor.id,
            NO_FILTERS,
            { afterId: cursor },
            STREAM_BATCH,
          );
          for (const row of rows) {
            if (stream.destroyed) return;
            const data = JSON.stringify(toNotificationDto(row, deps));
            stream.write(`id: ${row.id}\nevent: notification\ndata: ${data}\n\n`);
            cursor = row.id;
          }
        } while (rows.length === STREAM_BATCH);
      } while (again && !stream.destroyed);
    } catch (err) {
      log.warn({ err }, 'notification stream could not read new notifications');
    } finally {
      running = false;
    }
  };
  const unsubscribe = deps.notifications.subscribe(
    actor.id,
    () => void send(),
    () => stream.end(),
  );
  const heartbeat = setInterval(
    () => stream.write(': heartbeat\n\n'),
    deps.config.sseHeartbeatSeconds * 1000,
  );
  stream.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  await deps.notifications.listening();
  stream.write('retry: 3000\n\n');
  if (lastEventId !== null) void send();
  return stream;
}
