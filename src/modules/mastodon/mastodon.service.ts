import type { AppDeps } from '../../deps.js';
import { toDbTime, toIso } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import {
  createComment,
  deleteComment,
  getComment,
  listThread,
  setCommentLike,
} from '../comments/comments.service.js';
import type { CommentDto } from '../comments/comments.schema.js';
import {
  block,
  listBlocks,
  listMutes,
  mute,
  relationsWith,
  unblock,
  unmute,
} from '../blocks/blocks.service.js';
import { explore, homeFeed } from '../feed/feed.service.js';
import {
  approveRequest,
  declineRequest,
  follow,
  listFollows,
  listRequests,
  requestIdFrom,
  unfollow,
} from '../follows/follows.service.js';
import { listLiked, listLikers, setPostLike } from '../likes/likes.service.js';
import { MAX_ALT_TEXT_LENGTH } from '../media/media.schema.js';
import {
  getOwnMedia,
  setProfileImage,
  setUploadAltText,
  uploadMedia,
} from '../media/media.service.js';
import { listPosts, listUserPosts } from '../posts/post-lists.service.js';
import { MAX_CAPTION_LENGTH, type PostDto } from '../posts/posts.schema.js';
import {
  createPost,
  deletePost,
  getPost,
  postHistory,
  updatePost,
} from '../posts/posts.service.js';
import { listSaved, setPostSave } from '../saves/saves.service.js';
import {
  getMe,
  getProfile,
  getProfilesByIds,
  searchUsers,
  updateMe,
} from '../users/users.service.js';
import { loadUserSummaries } from '../users/user-summary.js';
import {
  type AccountEntity,
  commentStatusId,
  commentToStatus,
  type Links,
  parseStatusId,
  postToStatus,
  textToHtml,
  type StatusRef,
  toAccount,
  toCredentialAccount,
  toMediaAttachment,
  toRelationship,
} from './entities.js';
import * as repo from './mastodon.repository.js';
import { newerThan, type PageQuery, pageLimit, postListCursor } from './paging.js';

/** A Mastodon-style client error: `{"error": …}` with this status. */
const unprocessable = (message: string) => new AppError(422, 'validation_failed', message);

export const MAX_MEDIA_ATTACHMENTS = 10;
/** How much of a post's thread GET /statuses/:id/context shows. */
const CONTEXT_LIMIT = 200;

export const linksOf = (deps: AppDeps): Links => ({
  web: deps.config.publicUrl,
  missingAvatar: `${deps.config.publicUrl}/avatars/original/missing.png`,
});

const userId = (raw: string): number => {
  if (!/^\d{1,15}$/.test(raw)) throw notFound('Account');
  return Number(raw);
};

function statusRef(raw: string): StatusRef {
  const ref = parseStatusId(raw);
  if (!ref) throw notFound('Status');
  return ref;
}

// Accounts ------------------------------------------------------------------------------------

async function accountsOf(deps: AppDeps, actorId: number | null, ids: readonly number[]) {
  const profiles = await getProfilesByIds(deps, actorId, ids);
  const links = linksOf(deps);
  return new Map([...profiles].map(([id, profile]) => [id, toAccount(profile, links)]));
}

async function profileOf(deps: AppDeps, actorId: number | null, rawId: string) {
  const id = userId(rawId);
  const profile = (await getProfilesByIds(deps, actorId, [id])).get(id);
  if (!profile) throw notFound('Account');
  return profile;
}

export async function getAccount(deps: AppDeps, actor: Actor | null, id: string) {
  return toAccount(await profileOf(deps, actor?.id ?? null, id), linksOf(deps));
}

/** `acct` is `name` or `name@this-host` (no other servers are known here). */
export async function lookupAccount(deps: AppDeps, actor: Actor | null, acct: string) {
  const username = acct.replace(/^@/, '').split('@')[0] ?? '';
  if (!/^[A-Za-z0-9._]{1,30}$/.test(username)) throw notFound('Account');
  return toAccount(await getProfile(deps, actor, username), linksOf(deps));
}

export async function verifyCredentials(deps: AppDeps, actor: Actor) {
  return toCredentialAccount(await getMe(deps, actor), linksOf(deps));
}

export interface CredentialsUpdate {
  display_name?: unknown;
  note?: unknown;
  locked?: unknown;
  avatar?: unknown;
}

