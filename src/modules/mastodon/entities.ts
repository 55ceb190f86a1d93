import type { CommentDto } from '../comments/comments.schema.js';
import type { MediaDto } from '../media/media.schema.js';
import type { PostDto } from '../posts/posts.schema.js';
import type { ProfileDto } from '../users/users.service.js';

/**
 * Photogram's objects as Mastodon entities (docs.joinmastodon.org/entities). Posts keep their
 * ids as status ids; a comment's status id is its id plus COMMENT_ID_BASE, so the two never
 * collide and both stay decimal strings that fit a double.
 */
export const COMMENT_ID_BASE = 2 ** 52;

export type StatusRef = { kind: 'post'; id: number } | { kind: 'comment'; id: number };

export function parseStatusId(raw: string): StatusRef | null {
  if (!/^\d{1,16}$/.test(raw)) return null;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) return null;
  return n > COMMENT_ID_BASE
    ? { kind: 'comment', id: n - COMMENT_ID_BASE }
    : { kind: 'post', id: n };
}

export const commentStatusId = (id: number | string) => String(COMMENT_ID_BASE + Number(id));

/** Where the entities' links point: the web app's pages under the public URL. */
export interface Links {
  web: string;
  /** A stand-in picture for accounts without a profile image (Mastodon's `missing.png`). */
  missingAvatar: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Plain text as Mastodon HTML: escaped, #tags and @mentions linked, paragraphs and line breaks. */
export function textToHtml(text: string, links: Links): string {
  if (text.trim() === '') return '';
  const linked = escapeHtml(text).replace(
    /(^|[^\p{L}\p{N}_&])([#@])([\p{L}\p{M}\p{N}_.]{1,100})/gu,
    (whole, before: string, sign: string, name: string) => {
      const trimmed = name.replace(/\.+$/, '');
      const rest = name.slice(trimmed.length);
      if (sign === '#') {
        const tag = trimmed.replace(/\./g, '');
        if (tag !== trimmed) return whole;
        return `${before}<a href="${links.web}/tags/${encodeURIComponent(tag.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>${rest}`;
      }
      return `${before}<span class="h-card"><a href="${links.web}/u/${encodeURIComponent(trimmed.toLowerCase())}" class="u-url mention">@<span>${trimmed}</span></a></span>${rest}`;
    },
  );
  return linked
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

const toMentions = (mentions: { id: string; username: string }[], links: Links): Mention[] =>
  mentions.map(({ id, username }) => ({
    id,
    username,
    acct: username,
    url: `${links.web}/u/${username}`,
  }));

export function toAccount(profile: ProfileDto, links: Links) {
  const avatar = profile.profile_image_url ?? links.missingAvatar;
  return {
    id: profile.id,
    username: profile.username,
    acct: profile.username,
    display_name: profile.name,
    locked: profile.is_private,
    bot: false,
    discoverable: true,
    indexable: false,
    group: false,
    noindex: false,
    created_at: profile.created_at,
    note: textToHtml(profile.bio, links),
    url: `${links.web}/u/${profile.username}`,
    uri: `${links.web}/u/${profile.username}`,
    avatar,
    avatar_static: avatar,
    header: links.missingAvatar,
    header_static: links.missingAvatar,
    followers_count: profile.followers_count,
    following_count: profile.following_count,
    statuses_count: profile.posts_count,
    last_status_at: null,
    emojis: [],
    fields: profile.website
      ? [
          {
            name: 'Website',
            value: `<a href="${escapeHtml(profile.website)}" rel="nofollow noopener noreferrer me" target="_blank">${escapeHtml(profile.website)}</a>`,
            verified_at: null,
          },
        ]
      : [],
    roles: [],
  };
}
export type AccountEntity = ReturnType<typeof toAccount>;

/** The caller's own account: with `source`, the plain text behind note and fields. */
export const toCredentialAccount = (profile: ProfileDto, links: Links) => ({
  ...toAccount(profile, links),
  source: {
    privacy: profile.is_private ? 'private' : 'public',
    sensitive: false,
    language: null,
    note: profile.bio,
    fields: profile.website ? [{ name: 'Website', value: profile.website, verified_at: null }] : [],
    follow_requests_count: 0,
  },
});

const NO_RELATION = { blocking: false, blockedBy: false, muting: false };

/** How the caller stands to an account; `profile` is null when a block hides it. */
export const toRelationship = (
  id: string,
  profile: ProfileDto | null,
  relation: { blocking: boolean; blockedBy: boolean; muting: boolean } = NO_RELATION,
) => ({
  id,
  following: profile?.is_following ?? false,
  showing_reblogs: profile?.is_following ?? false,
  notifying: false,
  languages: null,
  followed_by: profile?.follows_you ?? false,
  blocking: relation.blocking,
  blocked_by: relation.blockedBy,
  muting: relation.muting,
  muting_notifications: false,
  requested: profile?.follow_requested ?? false,
  requested_by: false,
  domain_blocking: false,
  endorsed: false,
  note: '',
});

const THUMBNAIL_WIDTH = 320;

function dimensions(width: number, height: number) {
  return { width, height, size: `${width}x${height}`, aspect: height ? width / height : 1 };
}

export function toMediaAttachment(media: MediaDto) {
  const scale = Math.min(1, THUMBNAIL_WIDTH / Math.max(media.width, 1));
  return {
    id: media.id,
    type: media.type,
    // Mastodon's sign of a video still transcoding: no url yet (the answer is 202 or 206).
    url: media.status === 'ready' ? media.url : null,
    preview_url: media.thumbnail_url,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: {
        ...dimensions(media.width, media.height),
        ...(media.duration_ms !== null
          ? { duration: media.duration_ms / 1000, length: formatLength(media.duration_ms) }
          : {}),
      },
      small: dimensions(Math.round(media.width * scale), Math.round(media.height * scale)),
      focus: { x: 0, y: 0 },
    },
    description: media.alt_text,
    blurhash: media.blurhash,
  };
}

function formatLength(ms: number): string {
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

const statusBase = {
  sensitive: false,
  spoiler_text: '',
  reblogs_count: 0,
  reblog: null,
  poll: null,
  card: null,
  language: null,
  emojis: [],
  reblogged: false,
  muted: false,
  pinned: false,
  filtered: [],
  application: null,
};

export function postToStatus(post: PostDto, account: AccountEntity, links: Links) {
  const url = `${links.web}/p/${post.id}`;
  return {
    ...statusBase,
    id: post.id,
    uri: url,
    url,
    created_at: post.created_at,
    edited_at: post.edited_at,
    account,
    content: textToHtml(post.caption, links),
    text: post.caption,
    visibility: post.author.is_private ? 'private' : 'public',
    media_attachments: post.media.map(toMediaAttachment),
    mentions: toMentions(post.mentions, links),
    tags: post.hashtags.map((name) => ({ name, url: `${links.web}/tags/${name}` })),
    favourites_count: post.like_count ?? 0,
    replies_count: post.comment_count,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    favourited: post.liked_by_me,
    bookmarked: post.saved_by_me,
  };
}
export type StatusEntity = ReturnType<typeof postToStatus>;

/** A comment as a reply: to its parent comment, or to the post for a top-level comment. */
export function commentToStatus(
  comment: CommentDto,
  account: AccountEntity,
  inReplyTo: { id: string; accountId: string },
  visibility: string,
  links: Links,
) {
  const url = `${links.web}/p/${comment.post_id}`;
  return {
    ...statusBase,
    id: commentStatusId(comment.id),
    uri: `${url}#comment-${comment.id}`,
    url,
    created_at: comment.created_at,
    edited_at: null,
    account,
    content: textToHtml(comment.text, links),
    text: comment.text,
    visibility,
    media_attachments: [],
    mentions: toMentions(comment.mentions, links),
    tags: [],
    favourites_count: comment.like_count,
    replies_count: comment.reply_count,
    in_reply_to_id: inReplyTo.id,
    in_reply_to_account_id: inReplyTo.accountId,
    favourited: comment.liked_by_me,
    bookmarked: false,
  };
}
