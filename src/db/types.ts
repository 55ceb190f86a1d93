import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DbTime } from './time.js';

/**
 * The database schema as the code sees it. Migrations create it; `schema.test.ts` checks the
 * live schema of both engines against `tableColumns` below, which the compiler keeps in step
 * with these interfaces. Booleans are 0/1 integers on both engines.
 */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  is_active: Generated<number>;
  created_at: DbTime;
  role: Generated<UserRole>;
  /** Set while a moderator has suspended the account (is_active is 0 then too). */
  suspended_at: DbTime | null;
  suspension_reason: string | null;
  /** 1 once the current email was confirmed with a mailed token (src/modules/auth/). */
  email_verified: Generated<number>;
  /** The last rename (PATCH /me username): one per 14 days. */
  username_changed_at: DbTime | null;
}

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

/** A single-use token mailed to `email`; only its sha256 is stored. */
export interface EmailTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  email: string;
  expires_at: DbTime;
  used_at: DbTime | null;
  created_at: DbTime;
}

/** A username given up by a rename, which nobody else may take until `reserved_until`. */
export interface UsernameReservationsTable {
  id: Generated<number>;
  username: string;
  user_id: number;
  reserved_until: DbTime;
}

/** Words that hide comments on the account's posts (src/modules/hidden-words/). */
export interface HiddenWordsTable {
  id: Generated<number>;
  user_id: number;
  word: string;
  created_at: DbTime;
}

export type UserRole = 'user' | 'moderator' | 'admin';

export interface ProfilesTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  nickname: string;
  bio: string;
  website: string | null;
  profile_image_key: string | null;
  is_private: Generated<number>;
  created_at: DbTime;
  updated_at: DbTime;
  /** Stored counters, kept exact by the writers (src/modules/users/profile-counters.ts). */
  posts_count: Generated<number>;
  followers_count: Generated<number>;
  following_count: Generated<number>;
  /** 'manual': tags of this account wait for its approval (src/modules/tags/). */
  tag_approval: Generated<TagApproval>;
}

export type TagApproval = 'auto' | 'manual';

export type FollowStatus = 'accepted' | 'pending';

export interface FollowsTable {
  id: Generated<number>;
  follower_id: number;
  following_id: number;
  status: FollowStatus;
  created_at: DbTime;
}

export interface LocationsTable {
  id: Generated<number>;
  name: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  created_by: number;
  created_at: DbTime;
}

export type PostType = 'post' | 'reel';

export interface PostsTable {
  id: Generated<number>;
  author_id: number;
  type: PostType;
  caption: string;
  location_id: number | null;
  like_count: Generated<number>;
  comment_count: Generated<number>;
  created_at: DbTime;
  updated_at: DbTime;
  deleted_at: DbTime | null;
  /** Null until the first edit. */
  edited_at: DbTime | null;
  /** Archived posts are seen by their author only. */
  archived_at: DbTime | null;
  comments_disabled: Generated<number>;
  hide_like_count: Generated<number>;
  view_count: Generated<number>;
  /** JSON [{id, username}] of the accounts the caption mentions (src/modules/mentions/); null: none. */
  mentions: string | null;
}

export type MediaKind = 'image' | 'video';
export type MediaStatus = 'processing' | 'ready' | 'failed';

export interface MediaTable {
  id: Generated<number>;
  owner_id: number;
  post_id: number | null;
  story_id: number | null;
  position: Generated<number>;
  kind: MediaKind;
  storage_key: string;
  thumbnail_key: string;
  poster_key: string | null;
  mime: string;
  width: number;
  height: number;
  duration_ms: number | null;
  blurhash: string | null;
  bytes: number;
  created_at: DbTime;
  alt_text: string | null;
  /** `processing` until its files are complete (videos: transcoded in a job). */
  status: Generated<MediaStatus>;
  /** Why processing failed, in words for the uploader; null otherwise. */
  failure_reason: string | null;
  /** A video's stored original while it is processed; deleted (null) once it is ready. */
  source_key: string | null;
}

export interface PostLikesTable {
  id: Generated<number>;
  post_id: number;
  user_id: number;
  created_at: DbTime;
}

export interface SavesTable {
  id: Generated<number>;
  user_id: number;
  post_id: number;
  created_at: DbTime;
}

export interface CommentsTable {
  id: Generated<number>;
  post_id: number;
  author_id: number;
  parent_id: number | null;
  text: string;
  reply_count: Generated<number>;
  like_count: Generated<number>;
  created_at: DbTime;
  /** JSON [{id, username}] of the accounts the text mentions; null: none. */
  mentions: string | null;
}