const asBool = (value: unknown): boolean | undefined =>
  value === undefined ? undefined : value === true || value === 'true' || value === '1';

export async function updateCredentials(deps: AppDeps, actor: Actor, input: CredentialsUpdate) {
  const text = (field: string, value: unknown, max: number) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw unprocessable(`Validation failed: ${field} must be text`);
    if (value.length > max) {
      throw unprocessable(`Validation failed: ${field} is too long (maximum is ${max} characters)`);
    }
    return value;
  };
  const patch = {
    name: text('display_name', input.display_name, 50),
    bio: text('note', input.note, 500),
    is_private: asBool(input.locked),
  };
  await updateMe(deps, actor, patch);
  if (typeof input.avatar === 'string') await setProfileImage(deps, actor, input.avatar);
  return verifyCredentials(deps, actor);
}

export async function relationships(deps: AppDeps, actor: Actor, ids: readonly string[]) {
  const numeric = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  const [profiles, relations] = await Promise.all([
    getProfilesByIds(deps, actor.id, numeric),
    relationsWith(deps, actor.id, numeric),
  ]);
  return numeric.flatMap((id) => {
    const profile = profiles.get(id) ?? null;
    const relation = relations.get(id)!;
    // A block hides the profile, yet the client must still learn about the block.
    if (!profile && !relation.blocking && !relation.blockedBy) return [];
    return [toRelationship(String(id), profile, relation)];
  });
}

async function relationshipWith(deps: AppDeps, actor: Actor, id: string) {
  const [relationship] = await relationships(deps, actor, [id]);
  if (!relationship) throw notFound('Account');
  return relationship;
}

export async function setFollow(deps: AppDeps, actor: Actor, id: string, following: boolean) {
  const target = await profileOf(deps, actor.id, id);
  if (following) await follow(deps, actor, target.username);
  else await unfollow(deps, actor, target.username);
  return relationshipWith(deps, actor, id);
}

/** The username of an active account by id, whatever blocks there are (to block or unblock it). */
async function usernameOf(deps: AppDeps, rawId: string): Promise<string> {
  const id = userId(rawId);
  const user = (await loadUserSummaries(deps.db, [id])).get(id);
  if (!user) throw notFound('Account');
  return user.username;
}

export async function setBlock(deps: AppDeps, actor: Actor, id: string, on: boolean) {
  const username = await usernameOf(deps, id);
  if (on) await block(deps, actor, username);
  else await unblock(deps, actor, username);
  return relationshipWith(deps, actor, id);
}

/** Mastodon's mute hides posts (and here stories too); `notifications` is accepted, not kept. */
export async function setMute(deps: AppDeps, actor: Actor, id: string, on: boolean) {
  const username = await usernameOf(deps, id);
  if (on) await mute(deps, actor, username, { posts: true, stories: true });
  else await unmute(deps, actor, username);
  return relationshipWith(deps, actor, id);
}

export async function blockedAccounts(deps: AppDeps, actor: Actor, query: PageQuery) {
  const page = await listBlocks(deps, actor, nativePage(query));
  // Seen as by a visitor: the block itself hides these accounts from the actor's own view.
  return accountPage(deps, null, {
    data: page.data.map((entry) => entry.user),
    next_cursor: page.next_cursor,
  });
}

export async function mutedAccounts(deps: AppDeps, actor: Actor, query: PageQuery) {
  const page = await listMutes(deps, actor, nativePage(query));
  return accountPage(deps, actor.id, {
    data: page.data.map((entry) => entry.user),
    next_cursor: page.next_cursor,
  });
}

export async function accountFollows(
  deps: AppDeps,
  actor: Actor | null,
  id: string,
  side: 'followers' | 'following',
  query: PageQuery,
) {
  const owner = await profileOf(deps, actor?.id ?? null, id);
  const page = await listFollows(deps, actor, owner.username, side, nativePage(query));
  return accountPage(deps, actor?.id ?? null, page);
}

export async function followRequests(deps: AppDeps, actor: Actor, query: PageQuery) {
  const page = await listRequests(deps, actor, nativePage(query));
  return accountPage(deps, actor.id, {
    data: page.data.map((request) => request.user),
    next_cursor: page.next_cursor,
  });
}

