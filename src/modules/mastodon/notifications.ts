import type { AppDeps } from '../../deps.js';
import type { NotificationType } from '../../db/types.js';
import type { Actor } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import type { CommentDto } from '../comments/comments.schema.js';
import { getVisibleComments } from '../comments/comments.service.js';
import type { NotificationDto } from '../notifications/notifications.schema.js';
import {
  dismissNotifications,
  getNotification,
  type NotificationFilters,
  notificationWindow,
  unreadCount,
} from '../notifications/notifications.service.js';
import { getVisiblePosts } from '../posts/post-lists.service.js';
import type { PostDto } from '../posts/posts.schema.js';
import { getProfilesByIds } from '../users/users.service.js';
import {
  type AccountEntity,
  commentStatusId,
  commentToStatus,
  postToStatus,
  toAccount,
} from './entities.js';
import { linksOf } from './mastodon.service.js';

/**
 * Photogram's notification kinds as Mastodon's: a like of a post or comment is a `favourite`;
 * a comment, a reply, a mention and a people tag reach you as a `mention` with that status
 * (Mastodon shows replies as mentions). `follow_accepted` and `story_like` have no Mastodon
 * kind (no stories there) and are left out of this surface.
 */
const NATIVE_KINDS: Record<string, readonly NotificationType[]> = {
  follow: ['follow'],
  follow_request: ['follow_request'],
  favourite: ['like', 'comment_like'],
  mention: ['mention', 'comment', 'reply', 'tag'],
};
const MASTODON_KIND = new Map(
  Object.entries(NATIVE_KINDS).flatMap(([mastodon, natives]) =>
    natives.map((native) => [native, mastodon] as const),
  ),
);
const SHOWN_KINDS = [...MASTODON_KIND.keys()];

export interface NotificationQuery {
  max_id?: string;
  since_id?: string;
  min_id?: string;
  limit?: number;
  types?: string[];
  exclude_types?: string[];
}

/** Mastodon's notification pages: 40 by default, at most 80. */
const notificationLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 40, 1), 80);
const idParam = (raw: string | undefined) =>
  raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : null;

/** The native kinds a query asks for; null when it asks only for kinds Photogram never makes. */
function filtersOf(query: NotificationQuery): NotificationFilters | null {
  const asked = query.types?.length
    ? query.types.flatMap((kind) => NATIVE_KINDS[kind] ?? [])
    : SHOWN_KINDS;
  const excluded = new Set((query.exclude_types ?? []).flatMap((kind) => NATIVE_KINDS[kind] ?? []));
  const kinds = asked.filter((kind) => !excluded.has(kind));
  return kinds.length > 0 ? { types: kinds, excludeTypes: null } : null;
}

/**
 * Notifications as Mastodon entities with their accounts and statuses, in a fixed number of
 * statements: the comments they name (and those comments' parents), their posts, then every
 * account at once.
 */
type StatusEntity = ReturnType<typeof postToStatus> | ReturnType<typeof commentToStatus>;
interface NotificationEntity {
  id: string;
  type: string;
  created_at: string;
  group_key: string;
  account: AccountEntity;
  status?: StatusEntity;
}

async function toEntities(
  deps: AppDeps,
  actor: Actor,
  notifications: NotificationDto[],
): Promise<NotificationEntity[]> {
  const commentIds = notifications.flatMap((n) => (n.comment ? [Number(n.comment.id)] : []));
  const comments = new Map(
    (await getVisibleComments(deps, actor.id, commentIds)).map((c) => [c.id, c] as const),
  );
  const parentIds = [...comments.values()].flatMap((c) =>
    c.parent_id !== null && !comments.has(c.parent_id) ? [Number(c.parent_id)] : [],
  );
  for (const parent of await getVisibleComments(deps, actor.id, parentIds)) {
    comments.set(parent.id, parent);
  }
  const postIds = notifications.flatMap((n) => (n.post ? [Number(n.post.id)] : []));
  const posts = new Map(
    (await getVisiblePosts(deps, actor.id, [...new Set(postIds)])).map((p) => [p.id, p] as const),
  );
  const accountIds = new Set<number>();
  for (const n of notifications) accountIds.add(Number(n.actor.id));
  for (const c of comments.values()) accountIds.add(Number(c.author.id));
  for (const p of posts.values()) accountIds.add(Number(p.author.id));
  const links = linksOf(deps);
  const profiles = await getProfilesByIds(deps, actor.id, [...accountIds]);
  const accounts = new Map([...profiles].map(([id, p]) => [String(id), toAccount(p, links)]));

  const statusOfComment = (comment: CommentDto, post: PostDto) => {
    const account = accounts.get(comment.author.id);
    if (!account) return null;
    const parent = comment.parent_id === null ? undefined : comments.get(comment.parent_id);
    const inReplyTo =
      comment.parent_id === null
        ? { id: post.id, accountId: post.author.id }
        : {
            id: commentStatusId(comment.parent_id),
            accountId: parent?.author.id ?? post.author.id,
          };
    const visibility = post.author.is_private ? 'private' : 'public';
    return commentToStatus(comment, account, inReplyTo, visibility, links);
  };
  const statusOf = (n: NotificationDto) => {
    const post = n.post ? posts.get(n.post.id) : undefined;
    if (!post) return null;
    if (n.comment) {
      const comment = comments.get(n.comment.id);
      return comment ? statusOfComment(comment, post) : null;
    }
    const author = accounts.get(post.author.id);
    return author ? postToStatus(post, author, links) : null;
  };

  return notifications.flatMap((n) => {
    const type = MASTODON_KIND.get(n.type);
    const account = accounts.get(n.actor.id);
    if (!type || !account) return [];
    const base = { id: n.id, type, created_at: n.created_at, group_key: `ungrouped-${n.id}` };
    if (type === 'follow' || type === 'follow_request') return [{ ...base, account }];
    const status = statusOf(n);
    // A notification whose status the caller can no longer see is not shown, as natively.
    return status ? [{ ...base, account, status }] : [];
  });
}