export interface CommentLikesTable {
  id: Generated<number>;
  comment_id: number;
  user_id: number;
  created_at: DbTime;
}

export interface HashtagsTable {
  id: Generated<number>;
  name: string;
}

export interface PostHashtagsTable {
  post_id: number;
  hashtag_id: number;
}

export interface StoriesTable {
  id: Generated<number>;
  author_id: number;
  media_id: number;
  created_at: DbTime;
  expires_at: DbTime;
  /** Set by the retention job once the story expired: it is in its author's archive. */
  archived_at: DbTime | null;
  audience: Generated<StoryAudience>;
}

export type StoryAudience = 'everyone' | 'close_friends';

/** A post as it was before one edit (caption, location, media ids as a JSON array). */
export interface PostVersionsTable {
  id: Generated<number>;
  post_id: number;
  caption: string;
  location_id: number | null;
  media_ids: string;
  created_at: DbTime;
}

/** One row per viewer, video post and UTC day. */
export interface PostViewsTable {
  post_id: number;
  viewer_id: number;
  day: string;
  created_at: DbTime;
}

/** What a GET /reels walk has served: never served again in that walk. */
export interface ReelFeedServedTable {
  viewer_id: number;
  walk_id: string;
  post_id: number;
  served_at: DbTime;
}

export interface CloseFriendsTable {
  owner_id: number;
  friend_id: number;
  created_at: DbTime;
}

export interface HighlightsTable {
  id: Generated<number>;
  owner_id: number;
  title: string;
  cover_media_id: number | null;
  position: number;
  created_at: DbTime;
  updated_at: DbTime;
}

export interface HighlightStoriesTable {
  highlight_id: number;
  story_id: number;
  position: number;
}

export interface StoryViewsTable {
  id: Generated<number>;
  story_id: number;
  viewer_id: number;
  liked: Generated<number>;
  viewed_at: DbTime;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  family_id: string;
  token_hash: string;
  expires_at: DbTime;
  revoked_at: DbTime | null;
  replaced_by: number | null;
  created_at: DbTime;
}

/** One person's block of another: to each other they do not exist (users/visibility.ts). */
export interface BlocksTable {
  id: Generated<number>;
  blocker_id: number;
  blocked_id: number;
  created_at: DbTime;
}

/** Posts and/or stories of the muted account leave the muter's home feed and story tray. */
export interface MutesTable {
  id: Generated<number>;
  muter_id: number;
  muted_id: number;
  mute_posts: number;
  mute_stories: number;
  created_at: DbTime;
}

/** One login: its refresh tokens share family_id; its access tokens carry the id (`sid`). */
export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  family_id: string;
  user_agent: string | null;
  ip_address: string | null;
  created_at: DbTime;
  /** Updated when the session's refresh token is used (not on every request). */
  last_used_at: DbTime;
  revoked_at: DbTime | null;
}

/** A post in a reader's materialised home feed (docs/SCALING.md). */
export interface HomeTimelineTable {
  user_id: number;
  post_id: number;
  /** Copied from the post so the read checks the feed rule from the index alone. */
  author_id: number;
  created_at: DbTime;
}

/** Authors whose posts are merged into feeds at read time instead of fanned out. */
export interface TimelineMergeAuthorsTable {
  user_id: number;
  created_at: DbTime;
}

export type JobStatus = 'queued' | 'done' | 'failed';

/** Background work written with the change that needs it (src/jobs/). */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON of the handler's input. */
  payload: string;
  status: JobStatus;
  /** Queued: when it is due; held by a worker: when that worker's lease ends. */
  run_at: DbTime;
  attempts: Generated<number>;
  max_attempts: number;
  locked_by: string | null;
  last_error: string | null;
  created_at: DbTime;
  finished_at: DbTime | null;
}

/** A recurring task's next run (src/jobs/schedule.ts). */
export interface JobSchedulesTable {
  name: string;
  next_run_at: DbTime;
}

/**
 * An Idempotency-Key claimed by an account (src/http/idempotency.ts). `response_status` is null
 * while the first request runs; then the answer a retry replays: status, the headers it needs
 * (JSON), and the serialized body.
 */