/** Authorize or reject the request of account `id`; answers the relationship with it. */
export async function answerFollowRequest(
  deps: AppDeps,
  actor: Actor,
  id: string,
  accept: boolean,
) {
  const requestId = await requestIdFrom(deps, actor, userId(id));
  if (accept) await approveRequest(deps, actor, requestId);
  else await declineRequest(deps, actor, requestId);
  return relationshipWith(deps, actor, id);
}

/**
 * Paging of lists that are not lists of posts (people, bookmarks): only the opaque cursor of
 * this server's own Link header places them; a status id there starts from the top.
 */
const nativePage = (query: PageQuery) => ({
  limit: pageLimit(query),
  cursor: parseStatusId(query.max_id ?? '') ? undefined : query.max_id || undefined,
});

/** A native page of people as Mastodon accounts (with counts): one more statement. */
async function accountPage(
  deps: AppDeps,
  actorId: number | null,
  page: { data: { id: string }[]; next_cursor: string | null },
) {
  const accounts = await accountsOf(
    deps,
    actorId,
    page.data.map((user) => Number(user.id)),
  );
  return {
    items: page.data.flatMap((user) => accounts.get(Number(user.id)) ?? []),
    nextCursor: page.next_cursor,
  };
}

// Statuses ------------------------------------------------------------------------------------

async function statusesOfPosts(deps: AppDeps, actorId: number | null, posts: PostDto[]) {
  const accounts = await accountsOf(
    deps,
    actorId,
    posts.map((post) => Number(post.author.id)),
  );
  const links = linksOf(deps);
  const statuses = posts.flatMap((post) => {
    const account = accounts.get(Number(post.author.id));
    if (!account) return [];
    return [postToStatus(post, account, links)];
  });
  return statuses;
}

export type StatusPage = Awaited<ReturnType<typeof statusesOfPosts>>;

/** How far min_id looks for the page right after it: beyond this many posts it answers the oldest it read. */
const MIN_ID_SCAN_PAGES = 5;

/** One page of a post list in Mastodon's terms (see paging.ts). */
async function postListPage(
  deps: AppDeps,
  actorId: number | null,
  query: PageQuery,
  load: (page: { limit: number; cursor?: string }) => Promise<{
    data: PostDto[];
    next_cursor: string | null;
  }>,
) {
  const limit = pageLimit(query);
  const [cursor, newer] = await Promise.all([
    postListCursor(deps, query.max_id),
    newerThan(deps, query),
  ]);
  if (cursor === null) return { items: [], nextCursor: null };
  if (newer && query.min_id) {
    // min_id: the oldest `limit` posts newer than it (the page right after it), newest first.
    // Lists only walk newest-first, so read down from the top until min_id's post is passed.
    const fresh: PostDto[] = [];
    let from = cursor;
    for (let i = 0; i < MIN_ID_SCAN_PAGES; i++) {
      const page = await load({ limit: 40, cursor: from });
      const kept = page.data.filter(newer);
      fresh.push(...kept);
      if (kept.length < page.data.length || !page.next_cursor) break;
      from = page.next_cursor;
    }
    const items = await statusesOfPosts(deps, actorId, fresh.slice(-limit));
    // Older than this page: from its last status (a status id is a valid max_id).
    return { items, nextCursor: items.at(-1)?.id ?? null };
  }
  const page = await load({ limit, cursor });
  const posts = newer ? page.data.filter(newer) : page.data;
  return {
    items: await statusesOfPosts(deps, actorId, posts),
    nextCursor: posts.length === page.data.length ? page.next_cursor : null,
  };
}

export const homeTimeline = (deps: AppDeps, actor: Actor, query: PageQuery) =>
  postListPage(deps, actor.id, query, (page) => homeFeed(deps, actor, page));

export const publicTimeline = (deps: AppDeps, actor: Actor | null, query: PageQuery) =>
  postListPage(deps, actor?.id ?? null, query, (page) => listPosts(deps, actor?.id ?? null, page));

