import type { Post } from '../../db/types.js';

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
] as const;

/** The list order everywhere: newest first, ties broken by id. */
export const postCursorOf = (row: PostRow) => [row.created_at, row.id] as const;