export interface IdempotencyKeysTable {
  id: Generated<number>;
  user_id: number;
  idempotency_key: string;
  /** sha256 of method, URL and body: a reused key with another request is refused. */
  fingerprint: string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  /** When the key was claimed (or taken over): expiry and abandonment are measured from it. */
  created_at: DbTime;
}

export type NotificationType =
  | 'follow'
  | 'follow_request'
  | 'follow_accepted'
  | 'like'
  | 'comment'
  | 'reply'
  | 'comment_like'
  | 'mention'
  | 'tag'
  | 'story_like';

/** Something that happened to `recipient_id` (src/modules/notifications/). */
export interface NotificationsTable {
  id: Generated<number>;
  recipient_id: number;
  actor_id: number;
  type: NotificationType;
  post_id: number | null;
  comment_id: number | null;
  story_id: number | null;
  follow_id: number | null;
  /** Unique per recipient: the same event never notifies twice. */
  dedupe_key: string;
  /** What the grouped list folds together (within a day). */
  group_key: string;
  is_read: Generated<number>;
  created_at: DbTime;
}

/** A client app registered through POST /api/v1/apps (src/modules/oauth/). */
export interface OauthAppsTable {
  id: Generated<number>;
  client_id: string;
  client_secret_hash: string;
  name: string;
  website: string | null;
  /** Newline-separated. */
  redirect_uris: string;
  /** Space-separated, as OAuth writes them. */
  scopes: string;
  created_at: DbTime;
}

/** An authorization code: single-use, short-lived, bound to its redirect URI and PKCE challenge. */
export interface OauthCodesTable {
  id: Generated<number>;
  code_hash: string;
  app_id: number;
  user_id: number;
  redirect_uri: string;
  scopes: string;
  /** base64url(sha256(verifier)) when the client used PKCE (S256). */
  code_challenge: string | null;
  expires_at: DbTime;
  used_at: DbTime | null;
  created_at: DbTime;
}

/** A long-lived access token of an app, for an account (or none: client_credentials). */
export interface OauthTokensTable {
  id: Generated<number>;
  token_hash: string;
  app_id: number;
  user_id: number | null;
  scopes: string;
  revoked_at: DbTime | null;
  created_at: DbTime;
  /** The login session it belongs to (null for client-credentials tokens). */
  session_id: number | null;
}

/** Where a client stopped reading a timeline (Mastodon's markers; src/modules/mastodon/). */
export interface TimelineMarkersTable {
  id: Generated<number>;
  user_id: number;
  /** `home` or `notifications`. */
  timeline: string;
  last_read_id: string;
  /** Counts the saves, so clients can tell a newer marker from an older one. */
  version: number;
  updated_at: DbTime;
}

/** A person tagged at (x, y) on one image of a post (src/modules/tags/). */
export interface MediaTagsTable {
  id: Generated<number>;
  media_id: number;
  post_id: number;
  user_id: number;
  x: number;
  y: number;
  status: 'approved' | 'pending';
  created_at: DbTime;
}

export type ReportTargetType = 'post' | 'comment' | 'user' | 'story';
export type ReportStatus = 'open' | 'resolved';
export type ReportResolution = 'dismiss' | 'remove_content' | 'suspend_user';

/** A report of content or an account (src/modules/moderation/). */
export interface ReportsTable {
  id: Generated<number>;
  reporter_id: number;
  target_type: ReportTargetType;
  target_id: number;
  target_user_id: number;
  reason: string;
  details: string | null;
  /** JSON: the target's text and media keys when it was reported. */
  snapshot: string;
  status: Generated<ReportStatus>;
  created_at: DbTime;
  resolved_at: DbTime | null;
  resolved_by: number | null;
  resolution: ReportResolution | null;
  resolution_note: string | null;
}

/** Every moderator action; actor_id null is the console (npm run user:role). */
export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: number;
  report_id: number | null;
  note: string | null;
  created_at: DbTime;
}

