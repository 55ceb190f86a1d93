import type { AppDeps } from '../../deps.js';
import { addSeconds, toDbTime } from '../../db/time.js';
import { forbidden, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { postHasHashtag, requireHashtag } from '../hashtags/hashtags.service.js';
import { taggedIn } from '../tags/tag-json.js';
import { canSee, loadOwnerVisibilityByUsername } from '../users/visibility.js';
import { hydratePosts } from './post-hydration.js';
import { postCursorOf, type PostRow } from './post-row.js';
import type { PostDto, PostListQueryInput, UserPostsQueryInput } from './posts.schema.js';
import { type PostFilters, type PostOrder, postPage, topPostPage } from './posts.repository.js';

/** Loads one page with `load`, then hydrates it: a fixed statement count for any page size. */
export async function hydratedPage<Row extends PostRow>(
  deps: AppDeps,
  actorId: number | null,
  query: { limit?: number; cursor?: string },
  load: (cursor: readonly [string, number] | null, limit: number) => Promise<Row[]>,
  cursorOf: (row: Row) => readonly (string | number)[] = postCursorOf,
): Promise<Page<PostDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const page = splitPage(await load(cursor, limit), limit, cursorOf);
  return { data: await hydratePosts(deps, actorId, page.rows), next_cursor: page.next_cursor };
}

export async function listPosts(
  deps: AppDeps,
  actorId: number | null,
  query: PostListQueryInput,
): Promise<Page<PostDto>> {
  if (
    query.min_likes !== undefined &&
    query.max_likes !== undefined &&
    query.min_likes > query.max_likes
  ) {
    throw invalidField('min_likes', `must not be greater than max_likes (${query.max_likes})`);
  }
  const filters: PostFilters = {
    author: query.author?.toLowerCase(),
    locationId: query.location_id === undefined ? undefined : Number(query.location_id),
    type: query.type,
    tagged: query.hashtag === undefined ? undefined : postHasHashtag('posts.id', query.hashtag),
    captionContains: query.q,
    minLikes: query.min_likes,
    maxLikes: query.max_likes,
    minComments: query.min_comments,
  };
  const ordering = query.ordering ?? '-created_at';
  const order: PostOrder = {
    column: ordering.replace(/^-/, '') as PostOrder['column'],
    direction: ordering.startsWith('-') ? 'desc' : 'asc',
  };
  if (order.column === 'created_at') {
    return hydratedPage(deps, actorId, query, (cursor, limit) =>
      postPage(deps.db, actorId, filters, cursor, limit, order),
    );
  }
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['number', 'id']);
  const rows = await postPage(deps.db, actorId, filters, cursor, limit, order);
  const page = splitPage(rows, limit, (row) => [row[order.column], row.id]);
  return { data: await hydratePosts(deps, actorId, page.rows), next_cursor: page.next_cursor };
}

/** The posts among `ids` that the actor may see, hydrated: a fixed statement count. */
export async function getVisiblePosts(
  deps: AppDeps,
  actorId: number | null,
  ids: readonly number[],
): Promise<PostDto[]> {
  if (ids.length === 0) return [];
  const rows = await postPage(deps.db, actorId, { ids }, null, ids.length);
  return hydratePosts(deps, actorId, rows.slice(0, ids.length));
}

/** A profile's grid: 404 for unknown or deactivated accounts, 403 for private ones to non-followers. */
export async function listUserPosts(
  deps: AppDeps,
  actorId: number | null,
  username: string,
  query: UserPostsQueryInput,
): Promise<Page<PostDto>> {
  const visibility = await loadOwnerVisibilityByUsername(deps.db, actorId, username);
  if (!visibility || !visibility.owner.is_active) throw notFound('User');
  if (!canSee(actorId, visibility.owner, visibility.actorFollowsOwner)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  const filters: PostFilters = { authorId: visibility.owner.id, type: query.type };
  return hydratedPage(deps, actorId, query, (cursor, limit) =>
    postPage(deps.db, actorId, filters, cursor, limit),
  );
}

export const TOP_WINDOW_DAYS = 30;

/**
 * A hashtag page's grid: `recent` newest first; `top` by the explore score over the last
 * TOP_WINDOW_DAYS days. 404 for a tag no post carries.
 */
export async function listHashtagPosts(
  deps: AppDeps,
  actorId: number | null,
  rawName: string,
  query: { ordering?: 'recent' | 'top'; limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  const tagged = postHasHashtag('posts.id', await requireHashtag(deps, rawName));
  if (query.ordering !== 'top') {
    return hydratedPage(deps, actorId, query, (cursor, limit) =>
      postPage(deps.db, actorId, { tagged }, cursor, limit),
    );
  }
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['number', 'id']);
  const since = addSeconds(toDbTime(deps.clock.now()), -TOP_WINDOW_DAYS * 86_400);
  const rows = await topPostPage(deps.db, actorId, tagged, since, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.score, row.id]);
  return { data: await hydratePosts(deps, actorId, page.rows), next_cursor: page.next_cursor };
}

/**
 * A profile's "Tagged" grid: the posts where the account is tagged (approved), that the caller
 * may see, newest first. 404 unknown or deactivated, 403 a private account to non-followers.
 */
export async function listTaggedPosts(
  deps: AppDeps,
  actorId: number | null,
  username: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  const visibility = await loadOwnerVisibilityByUsername(deps.db, actorId, username);
  if (!visibility || !visibility.owner.is_active) throw notFound('User');
  if (!canSee(actorId, visibility.owner, visibility.actorFollowsOwner)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  const filters: PostFilters = { tagged: taggedIn('posts.id', visibility.owner.id) };
  return hydratedPage(deps, actorId, query, (cursor, limit) =>
    postPage(deps.db, actorId, filters, cursor, limit),
  );
}
