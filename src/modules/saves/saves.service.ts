import type { AppDeps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import type { Page } from '../../http/pagination.js';
import { hydratedPage } from '../posts/post-lists.service.js';
import type { PostDto } from '../posts/posts.schema.js';
import { lockVisiblePost, postView, requireVisiblePost } from '../posts/posts.service.js';
import { deleteSave, insertSave, savedPostsPage } from './saves.repository.js';

/** Idempotent save/unsave; the post is re-read under lock so a concurrent delete is a 404. */
export async function setPostSave(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  saved: boolean,
): Promise<PostDto> {
  await requireVisiblePost(deps.db, actor.id, postId);
  const row = await inTransaction(deps.db, async (trx) => {
    const post = await lockVisiblePost(trx, postId);
    if (saved) await insertSave(trx, actor.id, postId, toDbTime(deps.clock.now()));
    else await deleteSave(trx, actor.id, postId);
    return post;
  });
  return postView(deps, actor.id, row);
}

/** The caller's saved posts, most recently saved first. */
export async function listSaved(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  return hydratedPage(
    deps,
    actor.id,
    query,
    (cursor, limit) => savedPostsPage(deps.db, actor.id, cursor, limit),
    (row) => [row.saved_at, row.save_id],
  );
}