export interface DB {
  users: UsersTable;
  profiles: ProfilesTable;
  follows: FollowsTable;
  locations: LocationsTable;
  posts: PostsTable;
  media: MediaTable;
  post_likes: PostLikesTable;
  saves: SavesTable;
  comments: CommentsTable;
  comment_likes: CommentLikesTable;
  hashtags: HashtagsTable;
  post_hashtags: PostHashtagsTable;
  stories: StoriesTable;
  story_views: StoryViewsTable;
  refresh_tokens: RefreshTokensTable;
  home_timeline: HomeTimelineTable;
  timeline_merge_authors: TimelineMergeAuthorsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  idempotency_keys: IdempotencyKeysTable;
  post_versions: PostVersionsTable;
  post_views: PostViewsTable;
  reel_feed_served: ReelFeedServedTable;
  close_friends: CloseFriendsTable;
  highlights: HighlightsTable;
  highlight_stories: HighlightStoriesTable;
  notifications: NotificationsTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  sessions: SessionsTable;
  oauth_apps: OauthAppsTable;
  oauth_codes: OauthCodesTable;
  oauth_tokens: OauthTokensTable;
  timeline_markers: TimelineMarkersTable;
  media_tags: MediaTagsTable;
  email_tokens: EmailTokensTable;
  username_reservations: UsernameReservationsTable;
  hidden_words: HiddenWordsTable;
  reports: ReportsTable;
  audit_log: AuditLogTable;
}

type ColumnList<T> = readonly (keyof T & string)[];
/** Fails to compile unless each list names every column of its interface. */
type Exhaustive<T, L extends ColumnList<T>> = Exclude<keyof T, L[number]> extends never ? L : never;
const columns =
  <T>() =>
  <const L extends ColumnList<T>>(list: Exhaustive<T, L>) =>
    list;

