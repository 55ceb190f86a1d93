import { sql } from 'kysely';
import { compiledQuery, compiledStatement } from '../../db/compiled-query.js';
import { dialectOf } from '../../db/dialect.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { Comment } from '../../db/types.js';
import { after } from '../../http/pagination.js';
import { AUTHOR_SUMMARY_COLUMNS, type AuthorSummaryColumns } from '../users/user-summary.js';
import { notBlocked, visibleAuthor } from '../users/visibility.js';

export type CommentRow = Comment;
const COLUMNS = [
  'comments.id',
  'comments.post_id',
  'comments.author_id',
  'comments.parent_id',
  'comments.text',
  'comments.reply_count',
  'comments.like_count',
  'comments.created_at',
  'comments.mentions',
] as const;

/**
 * Comments as a Comment is shown to one actor, in one row each: the comment, its author's
 * summary and whether the actor likes it. A comment of a deactivated author is not shown.
 */
function commentViews(db: Executor, actorId: number) {
  return db
    .selectFrom('comments')
    .innerJoin('users as author', 'author.id', 'comments.author_id')
    .innerJoin('profiles as author_profile', 'author_profile.user_id', 'comments.author_id')
    .select(COLUMNS)
    .select(AUTHOR_SUMMARY_COLUMNS)
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('comment_likes')
            .select('comment_likes.comment_id')
            .whereRef('comment_likes.comment_id', '=', 'comments.id')
            .where('comment_likes.user_id', '=', actorId),
        )
        .as('liked_by_me'),
    )
    .where('author.is_active', '=', 1)
    .where(notBlocked(actorId, 'comments.author_id'));
}

export type CommentViewRow = CommentRow & AuthorSummaryColumns & { liked_by_me: number | boolean };

/**
 * One statement: the comment as the actor sees it, its post's author, and whether the actor may
 * see that post. A comment whose post or either author is gone (deleted, deactivated) is not found.
 */
export async function findCommentWithAccess(db: Executor, actorId: number, id: number) {
  const [row] = await commentWithAccessQuery(db, actorId, id);
  return row;
}

const commentWithAccessQuery = compiledQuery((db, actorId: number, id: number) =>
  commentViews(db, actorId)
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .innerJoin('users as post_author', 'post_author.id', 'posts.author_id')
    .select(['posts.author_id as post_author_id'])
    .select(sql<number>`${visibleAuthor(actorId, 'posts.author_id')}`.as('post_visible'))
    .select(sql<number>`${notBlocked(actorId, 'posts.author_id')}`.as('post_unblocked'))
    .where('comments.id', '=', id)
    .where('posts.deleted_at', 'is', null)
    .where('post_author.is_active', '=', 1),
);

/** The comments among `ids` that the actor may see (authors active, not blocked): one statement. */
export async function commentsByIds(
  db: Executor,
  actorId: number,
  ids: readonly number[],
): Promise<CommentViewRow[]> {
  if (ids.length === 0) return [];
  return (await commentViews(db, actorId)
    .where('comments.id', 'in', ids)
    .execute()) as CommentViewRow[];
}

/** Re-reads a comment in a write; on MySQL also locks it so its counters stay exact. */
/** The post a comment is on; undefined when there is no such comment. */
export async function findCommentPostId(db: Executor, id: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('comments')
    .select('post_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.post_id;
}

export async function lockComment(trx: Trx, id: number): Promise<CommentRow | undefined> {
  const [row] = await lockCommentQuery(trx, id);
  return row;
}

const lockCommentQuery = compiledQuery((db, id: number) =>
  db
    .selectFrom('comments')
    .select(COLUMNS)
    .where('comments.id', '=', id)
    .$if(dialectOf(db) === 'mysql', (qb) => qb.forUpdate()),
);

export async function insertComment(
  trx: Trx,
  values: Pick<
    CommentRow,
    'post_id' | 'author_id' | 'parent_id' | 'text' | 'created_at' | 'mentions'
  >,
): Promise<number> {
  const { post_id, author_id, parent_id, text, created_at, mentions } = values;
  const result = await insertCommentStatement(
    trx,
    post_id,
    author_id,
    parent_id,
    text,
    created_at,
    mentions,
  );
  return Number(result.insertId);
}

const insertCommentStatement = compiledStatement(
  (
    db,
    post_id: number,
    author_id: number,
    parent_id: number | null,
    text: string,
    created_at: string,
    mentions: string | null,
  ) =>
    db.insertInto('comments').values({ post_id, author_id, parent_id, text, created_at, mentions }),
);

export async function deleteCommentRow(trx: Trx, id: number): Promise<void> {
  await trx.deleteFrom('comments').where('id', '=', id).execute();
}

/** Replies the post's comment_count counts: those of active accounts (see recountEngagementOfUser). */
export async function countReplies(trx: Trx, id: number): Promise<number> {
  const row = await trx
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.author_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('comments.parent_id', '=', id)
    .where('users.is_active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function adjustCommentCounter(
  trx: Trx,
  id: number,
  column: 'reply_count' | 'like_count',
  delta: number,
): Promise<void> {
  await trx
    .updateTable('comments')
    .set((eb) => ({ [column]: eb(column, '+', delta) }))
    .where('id', '=', id)
    .execute();
}

/** Top-level comments of a post (parentId null) or replies of one comment, oldest or newest first. */
export async function commentsPage(
  db: Executor,
  actorId: number,
  where: { postId: number; parentId: number | null },
  cursor: readonly [string, number] | null,
  limit: number,
  newestFirst = false,
): Promise<CommentViewRow[]> {
  const query = newestFirst ? newestCommentsPageQuery : oldestCommentsPageQuery;
  return query(db, actorId, where.postId, where.parentId, cursor, limit + 1);
}

// One compiled template per direction: a template must not branch on its arguments.
const commentsPageQuery = (direction: 'asc' | 'desc') =>
  compiledQuery(
    (
      db,
      actorId: number,
      postId: number,
      parentId: number | null,
      cursor: readonly [string, number] | null,
      take: number,
    ) =>
      commentViews(db, actorId)
        .where('comments.post_id', '=', postId)
        .where('comments.parent_id', parentId === null ? 'is' : '=', parentId)
        .$if(cursor !== null, (qb) =>
          qb.where((eb) => after(eb, ['comments.created_at', 'comments.id'], cursor!, direction)),
        )
        .orderBy('comments.created_at', direction)
        .orderBy('comments.id', direction)
        .limit(take),
  );
const oldestCommentsPageQuery = commentsPageQuery('asc');
const newestCommentsPageQuery = commentsPageQuery('desc');

/** A post's whole thread (comments and replies) in the order written: one statement. */
export async function threadOfPost(
  db: Executor,
  actorId: number,
  postId: number,
  take: number,
): Promise<CommentViewRow[]> {
  return commentViews(db, actorId)
    .where('comments.post_id', '=', postId)
    .orderBy('comments.created_at', 'asc')
    .orderBy('comments.id', 'asc')
    .limit(take)
    .execute();
}

export async function insertCommentLike(
  trx: Trx,
  commentId: number,
  userId: number,
  createdAt: string,
): Promise<boolean> {
  const result = await trx
    .insertInto('comment_likes')
    .values({ comment_id: commentId, user_id: userId, created_at: createdAt })
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteCommentLike(
  trx: Trx,
  commentId: number,
  userId: number,
): Promise<boolean> {
  const result = await trx
    .deleteFrom('comment_likes')
    .where('comment_id', '=', commentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
