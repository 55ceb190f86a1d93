import type { AppDeps } from '../../deps.js';
import type { Executor } from '../../db/transaction.js';
import { inTransaction, type Trx } from '../../db/transaction.js';
import { toDbTime, toIso } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { AppError, blocked, forbidden, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { hiddenCommentFilter } from '../hidden-words/hidden-words.service.js';
import { mentionsOf, resolveMentions } from '../mentions/mentions.service.js';
import { announce, type NewNotification, notify } from '../notifications/notifications.service.js';
import { adjustCommentCount } from '../posts/post-counters.js';
import { lockVisiblePost, requireVisiblePost } from '../posts/posts.service.js';
import { authorSummaryOf, type MediaUrl, toUserSummary } from '../users/user-summary.js';
import type { CommentDto, CommentListQueryInput, CreateCommentInput } from './comments.schema.js';
import {
  adjustCommentCounter,
  type CommentViewRow,
  commentsByIds,
  commentsPage,
  countReplies,
  deleteCommentRow,
  deleteCommentLike,
  findCommentPostId,
  findCommentWithAccess,
  insertComment,
  insertCommentLike,
  lockComment,
  threadOfPost,
} from './comments.repository.js';

export function toCommentDto(row: CommentViewRow, mediaUrl: MediaUrl): CommentDto {
  return {
    id: String(row.id),
    post_id: String(row.post_id),
    author: toUserSummary(authorSummaryOf(row), mediaUrl),
    text: row.text,
    mentions: mentionsOf(row.mentions),
    parent_id: row.parent_id === null ? null : String(row.parent_id),
    reply_count: row.reply_count,
    like_count: row.like_count,
    liked_by_me: Boolean(Number(row.liked_by_me)),
    created_at: toIso(row.created_at),
  };
}

/** A comment is reachable exactly when its post is: 404 unknown, 403 private post to non-followers. */
async function requireVisibleComment(
  db: Executor,
  actorId: number,
  commentId: number,
  purpose: 'lookup' | 'action' = 'lookup',
) {
  const found = await findCommentWithAccess(db, actorId, commentId);
  if (!found) throw notFound('Comment');
  if (!Number(found.post_unblocked)) throw purpose === 'action' ? blocked() : notFound('Comment');
  if (!Number(found.post_visible)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  return found;
}

/**
 * A written comment as the actor now sees it, read in the write's transaction so that a write
 * that committed always answers with its result.
 */
async function commentInWrite(trx: Trx, actorId: number, id: number): Promise<CommentViewRow> {
  const row = await findCommentWithAccess(trx, actorId, id);
  if (!row) throw notFound('Comment');
  return row;
}

/**
 * A page of comments or replies. Those hidden by the post author's hidden words are left out
 * after the page is read, so a page may hold fewer than `limit` while `next_cursor` goes on.
 */
async function pageOf(
  deps: AppDeps,
  actorId: number,
  where: { postId: number; parentId: number | null; postAuthorId: number },
  query: { limit?: number; cursor?: string; ordering?: 'created_at' | '-created_at' },
): Promise<Page<CommentDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const newestFirst = query.ordering === '-created_at';
  const [rows, hidden] = await Promise.all([
    commentsPage(deps.db, actorId, where, cursor, limit, newestFirst),
    hiddenCommentFilter(deps.db, where.postAuthorId, actorId),
  ]);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  const shown = hidden ? page.rows.filter((row) => !hidden(row)) : page.rows;
  return {
    data: shown.map((row) => toCommentDto(row, deps.mediaUrl)),
    next_cursor: page.next_cursor,
  };
}

export async function getComment(
  deps: AppDeps,
  actorId: number,
  commentId: number,
): Promise<CommentDto> {
  const found = await requireVisibleComment(deps.db, actorId, commentId);
  const hidden = await hiddenCommentFilter(deps.db, found.post_author_id, actorId);
  if (hidden?.(found)) throw notFound('Comment');
  return toCommentDto(found, deps.mediaUrl);
}

/** The comments among `ids` the actor may see, in one statement (callers check the posts). */
export async function getVisibleComments(
  deps: AppDeps,
  actorId: number,
  ids: readonly number[],
): Promise<CommentDto[]> {
  const rows = await commentsByIds(deps.db, actorId, ids);
  return rows.map((row) => toCommentDto(row, deps.mediaUrl));
}

export async function listComments(
  deps: AppDeps,
  actorId: number,
  postId: number,
  query: CommentListQueryInput,
): Promise<Page<CommentDto>> {
  const post = await requireVisiblePost(deps.db, actorId, postId);
  return pageOf(deps, actorId, { postId, parentId: null, postAuthorId: post.author_id }, query);
}

/** The first `limit` comments and replies of a post, oldest first (the Mastodon context). */
export async function listThread(
  deps: AppDeps,
  actorId: number,
  postId: number,
  limit: number,
): Promise<CommentDto[]> {
  const post = await requireVisiblePost(deps.db, actorId, postId);
  const [rows, hidden] = await Promise.all([
    threadOfPost(deps.db, actorId, postId, limit),
    hiddenCommentFilter(deps.db, post.author_id, actorId),
  ]);
  return rows.filter((row) => !hidden?.(row)).map((row) => toCommentDto(row, deps.mediaUrl));
}

export async function listReplies(
  deps: AppDeps,
  actorId: number,
  commentId: number,
  query: { limit?: number; cursor?: string },
): Promise<Page<CommentDto>> {
  const comment = await requireVisibleComment(deps.db, actorId, commentId);
  const where = { postId: comment.post_id, parentId: comment.id };
  return pageOf(deps, actorId, { ...where, postAuthorId: comment.post_author_id }, query);
}

/**
 * Adds a comment or a reply. The post row is locked first, so the post's comment_count and the
 * top-level comment's reply_count move in the same transaction as the row they count.
 */
export async function createComment(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  input: CreateCommentInput,
): Promise<CommentDto> {
  const visible = await requireVisiblePost(deps.db, actor.id, postId, 'action');
  // A comment the post author's hidden words hide is seen by its author only: nobody hears of it.
  const hidden = await hiddenCommentFilter(deps.db, visible.author_id, null);
  const quiet = hidden?.({ author_id: actor.id, text: input.text }) ?? false;
  const parentId = input.parent_id == null ? null : Number(input.parent_id);
  const now = toDbTime(deps.clock.now());
  const { row, notified } = await inTransaction(deps.db, async (trx) => {
    const post = await lockVisiblePost(trx, postId);
    if (post.comments_disabled) {
      throw new AppError(403, 'comments_disabled', 'Comments are turned off for this post.');
    }
    let parent: { id: number; author_id: number } | null = null;
    if (parentId !== null) {
      const found = await lockComment(trx, parentId);
      if (!found || found.post_id !== postId) {
        throw invalidField('parent_id', `comment ${parentId} is not a comment of post ${postId}`);
      }
      parent =
        found.parent_id === null ? found : { id: found.parent_id, author_id: found.author_id };
    }
    // Mentioned people who may see the post: its author's content, seen as they would see it.
    const mentions = await resolveMentions(trx, input.text, post.author_id, 'text');
    const id = await insertComment(trx, {
      post_id: postId,
      author_id: actor.id,
      parent_id: parent?.id ?? null,
      text: input.text,
      created_at: now,
      mentions: mentions.stored,
    });
    await adjustCommentCount(trx, postId, 1);
    if (parent !== null) await adjustCommentCounter(trx, parent.id, 'reply_count', 1);
    const notified = quiet
      ? []
      : await notify(
          trx,
          now,
          commentNotifications(
            actor.id,
            post.author_id,
            { id, postId },
            parent,
            mentions.notifiable,
          ),
        );
    return { row: await commentInWrite(trx, actor.id, id), notified };
  });
  announce(deps, notified);
  return toCommentDto(row, deps.mediaUrl);
}

/**
 * The post's author hears of every comment; the author of the comment replied to (the one the
 * actor answered, not its top-level comment) hears of the reply instead of a plain comment;
 * the other mentioned people who may see the post, of the mention.
 */
function commentNotifications(
  actorId: number,
  postAuthorId: number,
  comment: { id: number; postId: number },
  repliedTo: { author_id: number } | null,
  mentioned: readonly number[],
): NewNotification[] {
  const subject = { actorId, postId: comment.postId, commentId: comment.id };
  const list: NewNotification[] = [];
  if (repliedTo !== null)
    list.push({ type: 'reply', recipientId: repliedTo.author_id, ...subject });
  if (repliedTo?.author_id !== postAuthorId) {
    list.push({ type: 'comment', recipientId: postAuthorId, ...subject });
  }
  for (const recipientId of mentioned) {
    if (!list.some((n) => n.recipientId === recipientId)) {
      list.push({ type: 'mention', recipientId, ...subject });
    }
  }
  return list;
}

/** By the comment's author or the post's author; a top-level comment takes its replies along. */
export async function deleteComment(deps: AppDeps, actor: Actor, commentId: number) {
  const found = await requireVisibleComment(deps.db, actor.id, commentId);
  if (actor.id !== found.author_id && actor.id !== found.post_author_id) {
    throw forbidden("Only the comment's author or the post's author may delete it.");
  }
  await removeComment(deps, found.post_id, commentId);
}

/** A moderator's removal (remove_content): the same delete, whoever can see it; 404 if gone. */
export async function removeCommentAsModerator(deps: AppDeps, commentId: number) {
  const postId = await findCommentPostId(deps.db, commentId);
  if (postId === undefined) throw notFound('Comment');
  await removeComment(deps, postId, commentId);
}

async function removeComment(deps: AppDeps, postId: number, commentId: number) {
  await inTransaction(deps.db, async (trx) => {
    await lockVisiblePost(trx, postId);
    const comment = await lockComment(trx, commentId);
    if (!comment) throw notFound('Comment');
    const removed = 1 + (comment.parent_id === null ? await countReplies(trx, commentId) : 0);
    await deleteCommentRow(trx, commentId);
    await adjustCommentCount(trx, comment.post_id, -removed);
    if (comment.parent_id !== null) {
      await adjustCommentCounter(trx, comment.parent_id, 'reply_count', -1);
    }
  });
}

/** Idempotent; the comment row is locked first so concurrent likes stay exact. */
export async function setCommentLike(
  deps: AppDeps,
  actor: Actor,
  commentId: number,
  liked: boolean,
): Promise<CommentDto> {
  await requireVisibleComment(deps.db, actor.id, commentId, 'action');
  const now = toDbTime(deps.clock.now());
  const { row, notified } = await inTransaction(deps.db, async (trx) => {
    const comment = await lockComment(trx, commentId);
    if (!comment) throw notFound('Comment');
    const changed = liked
      ? await insertCommentLike(trx, commentId, actor.id, now)
      : await deleteCommentLike(trx, commentId, actor.id);
    if (changed) await adjustCommentCounter(trx, commentId, 'like_count', liked ? 1 : -1);
    const notified =
      changed && liked
        ? await notify(trx, now, [
            {
              type: 'comment_like',
              recipientId: comment.author_id,
              actorId: actor.id,
              postId: comment.post_id,
              commentId,
            },
          ])
        : [];
    return { row: await commentInWrite(trx, actor.id, commentId), notified };
  });
  announce(deps, notified);
  return toCommentDto(row, deps.mediaUrl);
}
