import type { Expression, SqlBool } from 'kysely';
import type { AppDeps } from '../../deps.js';
import type { Trx } from '../../db/transaction.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.js';
import type { HashtagDto, HashtagSummaryDto } from './hashtags.schema.js';
import { extractHashtags, normalizeHashtag } from './hashtags.js';
import {
  findHashtag,
  hashtagsByPrefix,
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

/** A tag as typed in a URL or search box: without `#`, folded as stored. */
const nameOf = (raw: string) => normalizeHashtag(raw.replace(/^#/, ''));

/** 404 for a tag no post ever carried. */
export async function getHashtag(deps: AppDeps, raw: string): Promise<HashtagDto> {
  const found = await findHashtag(deps.db, nameOf(raw));
  if (!found) throw notFound('Hashtag');
  return { name: found.name, post_count: Number(found.post_count ?? 0), is_following: false };
}

/** Tags by prefix, most used first, in one statement per page. */
export async function searchHashtags(
  deps: AppDeps,
  query: { q: string; limit?: number; cursor?: string },
): Promise<Page<HashtagSummaryDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['number', 'text']);
  const rows = await hashtagsByPrefix(deps.db, nameOf(query.q), cursor, limit + 1);
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return {
    data,
    next_cursor: rows.length > limit && last ? encodeCursor([last.post_count, last.name]) : null,
  };
}

/** The folded name of a tag that exists (404 otherwise), for its posts. */
export async function requireHashtag(deps: AppDeps, raw: string): Promise<string> {
  return (await getHashtag(deps, raw)).name;
}
