import type { AppDeps } from '../../deps.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { inTransaction } from '../../db/transaction.js';
import { toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { badRequest, type FieldError, forbidden, notFound } from '../../http/errors.js';
import { setPostHashtags } from '../hashtags/hashtags.service.js';
import { locationExists } from '../locations/locations.service.js';
import {
  assertMediaReady,
  attachToPost,
  fileKeysOfPost,
  findMediaForAttach,
} from '../media/media.service.js';
import { afterTimelineChange, inPostCreated, inPostDeleted } from '../timeline/timeline.service.js';
import { countPost } from '../users/profile-counters.js';
import { hydratePosts } from './post-hydration.js';
import type { PostRow } from './post-row.js';
import type { CreatePostInput, PostDto, UpdatePostInput } from './posts.schema.js';
import {
  deletePost as deletePostRow,
  findPostWithAccess,
  insertPost,
  lockPost,
  updatePost as updatePostRow,
} from './posts.repository.js';

/**
 * The access rule for one post: 404 when it does not exist or its author is deactivated, 403
 * when the author's account is private and the actor is not an approved follower.
 */
export async function requireVisiblePost(
  db: Executor,
  actorId: number | null,
  postId: number,
): Promise<PostRow> {
  const found = await findPostWithAccess(db, actorId, postId);
  if (!found || !found.author_active) throw notFound('Post');
  if (!Number(found.visible)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  return {
    id: found.id,
    author_id: found.author_id,
    type: found.type,
    caption: found.caption,
    location_id: found.location_id,
    like_count: found.like_count,
    comment_count: found.comment_count,
    created_at: found.created_at,
    updated_at: found.updated_at,
  };
}

/** Re-reads (and on MySQL locks) a post inside a write; 404 if it was deleted meanwhile. */
export async function lockVisiblePost(trx: Trx, postId: number): Promise<PostRow> {
  const row = await lockPost(trx, postId);
  if (!row) throw notFound('Post');
  return row;
}

export async function postView(
  deps: AppDeps,
  actorId: number | null,
  row: PostRow,
): Promise<PostDto> {
  const [post] = await hydratePosts(deps, actorId, [row]);
  return post!;
}

export async function getPost(deps: AppDeps, actorId: number | null, postId: number) {
  return postView(deps, actorId, await requireVisiblePost(deps.db, actorId, postId));
}

/** Why each requested media cannot be attached, read before the claim for useful messages. */
async function mediaProblems(
  trx: Trx,
  actorId: number,
  ids: number[],
  type: 'post' | 'reel',
): Promise<FieldError[]> {
  const rows = new Map((await findMediaForAttach(trx, ids)).map((row) => [row.id, row]));
  assertMediaReady(
    [...rows.values()].filter((m) => m.owner_id === actorId),
    'media_ids',
  );
  const problems: string[] = [];
  for (const id of ids) {
    const media = rows.get(id);
    if (!media || media.owner_id !== actorId) problems.push(`media ${id} does not exist`);
    else if (media.post_id !== null || media.story_id !== null)
      problems.push(`media ${id} is already used by a post or story`);
  }
  if (type === 'reel' && (ids.length !== 1 || rows.get(ids[0]!)?.kind !== 'video')) {
    problems.push('a reel has exactly one video');
  }
  return problems.map((message) => ({ field: 'media_ids', message }));
}

export async function createPost(
  deps: AppDeps,
  actor: Actor,
  input: CreatePostInput,
): Promise<PostDto> {
  const mediaIds = input.media_ids.map(Number);
  const type = input.type ?? 'post';
  const caption = input.caption ?? '';
  const locationId = input.location_id === undefined ? null : Number(input.location_id);
  const now = toDbTime(deps.clock.now());
  const row = await inTransaction(deps.db, async (trx) => {
    const problems = await mediaProblems(trx, actor.id, mediaIds, type);
    if (locationId !== null && !(await locationExists(trx, locationId))) {
      problems.push({ field: 'location_id', message: `location ${locationId} does not exist` });
    }
    if (problems.length > 0) throw invalid(problems);
    const values = {
      author_id: actor.id,
      type,
      caption,
      location_id: locationId,
      created_at: now,
      updated_at: now,
    };
    // Counted first, as in deletePost: the author's profile row is locked before the posts row.
    await countPost(trx, actor.id, 1);
    const id = await insertPost(trx, values);
    // A concurrent request may have claimed some of the media since they were checked.
    if ((await attachToPost(trx, id, actor.id, mediaIds)) !== mediaIds.length) {
      throw invalid([{ field: 'media_ids', message: 'some media were just used elsewhere' }]);
    }
    await setPostHashtags(trx, id, caption, { replace: false });
    await inPostCreated(trx, { id, author_id: actor.id, created_at: now });
    return { id, ...values, like_count: 0, comment_count: 0 };
  });
  afterTimelineChange(deps);
  return postView(deps, actor.id, row);
}

const invalid = (errors: FieldError[]) =>
  badRequest(
    `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
    errors,
  );

async function requireOwnPost(deps: AppDeps, actor: Actor, postId: number): Promise<PostRow> {
  const row = await requireVisiblePost(deps.db, actor.id, postId);
  if (row.author_id !== actor.id) throw forbidden('Only the author may change or delete a post.');
  return row;
}

export async function updatePost(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  input: UpdatePostInput,
): Promise<PostDto> {
  await requireOwnPost(deps, actor, postId);
  const locationId =
    input.location_id === undefined || input.location_id === null
      ? input.location_id
      : Number(input.location_id);
  const row = await inTransaction(deps.db, async (trx) => {
    if (typeof locationId === 'number' && !(await locationExists(trx, locationId))) {
      throw invalid([{ field: 'location_id', message: `location ${locationId} does not exist` }]);
    }
    const current = await lockVisiblePost(trx, postId);
    const patch = {
      ...(input.caption === undefined ? {} : { caption: input.caption }),
      ...(locationId === undefined ? {} : { location_id: locationId }),
      updated_at: toDbTime(deps.clock.now()),
    };
    await updatePostRow(trx, postId, patch);
    if (input.caption !== undefined && input.caption !== current.caption) {
      await setPostHashtags(trx, postId, input.caption, { replace: true });
    }
    return { ...current, ...patch };
  });
  return postView(deps, actor.id, row);
}

/**
 * Deletes the post and (by cascade) its media rows, likes, saves, comments and hashtag links in
 * one transaction; files are removed after the commit, so a failed delete never loses files.
 * Like createPost, it changes posts_count first: the author's profile row is locked before any
 * posts row, the order a follow takes (its timeline backfill reads the author's posts), so
 * the two never wait for each other crosswise on MySQL. A post that is gone rolls it back.
 */
export async function deletePost(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  onFileError: (error: unknown, keys: string[]) => void,
): Promise<void> {
  await requireOwnPost(deps, actor, postId);
  const keys = await inTransaction(deps.db, async (trx) => {
    await countPost(trx, actor.id, -1);
    await lockVisiblePost(trx, postId);
    const mediaKeys = await fileKeysOfPost(trx, postId);
    if (!(await deletePostRow(trx, postId))) throw notFound('Post');
    await inPostDeleted(trx, postId, actor.id);
    return mediaKeys;
  });
  // The post is gone either way; a storage hiccup only leaves files to clean up, not a 500.
  await deps.storage.delete(keys).catch((error: unknown) => onFileError(error, keys));
}