export async function tagTimeline(
  deps: AppDeps,
  actor: Actor | null,
  tag: string,
  query: PageQuery,
) {
  if (!/^#?[\p{L}\p{M}\p{N}_]{1,100}$/u.test(tag)) return { items: [], nextCursor: null };
  const actorId = actor?.id ?? null;
  return postListPage(deps, actorId, query, (page) =>
    listPosts(deps, actorId, { ...page, hashtag: tag }),
  );
}

export async function accountStatuses(
  deps: AppDeps,
  actor: Actor | null,
  id: string,
  query: PageQuery & { pinned?: boolean; exclude_replies?: boolean; only_media?: boolean },
) {
  const owner = await profileOf(deps, actor?.id ?? null, id);
  // Photogram pins nothing, and every post has media and is a top-level status.
  if (query.pinned) return { items: [], nextCursor: null };
  try {
    return await postListPage(deps, actor?.id ?? null, query, (page) =>
      listUserPosts(deps, actor?.id ?? null, owner.username, page),
    );
  } catch (error) {
    // A private account's posts are simply not listed to others, as on Mastodon.
    if (error instanceof AppError && error.status === 403) return { items: [], nextCursor: null };
    throw error;
  }
}

export async function bookmarks(deps: AppDeps, actor: Actor, query: PageQuery) {
  const page = await listSaved(deps, actor, nativePage(query));
  return { items: await statusesOfPosts(deps, actor.id, page.data), nextCursor: page.next_cursor };
}

export async function favourites(deps: AppDeps, actor: Actor, query: PageQuery) {
  const page = await listLiked(deps, actor, nativePage(query));
  return { items: await statusesOfPosts(deps, actor.id, page.data), nextCursor: page.next_cursor };
}

async function postStatus(deps: AppDeps, actorId: number | null, post: PostDto) {
  const [status] = await statusesOfPosts(deps, actorId, [post]);
  if (!status) throw notFound('Status');
  return status;
}

/** What a comment replies to: its parent comment, or its post. */
async function commentStatus(deps: AppDeps, actorId: number, comment: CommentDto, post?: PostDto) {
  const thePost = post ?? (await getPost(deps, actorId, Number(comment.post_id)));
  const parent =
    comment.parent_id === null ? null : await getComment(deps, actorId, Number(comment.parent_id));
  const accounts = await accountsOf(deps, actorId, [Number(comment.author.id)]);
  const account = accounts.get(Number(comment.author.id));
  if (!account) throw notFound('Status');
  const inReplyTo = parent
    ? { id: commentStatusId(parent.id), accountId: parent.author.id }
    : { id: thePost.id, accountId: thePost.author.id };
  const visibility = thePost.author.is_private ? 'private' : 'public';
  return commentToStatus(comment, account, inReplyTo, visibility, linksOf(deps));
}

export async function getStatus(deps: AppDeps, actor: Actor | null, id: string) {
  const ref = statusRef(id);
  const actorId = actor?.id ?? null;
  if (ref.kind === 'post') return postStatus(deps, actorId, await getPost(deps, actorId, ref.id));
  return commentStatus(deps, actorId ?? 0, await getComment(deps, actorId ?? 0, ref.id));
}

export interface NewStatus {
  status?: unknown;
  media_ids?: unknown;
  in_reply_to_id?: unknown;
}

export async function createStatus(deps: AppDeps, actor: Actor, input: NewStatus) {
  const text = typeof input.status === 'string' ? input.status : '';
  if (text.length > MAX_CAPTION_LENGTH) {
    throw unprocessable(
      `Validation failed: Text character limit of ${MAX_CAPTION_LENGTH} exceeded`,
    );
  }
  const replyTo = input.in_reply_to_id;
  if (replyTo !== undefined && replyTo !== null && replyTo !== '') {
    if (text.trim() === '') throw unprocessable("Validation failed: Text can't be blank");
    const ref = statusRef(String(replyTo));
    if (ref.kind === 'post') {
      const comment = await createComment(deps, actor, ref.id, { text });
      return commentStatus(deps, actor.id, comment);
    }
    const target = await getComment(deps, actor.id, ref.id);
    const comment = await createComment(deps, actor, Number(target.post_id), {
      text,
      parent_id: target.id,
    });
    return commentStatus(deps, actor.id, comment);
  }
  const raw = input.media_ids;
  const mediaIds = (Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw]).map(
    String,
  );
  if (mediaIds.length === 0) {
    throw unprocessable(
      'Validation failed: Photogram posts are photos and videos: attach at least one media_ids (a reply, with in_reply_to_id, may be text only)',
    );
  }
  if (mediaIds.length > MAX_MEDIA_ATTACHMENTS) {
    throw unprocessable(
      `Validation failed: at most ${MAX_MEDIA_ATTACHMENTS} media attachments per status`,
    );
  }
  if (mediaIds.some((id) => !/^\d{1,15}$/.test(id)) || new Set(mediaIds).size !== mediaIds.length) {
    throw unprocessable('Validation failed: media_ids must be distinct ids of your uploads');
  }
  const post = await createPost(deps, actor, { caption: text, media_ids: mediaIds }).catch(
    (error: unknown) => {
      // Mastodon's words and status for media that is still transcoding.
      if (error instanceof AppError && error.code === 'media_not_ready') {
        throw unprocessable(
          'Cannot attach files that have not finished processing. Try again in a moment!',
        );
      }
      throw error;
    },
  );
  return postStatus(deps, actor.id, post);
}

