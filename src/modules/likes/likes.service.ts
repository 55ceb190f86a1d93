import type { AppDeps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { announce, notify } from '../notifications/notifications.service.js';
import { adjustLikeCount } from '../posts/post-counters.js';
import type { PostDto } from '../posts/posts.schema.js';
import { lockVisiblePost, postView, requireVisiblePost } from '../posts/posts.service.js';
import { loadUserSummaries, toUserSummary, type UserSummaryDto } from '../users/user-summary.js';
import { hydratedPage } from '../posts/post-lists.service.js';
import { deletePostLike, insertPostLike, likedPostsPage, likersPage } from './likes.repository.js';

/**
 * Idempotent like/unlike. The post row is locked first (MySQL), so concurrent likes queue on it
 * instead of deadlocking, and the counter moves only when a like row was really added or removed.
 */
export async function setPostLike(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  liked: boolean,
): Promise<PostDto> {
  await requireVisiblePost(deps.db, actor.id, postId, 'action');
  const now = toDbTime(deps.clock.now());
  const { row, notified } = await inTransaction(deps.db, async (trx) => {
    const post = await lockVisiblePost(trx, postId);
    const changed = liked
      ? await insertPostLike(trx, postId, actor.id, now)
      : await deletePostLike(trx, postId, actor.id);
    if (!changed) return { row: post, notified: [] };
    const delta = liked ? 1 : -1;
    await adjustLikeCount(trx, postId, delta);
    // Un-liking keeps the notification; liking again finds it there (no second one).
    const notified = liked
      ? await notify(trx, now, [
          { type: 'like', recipientId: post.author_id, actorId: actor.id, postId },
        ])
      : [];
    return { row: { ...post, like_count: post.like_count + delta }, notified };
  });
  announce(deps, notified);
  return postView(deps, actor.id, row);
}

/** Who liked a post, newest like first. */
export async function listLikers(
  deps: AppDeps,
  actorId: number | null,
  postId: number,
  query: { limit?: number; cursor?: string },
): Promise<Page<UserSummaryDto>> {
  await requireVisiblePost(deps.db, actorId, postId);
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const page = splitPage(
    await likersPage(deps.db, actorId, postId, cursor, limit),
    limit,
    (row) => [row.created_at, row.id],
  );
  const users = await loadUserSummaries(
    deps.db,
    page.rows.map((row) => row.user_id),
  );
  return {
    data: page.rows.flatMap((row) => {
      const user = users.get(row.user_id);
      return user ? [toUserSummary(user, deps.mediaUrl)] : [];
    }),
    next_cursor: page.next_cursor,
  };
}

/** The posts the caller liked, most recently liked first (Mastodon's favourites). */
export async function listLiked(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  return hydratedPage(
    deps,
    actor.id,
    query,
    (cursor, limit) => likedPostsPage(deps.db, actor.id, cursor, limit),
    (row) => [row.liked_at, row.like_id],
  );
}