export const tableColumns = {
  users: columns<UsersTable>()([
    'id',
    'username',
    'email',
    'password_hash',
    'is_active',
    'created_at',
    'role',
    'suspended_at',
    'suspension_reason',
    'email_verified',
    'username_changed_at',
  ]),
  profiles: columns<ProfilesTable>()([
    'id',
    'user_id',
    'name',
    'nickname',
    'bio',
    'website',
    'profile_image_key',
    'is_private',
    'created_at',
    'updated_at',
    'posts_count',
    'followers_count',
    'following_count',
    'tag_approval',
  ]),
  follows: columns<FollowsTable>()(['id', 'follower_id', 'following_id', 'status', 'created_at']),
  locations: columns<LocationsTable>()([
    'id',
    'name',
    'address',
    'lat',
    'lng',
    'created_by',
    'created_at',
  ]),
  posts: columns<PostsTable>()([
    'id',
    'author_id',
    'type',
    'caption',
    'location_id',
    'like_count',
    'comment_count',
    'created_at',
    'updated_at',
    'deleted_at',
    'edited_at',
    'archived_at',
    'comments_disabled',
    'hide_like_count',
    'view_count',
    'mentions',
  ]),
  media: columns<MediaTable>()([
    'id',
    'owner_id',
    'post_id',
    'story_id',
    'position',
    'kind',
    'storage_key',
    'thumbnail_key',
    'poster_key',
    'mime',
    'width',
    'height',
    'duration_ms',
    'blurhash',
    'bytes',
    'created_at',
    'alt_text',
    'status',
    'failure_reason',
    'source_key',
  ]),
  post_likes: columns<PostLikesTable>()(['id', 'post_id', 'user_id', 'created_at']),
  saves: columns<SavesTable>()(['id', 'user_id', 'post_id', 'created_at']),
  comments: columns<CommentsTable>()([
    'id',
    'post_id',
    'author_id',
    'parent_id',
    'text',
    'reply_count',
    'like_count',
    'created_at',
    'mentions',
  ]),
  comment_likes: columns<CommentLikesTable>()(['id', 'comment_id', 'user_id', 'created_at']),
  hashtags: columns<HashtagsTable>()(['id', 'name']),
  post_hashtags: columns<PostHashtagsTable>()(['post_id', 'hashtag_id']),
  stories: columns<StoriesTable>()([
    'id',
    'author_id',
    'media_id',
    'created_at',
    'expires_at',
    'audience',
    'archived_at',
  ]),
  story_views: columns<StoryViewsTable>()(['id', 'story_id', 'viewer_id', 'liked', 'viewed_at']),
  refresh_tokens: columns<RefreshTokensTable>()([
    'id',
    'user_id',
    'family_id',
    'token_hash',
    'expires_at',
    'revoked_at',
    'replaced_by',
    'created_at',
  ]),
  home_timeline: columns<HomeTimelineTable>()(['user_id', 'post_id', 'author_id', 'created_at']),
  timeline_merge_authors: columns<TimelineMergeAuthorsTable>()(['user_id', 'created_at']),
  jobs: columns<JobsTable>()([
    'id',
    'kind',
    'payload',
    'status',
    'run_at',
    'attempts',
    'max_attempts',
    'locked_by',
    'last_error',
    'created_at',
    'finished_at',
  ]),
  job_schedules: columns<JobSchedulesTable>()(['name', 'next_run_at']),
  idempotency_keys: columns<IdempotencyKeysTable>()([
    'id',
    'user_id',
    'idempotency_key',
    'fingerprint',
    'response_status',
    'response_headers',
    'response_body',
    'created_at',
  ]),
  post_versions: columns<PostVersionsTable>()([
    'id',
    'post_id',
    'caption',
    'location_id',
    'media_ids',
    'created_at',
  ]),
  post_views: columns<PostViewsTable>()(['post_id', 'viewer_id', 'day', 'created_at']),
  reel_feed_served: columns<ReelFeedServedTable>()([
    'viewer_id',
    'walk_id',
    'post_id',
    'served_at',
  ]),
  close_friends: columns<CloseFriendsTable>()(['owner_id', 'friend_id', 'created_at']),
  highlights: columns<HighlightsTable>()([
    'id',
    'owner_id',
    'title',
    'cover_media_id',
    'position',
    'created_at',
    'updated_at',
  ]),
  highlight_stories: columns<HighlightStoriesTable>()(['highlight_id', 'story_id', 'position']),
  notifications: columns<NotificationsTable>()([
    'id',
    'recipient_id',
    'actor_id',
    'type',
    'post_id',
    'comment_id',
    'story_id',
    'follow_id',
    'dedupe_key',
    'group_key',
    'is_read',
    'created_at',
  ]),
  blocks: columns<BlocksTable>()(['id', 'blocker_id', 'blocked_id', 'created_at']),
  mutes: columns<MutesTable>()([
    'id',
    'muter_id',
    'muted_id',
    'mute_posts',
    'mute_stories',
    'created_at',
  ]),
  sessions: columns<SessionsTable>()([
    'id',
    'user_id',
    'family_id',
    'user_agent',
    'ip_address',
    'created_at',
    'last_used_at',
    'revoked_at',
  ]),
  oauth_apps: columns<OauthAppsTable>()([
    'id',
    'client_id',
    'client_secret_hash',
    'name',
    'website',
    'redirect_uris',
    'scopes',
    'created_at',
  ]),
  oauth_codes: columns<OauthCodesTable>()([
    'id',
    'code_hash',
    'app_id',
    'user_id',
    'redirect_uri',
    'scopes',
    'code_challenge',
    'expires_at',
    'used_at',
    'created_at',
  ]),
  oauth_tokens: columns<OauthTokensTable>()([
    'id',
    'token_hash',
    'app_id',
    'user_id',
    'scopes',
    'revoked_at',
    'created_at',
    'session_id',
  ]),
  timeline_markers: columns<TimelineMarkersTable>()([
    'id',
    'user_id',
    'timeline',
    'last_read_id',
    'version',
    'updated_at',
  ]),
  media_tags: columns<MediaTagsTable>()([
    'id',
    'media_id',
    'post_id',
    'user_id',
    'x',
    'y',
    'status',
    'created_at',
  ]),
  email_tokens: columns<EmailTokensTable>()([
    'id',
    'user_id',
    'purpose',
    'token_hash',
    'email',
    'expires_at',
    'used_at',
    'created_at',
  ]),
  username_reservations: columns<UsernameReservationsTable>()([
    'id',
    'username',
    'user_id',
    'reserved_until',
  ]),
  hidden_words: columns<HiddenWordsTable>()(['id', 'user_id', 'word', 'created_at']),
  reports: columns<ReportsTable>()([
    'id',
    'reporter_id',
    'target_type',
    'target_id',
    'target_user_id',
    'reason',
    'details',
    'snapshot',
    'status',
    'created_at',
    'resolved_at',
    'resolved_by',
    'resolution',
    'resolution_note',
  ]),
  audit_log: columns<AuditLogTable>()([
    'id',
    'actor_id',
    'action',
    'target_type',
    'target_id',
    'report_id',
    'note',
    'created_at',
  ]),
} satisfies { [T in keyof DB]: ColumnList<DB[T]> };

export type User = Selectable<UsersTable>;
export type Profile = Selectable<ProfilesTable>;
export type Post = Selectable<PostsTable>;
export type Media = Selectable<MediaTable>;
export type NewMedia = Insertable<MediaTable>;
export type Comment = Selectable<CommentsTable>;
export type Location = Selectable<LocationsTable>;
export type Story = Selectable<StoriesTable>;
export type ProfileUpdate = Updateable<ProfilesTable>;
