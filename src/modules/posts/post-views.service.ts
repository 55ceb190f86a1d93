import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import { inTransaction } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { invalidField } from '../../http/errors.js';
import { mediaOfPosts } from '../media/media.service.js';
import { insertPostView } from './post-views.repository.js';
import { adjustPostCounter } from './posts.repository.js';
import { requireVisiblePost } from './posts.service.js';

/**
 * Counts a view of a post with a video: at most one per viewer and UTC day (of the service
 * clock), so replays and retries change nothing; the author's own views are not counted.
 * `view_count` moves in the same transaction as the row that justifies it. Answers whether
 * this call counted a view.
 */
export async function recordPostView(
  deps: AppDeps,
  actor: Actor,
  postId: number,
): Promise<boolean> {
  const post = await requireVisiblePost(deps.db, actor.id, postId, 'action');
  const media = await mediaOfPosts(deps.db, [post.id]);
  if (!media.some((item) => item.kind === 'video')) {
    throw invalidField('id', 'is a post without video: only videos count views');
  }
  if (post.author_id === actor.id) return false;
  const now = deps.clock.now();
  return inTransaction(deps.db, async (trx) => {
    const added = await insertPostView(
      trx,
      post.id,
      actor.id,
      now.toISOString().slice(0, 10),
      toDbTime(now),
    );
    if (added) await adjustPostCounter(trx, post.id, 'view_count', 1);
    return added;
  });
}
