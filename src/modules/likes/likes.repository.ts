import { compiledStatement } from '../../db/compiled-query.js';
import { notBlocked } from '../users/visibility.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { after } from '../../http/pagination.js';
import { POST_COLUMNS, visibleAuthorPerRow } from '../posts/post-row.js';

/** True when a row was really added (a repeated like changes nothing). */
export async function insertPostLike(
  trx: Trx,
  postId: number,
  userId: number,
  createdAt: string,
): Promise<boolean> {
  const result = await insertLikeStatement(trx, postId, userId, createdAt);
  return Number(result.numAffectedRows ?? 0) > 0;
}

const insertLikeStatement = compiledStatement(
  (db, post_id: number, user_id: number, created_at: string) =>
    db.insertInto('post_likes').values({ post_id, user_id, created_at }).orIgnore(),
);

export async function deletePostLike(trx: Trx, postId: number, userId: number): Promise<boolean> {
  const result = await deleteLikeStatement(trx, postId, userId);
  return Number(result.numAffectedRows ?? 0) > 0;
}

const deleteLikeStatement = compiledStatement((db, postId: number, userId: number) =>
  db.deleteFrom('post_likes').where('post_id', '=', postId).where('user_id', '=', userId),
);

/** Likers of a post, newest like first; deactivated accounts are left out. */
export async function likersPage(
  db: Executor,
  actorId: number | null,
  postId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('post_likes')
    .innerJoin('users', 'users.id', 'post_likes.user_id')
    .select(['post_likes.id', 'post_likes.user_id', 'post_likes.created_at'])
    .where('post_likes.post_id', '=', postId)
    .where('users.is_active', '=', 1)
    .where(notBlocked(actorId, 'post_likes.user_id'))
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['post_likes.created_at', 'post_likes.id'], cursor!, 'desc')),
    )
    .orderBy('post_likes.created_at', 'desc')
    .orderBy('post_likes.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The posts a user liked that they may still see, most recently liked first. */
export async function likedPostsPage(
  db: Executor,
  userId: number,
  cursor: readonly [string, number] | null,
  limit: number,
) {
  return db
    .selectFrom('post_likes')
    .innerJoin('posts', 'posts.id', 'post_likes.post_id')
    .select(POST_COLUMNS)
    .select(['post_likes.id as like_id', 'post_likes.created_at as liked_at'])
    .where('post_likes.user_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .where(visibleAuthorPerRow(userId, 'posts.author_id'))
    .$if(cursor !== null, (qb) =>
      qb.where((eb) => after(eb, ['post_likes.created_at', 'post_likes.id'], cursor!, 'desc')),
    )
    .orderBy('post_likes.created_at', 'desc')
    .orderBy('post_likes.id', 'desc')
    .limit(limit + 1)
    .execute();
}
