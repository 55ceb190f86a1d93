import type { AppDeps } from '../../deps.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { inTransaction } from '../../db/transaction.js';
import { toDbTime, toIso } from '../../db/time.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import type { Actor } from '../../http/auth.js';
import {
  badRequest,
  blocked,
  type FieldError,
  forbidden,
  invalidField,
  notFound,
} from '../../http/errors.js';
import { setPostHashtags } from '../hashtags/hashtags.service.js';
import { locationExists } from '../locations/locations.service.js';
import { mentionedIds, resolveMentions } from '../mentions/mentions.service.js';
import { announce, mentionsWithdrawn, notify } from '../notifications/notifications.service.js';
import {
  assertMediaReady,
  attachToPost,
  fileKeysOfPost,
  findMediaForAttach,
  mediaOfPostForEdit,
  replacePostMedia,
  setAltText,
} from '../media/media.service.js';
import { setPostTags } from '../tags/tags.service.js';
import { afterTimelineChange, inPostCreated, inPostDeleted } from '../timeline/timeline.service.js';
import { countPost } from '../users/profile-counters.js';
import { hydratePosts } from './post-hydration.js';
import { postCursorOf, type PostRow } from './post-row.js';
import type { CreatePostInput, PostDto, PostVersionDto, UpdatePostInput } from './posts.schema.js';
import {
  archivedPostsPage,
  deletePost as deletePostRow,
  findPostTime,
  findPostWithAccess,
  insertPost,
  findPostAuthor,
  insertPostVersion,
  lockPost,
  postVersionsPage,
  updatePost as updatePostRow,
} from './posts.repository.js';

/**
 * The access rule for one post: 404 when it does not exist or its author is deactivated, 403
 * when the author's account is private and the actor is not an approved follower. Across a
 * block the post does not exist (404) when it is looked up, and an action on it (like,
 * comment) is 403 `blocked`.
 */
export async function requireVisiblePost(
  db: Executor,
  actorId: number | null,
  postId: number,
  purpose: 'lookup' | 'action' = 'lookup',
): Promise<PostRow> {
  const found = await findPostWithAccess(db, actorId, postId);
  if (!found) throw notFound('Post');
  const { author_active: authorActive, visible, unblocked, ...row } = found;
  // An archived post exists for its author only.
  if (!authorActive || (row.archived_at !== null && row.author_id !== actorId)) {
    throw notFound('Post');
  }
  if (!Number(unblocked)) throw purpose === 'action' ? blocked() : notFound('Post');
  if (!Number(visible)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  return row;
}

/** The created_at of a post (for keyset positions named by id); undefined if it never existed. */
export const postTime = (db: Executor, postId: number) => findPostTime(db, postId);

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
  const altTexts = altTextChanges(input.alt_texts, mediaIds);
  const type = input.type ?? 'post';
  const caption = input.caption ?? '';
  const locationId = input.location_id === undefined ? null : Number(input.location_id);
  const now = toDbTime(deps.clock.now());
  const { row, notified } = await inTransaction(deps.db, async (trx) => {
    const problems = await mediaProblems(trx, actor.id, mediaIds, type);
    if (locationId !== null && !(await locationExists(trx, locationId))) {
      problems.push({ field: 'location_id', message: `location ${locationId} does not exist` });
    }
    if (problems.length > 0) throw invalid(problems);
    const mentions = await resolveMentions(trx, caption, actor.id, 'caption');
    const values = {
      author_id: actor.id,
      type,
      caption,
      location_id: locationId,
      comments_disabled: input.comments_disabled ? 1 : 0,
      hide_like_count: input.hide_like_count ? 1 : 0,
      created_at: now,
      updated_at: now,
      edited_at: null,
      archived_at: null,
      mentions: mentions.stored,
    };
    // Counted first, as in deletePost: the author's profile row is locked before the posts row.
    await countPost(trx, actor.id, 1);
    const id = await insertPost(trx, values);
    // A concurrent request may have claimed some of the media since they were checked.
    if ((await attachToPost(trx, id, actor.id, mediaIds)) !== mediaIds.length) {
      throw invalid([{ field: 'media_ids', message: 'some media were just used elsewhere' }]);
    }
    for (const [mediaId, text] of altTexts) await setAltText(trx, id, mediaId, text);
    await setPostHashtags(trx, id, caption, { replace: false });
    await inPostCreated(trx, { id, author_id: actor.id, created_at: now });
    const notified = await notifyMentioned(trx, now, actor.id, id, mentions.notifiable);
    if (input.tags) notified.push(...(await setPostTags(trx, now, actor.id, id, input.tags)));
    return {
      row: { id, ...values, like_count: 0, comment_count: 0, view_count: 0 },
      notified,
    };
  });
  announce(deps, notified);
  afterTimelineChange(deps);
  return postView(deps, actor.id, row);
}

