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
}

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
}

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