export async function listNotifications(deps: AppDeps, actor: Actor, query: NotificationQuery) {
  const filters = filtersOf(query);
  const limit = notificationLimit(query.limit);
  if (!filters) return { items: [], nextCursor: null };
  const page = await notificationWindow(deps, actor, {
    filters,
    maxId: idParam(query.max_id),
    sinceId: idParam(query.since_id),
    minId: idParam(query.min_id),
    limit,
  });
  const items = await toEntities(deps, actor, page);
  // The next page starts below the last notification read, shown or not.
  return { items, nextCursor: page.length === limit ? page[page.length - 1]!.id : null };
}

export async function getOneNotification(deps: AppDeps, actor: Actor, id: string) {
  const numeric = idParam(id);
  const [entity] =
    numeric === null
      ? []
      : await toEntities(deps, actor, [await getNotification(deps, actor, numeric)]);
  if (!entity) throw notFound('Notification');
  return entity;
}

export async function dismissNotification(deps: AppDeps, actor: Actor, id: string) {
  const numeric = idParam(id);
  if (numeric === null) throw notFound('Notification');
  await dismissNotifications(deps, actor, numeric);
  return {};
}

export async function clearNotifications(deps: AppDeps, actor: Actor) {
  await dismissNotifications(deps, actor, null);
  return {};
}

export const notificationsUnreadCount = (deps: AppDeps, actor: Actor) => unreadCount(deps, actor);

/** Kinds that Mastodon 4.3 groups by default (`grouped_types`); reblogs do not exist here. */
const GROUPED_BY_DEFAULT = ['favourite', 'follow'];

/**
 * `GET /api/v2/notifications`: the v1 window, grouped within the page as Mastodon 4.3 does —
 * favourites per status and follows together (or the `grouped_types` asked for); every other
 * notification is its own `ungrouped-<id>` group. Accounts and statuses are listed once.
 */
export async function listNotificationGroups(
  deps: AppDeps,
  actor: Actor,
  query: NotificationQuery & { grouped_types?: string[] },
) {
  const { items, nextCursor } = await listNotifications(deps, actor, query);
  const groupable = new Set(query.grouped_types ?? GROUPED_BY_DEFAULT);
  const accounts = new Map<string, AccountEntity>();
  const statuses = new Map<string, StatusEntity>();
  const groups = new Map<
    string,
    {
      group_key: string;
      notifications_count: number;
      type: string;
      most_recent_notification_id: string;
      page_min_id: string;
      page_max_id: string;
      latest_page_notification_at: string;
      sample_account_ids: string[];
      status_id?: string;
    }
  >();
  for (const n of items) {
    accounts.set(n.account.id, n.account);
    if (n.status) statuses.set(n.status.id, n.status);
    const statusId = n.status?.id;
    const key = groupable.has(n.type) ? `${n.type}-${statusId ?? 'account'}` : n.group_key;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        group_key: key,
        notifications_count: 1,
        type: n.type,
        most_recent_notification_id: n.id,
        page_min_id: n.id,
        page_max_id: n.id,
        latest_page_notification_at: n.created_at,
        sample_account_ids: [n.account.id],
        ...(statusId !== undefined && { status_id: statusId }),
      });
      continue;
    }
    group.notifications_count += 1;
    group.page_min_id = n.id;
    if (!group.sample_account_ids.includes(n.account.id) && group.sample_account_ids.length < 8) {
      group.sample_account_ids.push(n.account.id);
    }
  }
  return {
    body: {
      accounts: [...accounts.values()],
      statuses: [...statuses.values()],
      notification_groups: [...groups.values()],
    },
    firstId: items[0]?.id,
    nextCursor,
  };
}