export async function editStatus(deps: AppDeps, actor: Actor, id: string, input: NewStatus) {
  const ref = statusRef(id);
  if (ref.kind !== 'post') throw unprocessable('Comments cannot be edited on Photogram');
  const text = typeof input.status === 'string' ? input.status : undefined;
  if (text !== undefined && text.length > MAX_CAPTION_LENGTH) {
    throw unprocessable(
      `Validation failed: Text character limit of ${MAX_CAPTION_LENGTH} exceeded`,
    );
  }
  const post =
    text === undefined
      ? await getPost(deps, actor.id, ref.id)
      : await updatePost(deps, actor, ref.id, { caption: text });
  return postStatus(deps, actor.id, post);
}

/** Mastodon answers a delete with the deleted status (its `text` lets clients redraft). */
export async function deleteStatus(
  deps: AppDeps,
  actor: Actor,
  id: string,
  onFileError: (error: unknown, keys: string[]) => void,
) {
  const status = await getStatus(deps, actor, id);
  const ref = statusRef(id);
  if (ref.kind === 'post') await deletePost(deps, actor, ref.id, onFileError);
  else await deleteComment(deps, actor, ref.id);
  return status;
}

export async function statusContext(deps: AppDeps, actor: Actor | null, id: string) {
  const ref = statusRef(id);
  const actorId = actor?.id ?? 0;
  const links = linksOf(deps);
  const post =
    ref.kind === 'post'
      ? await getPost(deps, actorId, ref.id)
      : await getPost(deps, actorId, Number((await getComment(deps, actorId, ref.id)).post_id));
  const thread = await listThread(deps, actorId, Number(post.id), CONTEXT_LIMIT);
  const accounts = await accountsOf(deps, actorId, [
    Number(post.author.id),
    ...thread.map((c) => Number(c.author.id)),
  ]);
  const visibility = post.author.is_private ? 'private' : 'public';
  const byId = new Map(thread.map((c) => [c.id, c]));
  const asStatus = (comment: CommentDto) => {
    const account = accounts.get(Number(comment.author.id));
    if (!account) return [];
    const parent = comment.parent_id === null ? undefined : byId.get(comment.parent_id);
    const inReplyTo = parent
      ? { id: commentStatusId(parent.id), accountId: parent.author.id }
      : { id: post.id, accountId: post.author.id };
    return [commentToStatus(comment, account, inReplyTo, visibility, links)];
  };
  if (ref.kind === 'post') {
    return { ancestors: [], descendants: thread.flatMap(asStatus) };
  }
  const comment = byId.get(String(ref.id));
  const parent = comment?.parent_id ? byId.get(comment.parent_id) : undefined;
  const replies = thread.filter(
    (c) => comment && comment.parent_id === null && c.parent_id === comment.id,
  );
  return {
    ancestors: [await postStatus(deps, actorId, post), ...(parent ? asStatus(parent) : [])],
    descendants: replies.flatMap(asStatus),
  };
}

export async function setFavourite(deps: AppDeps, actor: Actor, id: string, on: boolean) {
  const ref = statusRef(id);
  if (ref.kind === 'post') {
    return postStatus(deps, actor.id, await setPostLike(deps, actor, ref.id, on));
  }
  return commentStatus(deps, actor.id, await setCommentLike(deps, actor, ref.id, on));
}