const notifyMentioned = (
  trx: Trx,
  now: string,
  actorId: number,
  postId: number,
  recipients: readonly number[],
) =>
  notify(
    trx,
    now,
    recipients.map((recipientId) => ({ type: 'mention', recipientId, actorId, postId })),
  );

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

/** Alt texts by media id; each must name one of `mediaIds` (the post's media after the change). */
function altTextChanges(
  entries: { media_id: string; alt_text: string | null }[] | undefined,
  mediaIds: readonly number[],
): Map<number, string | null> {
  const changes = new Map<number, string | null>();
  for (const entry of entries ?? []) {
    const id = Number(entry.media_id);
    if (!mediaIds.includes(id)) {
      throw invalidField('alt_texts', `media ${entry.media_id} is not a media item of this post`);
    }
    if (changes.has(id)) throw invalidField('alt_texts', `media ${entry.media_id} appears twice`);
    changes.set(id, entry.alt_text?.trim() ? entry.alt_text.trim() : null);
  }
  return changes;
}

/**
 * Edits a post (author only). Caption, location and media changes store the version they
 * replace and set `edited_at`; the switches and alt texts do not make a version. Media left
 * out of `media_ids` are deleted with their files after commit.
 */
export async function updatePost(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  input: UpdatePostInput,
  onFileError: (error: unknown, keys: string[]) => void = () => undefined,
): Promise<PostDto> {
  await requireOwnPost(deps, actor, postId);
  const locationId =
    input.location_id === undefined || input.location_id === null
      ? input.location_id
      : Number(input.location_id);
  const now = toDbTime(deps.clock.now());
  const { row, removedFiles, notified } = await inTransaction(deps.db, async (trx) => {
    if (typeof locationId === 'number' && !(await locationExists(trx, locationId))) {
      throw invalid([{ field: 'location_id', message: `location ${locationId} does not exist` }]);
    }
    const current = await lockVisiblePost(trx, postId);
    const media = await mediaOfPostForEdit(trx, postId);
    const currentIds = media.map((m) => m.id);
    const newIds = input.media_ids?.map(Number) ?? currentIds;
    const altTexts = altTextChanges(input.alt_texts, newIds);
    const mediaChanged = newIds.join() !== currentIds.join();
    let removedFiles: string[] = [];
    if (mediaChanged) {
      const added = newIds.filter((id) => !currentIds.includes(id));
      const problems = await mediaProblems(trx, actor.id, added, 'post');
      if (current.type === 'reel' && (newIds.length !== 1 || added.length > 0)) {
        problems.push({ field: 'media_ids', message: 'a reel keeps exactly its one video' });
      }
      if (problems.length > 0) throw invalid(problems);
      const remove = media.filter((m) => !newIds.includes(m.id));
      const files = await replacePostMedia(trx, postId, actor.id, {
        order: newIds,
        add: added,
        remove,
      });
      if (files === null) {
        throw invalid([{ field: 'media_ids', message: 'some media were just used elsewhere' }]);
      }
      removedFiles = files;
    }
    for (const [mediaId, text] of altTexts) await setAltText(trx, postId, mediaId, text);

    const captionChanged = input.caption !== undefined && input.caption !== current.caption;
    const locationChanged = locationId !== undefined && locationId !== current.location_id;
    const versioned = captionChanged || locationChanged || mediaChanged;
    if (versioned) {
      await insertPostVersion(trx, {
        post_id: postId,
        caption: current.caption,
        location_id: current.location_id,
        media_ids: JSON.stringify(currentIds),
        created_at: current.edited_at ?? current.created_at,
      });
    }
    const mentions = captionChanged
      ? await resolveMentions(trx, input.caption!, actor.id, 'caption')
      : null;
    const patch = {
      ...(input.caption === undefined ? {} : { caption: input.caption }),
      ...(mentions === null ? {} : { mentions: mentions.stored }),
      ...(locationId === undefined ? {} : { location_id: locationId }),
      ...(input.comments_disabled === undefined
        ? {}
        : { comments_disabled: input.comments_disabled ? 1 : 0 }),
      ...(input.hide_like_count === undefined
        ? {}
        : { hide_like_count: input.hide_like_count ? 1 : 0 }),
      ...(versioned ? { edited_at: now } : {}),
      updated_at: now,
    };
    await updatePostRow(trx, postId, patch);
    if (captionChanged) await setPostHashtags(trx, postId, input.caption!, { replace: true });
    // Only the newly mentioned hear of an edit; those no longer mentioned lose the notification.
    const before = mentionedIds(current.mentions);
    const newlyMentioned = (mentions?.notifiable ?? []).filter((id) => !before.has(id));
    const notified = await notifyMentioned(trx, now, actor.id, postId, newlyMentioned);
    if (mentions !== null) {
      const after = mentionedIds(mentions.stored);
      await mentionsWithdrawn(
        trx,
        postId,
        [...before].filter((id) => !after.has(id)),
      );
    }
    if (input.tags) notified.push(...(await setPostTags(trx, now, actor.id, postId, input.tags)));
    return { row: { ...current, ...patch }, removedFiles, notified };
  });
  announce(deps, notified);
  if (removedFiles.length > 0) {
    await deps.storage
      .delete(removedFiles)
      .catch((error: unknown) => onFileError(error, removedFiles));
  }
  return postView(deps, actor.id, row);
}

