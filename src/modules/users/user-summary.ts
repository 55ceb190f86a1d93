import type { Static } from 'typebox';
import { UserSummary } from '../../common.schema.js';
import { compiledQuery } from '../../db/compiled-query.js';
import type { Executor } from '../../db/transaction.js';

export type UserSummaryDto = Static<typeof UserSummary>;
/**
 * The URL of a stored file: plain (public posts, profile images) or, with `signed`, one that
 * expires (private accounts' and stories' media: src/media/signed-url.ts).
 */
export type MediaUrl = (key: string, signed?: boolean) => string;

export interface UserSummaryRow {
  id: number;
  username: string;
  name: string;
  profile_image_key: string | null;
  is_private: number;
}

/** Batch loader used by every list that embeds people: one statement for any number of ids. */
export async function loadUserSummaries(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, UserSummaryRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await userSummariesQuery(db, unique);
  return new Map(rows.map((row) => [row.id, row]));
}

/** What a UserSummaryRow is read from, in a query joining users and profiles. */
export const USER_SUMMARY_COLUMNS = [
  'users.id',
  'users.username',
  'profiles.name',
  'profiles.profile_image_key',
  'profiles.is_private',
] as const;

/**
 * The same summary read along with something else, for a query that joins its author's users
 * row as `author` and profiles row as `author_profile` (a comments page); `authorSummaryOf`
 * reads it back.
 */
export const AUTHOR_SUMMARY_COLUMNS = [
  'author.username as author_username',
  'author_profile.name as author_name',
  'author_profile.profile_image_key as author_profile_image_key',
  'author_profile.is_private as author_is_private',
] as const;

export interface AuthorSummaryColumns {
  author_id: number;
  author_username: string;
  author_name: string;
  author_profile_image_key: string | null;
  author_is_private: number;
}

export const authorSummaryOf = (row: AuthorSummaryColumns): UserSummaryRow => ({
  id: row.author_id,
  username: row.author_username,
  name: row.author_name,
  profile_image_key: row.author_profile_image_key,
  is_private: row.author_is_private,
});

const userSummariesQuery = compiledQuery((db, ids: readonly number[]) =>
  db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(USER_SUMMARY_COLUMNS)
    .where('users.id', 'in', ids),
);

export const toUserSummary = (row: UserSummaryRow, mediaUrl: MediaUrl): UserSummaryDto => ({
  id: String(row.id),
  username: row.username,
  name: row.name,
  profile_image_url: row.profile_image_key ? mediaUrl(row.profile_image_key) : null,
  is_private: Boolean(row.is_private),
});
