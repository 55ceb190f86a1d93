import { type Expression, type SqlBool, sql } from 'kysely';
import type { Post } from '../../db/types.js';
import { visibleAuthor } from '../users/visibility.js';

/** What every post query selects: enough to hydrate a Post without reading the row again. */
export type PostRow = Omit<Post, 'deleted_at'>;

export const POST_COLUMNS = [
  'posts.id',
  'posts.author_id',
  'posts.type',
  'posts.caption',
  'posts.location_id',
  'posts.like_count',
  'posts.comment_count',
  'posts.created_at',
  'posts.updated_at',
  'posts.edited_at',
  'posts.archived_at',
  'posts.comments_disabled',
  'posts.hide_like_count',
  'posts.view_count',
  'posts.mentions',
] as const;

/** The list order everywhere: newest first, ties broken by id. */
export const postCursorOf = (row: PostRow) => [row.created_at, row.id] as const;

/**
 * `visibleAuthor` as a per-row check for lists that walk posts in time order and stop after a
 * page. As a bare top-level EXISTS, MariaDB turns it into a semi-join that drives the query
 * from all visible users (reading and sorting every post); compared with 1 it stays a
 * dependent subquery, evaluated only for the rows the index walk reaches. SQLite plans it
 * the same either way.
 */
export const visibleAuthorPerRow = (
  actorId: number | null,
  authorColumn: string,
): Expression<SqlBool> => sql<SqlBool>`(${visibleAuthor(actorId, authorColumn)}) = 1`;
