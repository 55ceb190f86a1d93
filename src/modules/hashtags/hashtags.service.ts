import type { Expression, SqlBool } from 'kysely';
import type { Trx } from '../../db/transaction.js';
import { extractHashtags, normalizeHashtag } from './hashtags.js';
import {
  linkPostHashtags,
  taggedWith,
  unlinkPostHashtags,
  upsertHashtags,
} from './hashtags.repository.js';

export { extractHashtags, normalizeHashtag };

/** Replaces a post's hashtags with those of `caption`, inside the caller's transaction. */
export async function setPostHashtags(
  trx: Trx,
  postId: number,
  caption: string,
  { replace }: { replace: boolean },
): Promise<void> {
  if (replace) await unlinkPostHashtags(trx, postId);
  const ids = await upsertHashtags(trx, extractHashtags(caption));
  await linkPostHashtags(trx, postId, ids);
}

/** List filter for `?hashtag=`: accepts the name with or without `#`, in any case. */
export function postHasHashtag(postIdColumn: string, raw: string): Expression<SqlBool> {
  return taggedWith(postIdColumn, normalizeHashtag(raw.replace(/^#/, '')));
}