export async function setBookmark(deps: AppDeps, actor: Actor, id: string, on: boolean) {
  const ref = statusRef(id);
  if (ref.kind !== 'post') {
    throw unprocessable('Only posts can be bookmarked on Photogram, not comments');
  }
  return postStatus(deps, actor.id, await setPostSave(deps, actor, ref.id, on));
}

export async function favouritedBy(
  deps: AppDeps,
  actor: Actor | null,
  id: string,
  query: PageQuery,
) {
  const ref = statusRef(id);
  if (ref.kind !== 'post') return { items: [], nextCursor: null };
  const page = await listLikers(deps, actor?.id ?? null, ref.id, nativePage(query));
  return accountPage(deps, actor?.id ?? null, page);
}

/**
 * The versions of a status, oldest first. Its author sees every caption Photogram kept (with
 * the media still attached); others, like comments, have the current version only.
 */
export async function statusHistory(deps: AppDeps, actor: Actor | null, id: string) {
  const status = await getStatus(deps, actor, id);
  const ref = statusRef(id);
  const version = (text: string, createdAt: string, mediaIds?: readonly string[]) => ({
    content: textToHtml(text, linksOf(deps)),
    spoiler_text: '',
    sensitive: false,
    created_at: createdAt,
    account: status.account,
    poll: null,
    media_attachments: mediaIds
      ? status.media_attachments.filter((m) => mediaIds.includes(m.id))
      : status.media_attachments,
    emojis: [],
  });
  if (ref.kind !== 'post' || !actor || status.account.id !== String(actor.id)) {
    return [version(status.text, status.edited_at ?? status.created_at)];
  }
  const versions = await postHistory(deps, actor, ref.id, { limit: 40 });
  return versions.data.map((v) => version(v.caption, v.edited_at, v.media_ids)).reverse();
}

// Trends --------------------------------------------------------------------------------------

/** Explore's most engaging recent posts, as Mastodon's trending statuses. */
export async function trendingStatuses(deps: AppDeps, actor: Actor, query: { limit?: number }) {
  const page = await explore(deps, actor, { limit: pageLimit(query) });
  return statusesOfPosts(deps, actor.id, page.data);
}

/** The hashtags of explore's posts, most used first: what is trending on Photogram now. */
export async function trendingTags(deps: AppDeps, actor: Actor, query: { limit?: number }) {
  const page = await explore(deps, actor, { limit: 40 });
  const uses = new Map<string, { uses: number; accounts: Set<string> }>();
  for (const post of page.data) {
    for (const tag of post.hashtags) {
      const entry = uses.get(tag) ?? { uses: 0, accounts: new Set<string>() };
      entry.uses += 1;
      entry.accounts.add(post.author.id);
      uses.set(tag, entry);
    }
  }
  const day = String(Math.floor(deps.clock.now().getTime() / 86_400_000) * 86_400);
  return [...uses]
    .sort((a, b) => b[1].uses - a[1].uses || a[0].localeCompare(b[0]))
    .slice(0, Math.min(query.limit ?? 10, 20))
    .map(([name, entry]) => ({
      name,
      url: `${linksOf(deps).web}/tags/${encodeURIComponent(name)}`,
      history: [{ day, uses: String(entry.uses), accounts: String(entry.accounts.size) }],
    }));
}

// Media ---------------------------------------------------------------------------------------

const FOCUS = /^(-?(?:0|1)(?:\.\d+)?),(-?(?:0|1)(?:\.\d+)?)$/;

/**
 * `description` is the media's alt text (shared with the native API). `focus` is checked and
 * accepted but not kept: Photogram crops nothing by focal point.
 */
function altTextOf(input: { description?: unknown; focus?: unknown }): string | null | undefined {
  const focus = typeof input.focus === 'string' && input.focus !== '' ? input.focus : undefined;
  if (focus !== undefined) {
    const m = FOCUS.exec(focus);
    if (!m || Math.abs(Number(m[1])) > 1 || Math.abs(Number(m[2])) > 1) {
      throw unprocessable('Validation failed: focus must be "x,y" with each between -1.0 and 1.0');
    }
  }
  if (typeof input.description !== 'string') return undefined;
  const text = input.description.trim();
  if (text.length > MAX_ALT_TEXT_LENGTH) {
    throw unprocessable(
      `Validation failed: description is too long (maximum is ${MAX_ALT_TEXT_LENGTH} characters)`,
    );
  }
  return text === '' ? null : text;
}