/**
 * A post's versions, newest first: the current one (on the first page), then those its edits
 * replaced. Author only, as on Instagram; others get 404.
 */
export async function postHistory(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostVersionDto>> {
  const post = await requireVisiblePost(deps.db, actor.id, postId);
  if (post.author_id !== actor.id) throw notFound('Post');
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['id']);
  const firstPage = cursor === null;
  const [rows, media] = await Promise.all([
    postVersionsPage(deps.db, postId, cursor?.[0] ?? null, firstPage ? limit - 1 : limit),
    firstPage ? mediaOfPostForEdit(deps.db, postId) : Promise.resolve([]),
  ]);
  const page = splitPage(rows, firstPage ? limit - 1 : limit, (row) => [row.id]);
  const versions: PostVersionDto[] = page.rows.map((row) => ({
    caption: row.caption,
    location_id: row.location_id === null ? null : String(row.location_id),
    media_ids: (JSON.parse(row.media_ids) as number[]).map(String),
    edited_at: toIso(row.created_at),
    current: false,
  }));
  if (firstPage) {
    versions.unshift({
      caption: post.caption,
      location_id: post.location_id === null ? null : String(post.location_id),
      media_ids: media.map((m) => String(m.id)),
      edited_at: toIso(post.edited_at ?? post.created_at),
      current: true,
    });
  }
  return { data: versions, next_cursor: page.next_cursor };
}

/**
 * Archives (or restores) the actor's post: while archived only its author sees it, and it
 * does not count in the profile's posts. Doing it twice changes nothing more.
 */
export async function setPostArchived(
  deps: AppDeps,
  actor: Actor,
  postId: number,
  archived: boolean,
): Promise<PostDto> {
  await requireOwnPost(deps, actor, postId);
  const row = await inTransaction(deps.db, async (trx) => {
    const before = await lockVisiblePost(trx, postId);
    if ((before.archived_at !== null) === archived) return before;
    // Profile row before the posts row, the lock order createPost and deletePost keep.
    await countPost(trx, actor.id, archived ? -1 : 1);
    const patch = { archived_at: archived ? toDbTime(deps.clock.now()) : null };
    await updatePostRow(trx, postId, { ...patch, updated_at: before.updated_at });
    if (archived) await inPostDeleted(trx, postId, actor.id);
    else await inPostCreated(trx, before);
    return { ...before, ...patch };
  });
  afterTimelineChange(deps);
  return postView(deps, actor.id, row);
}

export async function listArchivedPosts(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PostDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const rows = await archivedPostsPage(deps.db, actor.id, cursor, limit);
  const page = splitPage(rows, limit, postCursorOf);
  return { data: await hydratePosts(deps, actor.id, page.rows), next_cursor: page.next_cursor };
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
  await removePost(deps, actor.id, postId, onFileError);
}

/**
 * A moderator's removal (remove_content): the same delete as the author's, whoever can see
 * the post. 404 when it is already gone.
 */
export async function removePostAsModerator(
  deps: AppDeps,
  postId: number,
  onFileError: (error: unknown, keys: string[]) => void,
): Promise<void> {
  const authorId = await findPostAuthor(deps.db, postId);
  if (authorId === undefined) throw notFound('Post');
  await removePost(deps, authorId, postId, onFileError);
}

async function removePost(
  deps: AppDeps,
  authorId: number,
  postId: number,
  onFileError: (error: unknown, keys: string[]) => void,
): Promise<void> {
  const keys = await inTransaction(deps.db, async (trx) => {
    await countPost(trx, authorId, -1);
    await lockVisiblePost(trx, postId);
    const mediaKeys = await fileKeysOfPost(trx, postId);
    if (!(await deletePostRow(trx, postId))) throw notFound('Post');
    await inPostDeleted(trx, postId, authorId);
    return mediaKeys;
  });
  // The post is gone either way; a storage hiccup only leaves files to clean up, not a 500.
  await deps.storage.delete(keys).catch((error: unknown) => onFileError(error, keys));
}
