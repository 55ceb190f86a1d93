import type { AppDeps } from '../../deps.js';
import { toIso } from '../../db/time.js';
import { extractHashtags } from '../hashtags/hashtags.service.js';
import { mentionsOf } from '../mentions/mentions.service.js';
import { tagsFromJson } from '../tags/tag-json.js';
import { loadLocations } from '../locations/locations.service.js';
import { toMediaDto } from '../media/media.schema.js';
import { mediaOfPosts, type PostMediaRow } from '../media/media.service.js';
import type { LocationDto } from '../locations/locations.schema.js';
import {
  loadUserSummaries,
  type MediaUrl,
  toUserSummary,
  type UserSummaryRow,
} from '../users/user-summary.js';
import { actorPostFlags } from './actor-post-flags.js';
import type { PostRow } from './post-row.js';
import type { PostDto } from './posts.schema.js';

/**
 * Turns post rows into Posts for one actor with a fixed number of statements whatever the
 * number of rows: authors, media, locations, and the liked/saved flags in one statement (only for a signed-in actor),
 * run concurrently. The count never depends on the data either, so tests can pin it. Hashtags come from the caption itself: they
 * are extracted by the same function that filled post_hashtags when the caption was written.
 */
export async function hydratePosts(
  deps: AppDeps,
  actorId: number | null,
  rows: readonly PostRow[],
): Promise<PostDto[]> {
  if (rows.length === 0) return [];
  const { db, mediaUrl } = deps;
  const postIds = rows.map((row) => row.id);
  const locationIds = rows.flatMap((row) => (row.location_id === null ? [] : [row.location_id]));
  const [authors, media, locations, flags] = await Promise.all([
    loadUserSummaries(
      db,
      rows.map((row) => row.author_id),
    ),
    mediaOfPosts(db, postIds),
    loadLocations(db, locationIds),
    actorPostFlags(db, actorId, postIds),
  ]);
  const mediaByPost = new Map<number, PostMediaRow[]>();
  for (const item of media) {
    const list = mediaByPost.get(item.post_id!) ?? [];
    list.push(item);
    mediaByPost.set(item.post_id!, list);
  }
  return rows.map((row) => {
    const author = authors.get(row.author_id);
    if (!author) throw new Error(`post ${row.id}: author ${row.author_id} has no profile`);
    return toPostDto(row, {
      author,
      media: mediaByPost.get(row.id) ?? [],
      location: row.location_id === null ? null : (locations.get(row.location_id) ?? null),
      liked: flags.liked.has(row.id),
      saved: flags.saved.has(row.id),
      actorId,
      mediaUrl,
    });
  });
}

/** What a Post is made of besides its row. */
export interface PostParts {
  author: UserSummaryRow;
  media: readonly PostMediaRow[];
  location: LocationDto | null;
  liked: boolean;
  saved: boolean;
  actorId: number | null;
  mediaUrl: MediaUrl;
}

/** A post row and its parts as the API's Post (a plain function: the raw bench server uses it too). */
export function toPostDto(row: PostRow, parts: PostParts): PostDto {
  const { author, media, actorId, mediaUrl } = parts;
  return {
    id: String(row.id),
    type: row.type,
    caption: row.caption,
    author: toUserSummary(author, mediaUrl),
    media: media.map((item) => ({
      // Plain URLs only for what GET /media serves plainly (isPlainlyServable): a public
      // account's live post; an archived one is seen by its author only.
      ...toMediaDto(item, mediaUrl, Boolean(author.is_private) || row.archived_at !== null),
      tags: tagsFromJson(item.tags_json, mediaUrl),
    })),
    location: parts.location,
    hashtags: extractHashtags(row.caption),
    like_count: row.hide_like_count && row.author_id !== actorId ? null : row.like_count,
    mentions: mentionsOf(row.mentions),
    comment_count: row.comment_count,
    view_count: media.some((m) => m.kind === 'video') ? row.view_count : null,
    liked_by_me: parts.liked,
    saved_by_me: parts.saved,
    comments_disabled: Boolean(row.comments_disabled),
    hide_like_count: Boolean(row.hide_like_count),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    edited_at: row.edited_at === null ? null : toIso(row.edited_at),
    archived_at: row.archived_at === null ? null : toIso(row.archived_at),
  };
}