export async function uploadMastodonMedia(
  deps: AppDeps,
  actor: Actor,
  input: { file?: unknown; description?: unknown; focus?: unknown },
) {
  if (typeof input.file !== 'string') {
    throw unprocessable('Validation failed: file is required (a multipart part named "file")');
  }
  const altText = altTextOf(input);
  const media = await uploadMedia(deps, actor, input.file);
  if (altText === undefined) return toMediaAttachment(media);
  return toMediaAttachment(await setUploadAltText(deps, actor, Number(media.id), altText));
}

export async function getMastodonMedia(deps: AppDeps, actor: Actor, id: string) {
  const media = await getOwnMedia(deps, actor, userId(id));
  if (media.status === 'failed') {
    throw unprocessable(media.failure_reason ?? 'The media could not be processed.');
  }
  return toMediaAttachment(media);
}

export async function updateMastodonMedia(
  deps: AppDeps,
  actor: Actor,
  id: string,
  input: { description?: unknown; focus?: unknown },
) {
  const altText = altTextOf(input);
  const media =
    altText === undefined
      ? await getOwnMedia(deps, actor, userId(id))
      : await setUploadAltText(deps, actor, userId(id), altText);
  return toMediaAttachment(media);
}

// Markers -------------------------------------------------------------------------------------

const MARKER_TIMELINES = ['home', 'notifications'];

export async function getMarkers(deps: AppDeps, actor: Actor, timelines: readonly string[]) {
  const wanted = timelines.filter((name) => MARKER_TIMELINES.includes(name));
  const rows = wanted.length > 0 ? await repo.findMarkers(deps.db, actor.id, wanted) : [];
  return Object.fromEntries(
    rows.map((row) => [
      row.timeline,
      { last_read_id: row.last_read_id, version: row.version, updated_at: toIso(row.updated_at) },
    ]),
  );
}

/** `{home: {last_read_id}}` (JSON) or `home[last_read_id]=…` (a form). */
export async function saveMarkers(deps: AppDeps, actor: Actor, input: Record<string, unknown>) {
  const saved: string[] = [];
  for (const timeline of MARKER_TIMELINES) {
    const nested = input[timeline] as { last_read_id?: unknown } | undefined;
    const raw = nested?.last_read_id ?? input[`${timeline}[last_read_id]`];
    if (raw === undefined) continue;
    const lastReadId = String(raw);
    if (!/^\d{1,20}$/.test(lastReadId)) {
      throw unprocessable(`Validation failed: ${timeline}.last_read_id must be a status id`);
    }
    await repo.saveMarker(deps.db, actor.id, timeline, lastReadId, toDbTime(deps.clock.now()));
    saved.push(timeline);
  }
  return getMarkers(deps, actor, saved);
}

// Search --------------------------------------------------------------------------------------

export async function search(
  deps: AppDeps,
  actor: Actor,
  query: { q: string; type?: string; limit?: number },
) {
  const limit = pageLimit(query);
  const q = query.q.trim();
  const wants = (type: string) => query.type === undefined || query.type === type;
  const accountQuery = q.replace(/^@/, '').split('@')[0] ?? '';
  const [users, posts] = await Promise.all([
    wants('accounts') && accountQuery.length > 0 && accountQuery.length <= 50
      ? searchUsers(deps, actor, { q: accountQuery, limit })
      : { data: [] },
    wants('statuses') && q.length > 0 && q.length <= 100
      ? listPosts(deps, actor.id, { q, limit })
      : { data: [] as PostDto[] },
  ]);
  const tag = q.replace(/^#/, '');
  const [accounts, statuses] = await Promise.all([
    accountsOf(
      deps,
      actor.id,
      users.data.map((u) => Number(u.id)),
    ),
    statusesOfPosts(deps, actor.id, posts.data),
  ]);
  return {
    accounts: users.data.flatMap((u) => accounts.get(Number(u.id)) ?? []),
    statuses,
    hashtags:
      wants('hashtags') && /^[\p{L}\p{M}\p{N}_]{1,100}$/u.test(tag)
        ? [
            {
              name: tag.toLowerCase(),
              url: `${linksOf(deps).web}/tags/${tag.toLowerCase()}`,
              history: [],
            },
          ]
        : [],
  };
}

export type { AccountEntity };
