import type { Trx } from '../../db/transaction.js';
import { adjustPostCounter, recountEngagementOfUser } from './posts.repository.js';

/**
 * Counter changes for the modules that own the counted rows (likes, comments). Call them in
 * the transaction that really inserted or deleted those rows, after `lockVisiblePost`.
 */
export const adjustLikeCount = (trx: Trx, postId: number, delta: number) =>
  adjustPostCounter(trx, postId, 'like_count', delta);

export const adjustCommentCount = (trx: Trx, postId: number, delta: number) =>
  adjustPostCounter(trx, postId, 'comment_count', delta);

export const adjustViewCount = (trx: Trx, postId: number, delta: number) =>
  adjustPostCounter(trx, postId, 'view_count', delta);
/**
 * For the users module when an account is deactivated (or comes back): the posts it liked or
 * commented on count only what their lists show.
 */
export const recountAfterAccountChange = (trx: Trx, userId: number) =>
  recountEngagementOfUser(trx, userId);
