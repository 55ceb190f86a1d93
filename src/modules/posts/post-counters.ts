import type { Trx } from '../../db/transaction.js';
import { adjustPostCounter } from './posts.repository.js';

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
