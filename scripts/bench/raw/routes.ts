import { toDbTime } from '../../../src/db/time.js';
import { hiddenWordMatcher } from '../../../src/modules/hidden-words/hidden-words.js';
import type { CommentViewRow } from '../../../src/modules/comments/comments.repository.js';
import { toCommentDto } from '../../../src/modules/comments/comments.service.js';
import type { MediaUrl, UserSummaryRow } from '../../../src/modules/users/user-summary.js';
import { type ProfileFields, toProfile } from '../../../src/modules/users/users.service.js';
import { AUTHOR_SQL, hydrate, POST_COLUMNS, type PostRow } from './posts.js';
import { marks, type Sql } from './sql.js';

export interface RouteContext {
  sql: Sql;
  userId: number;
  mediaUrl: MediaUrl;
  /** TIMELINE_FANOUT_MAX_FOLLOWERS: above it an author's posts are merged in at read time. */
  fanOutMaxFollowers: number;
  /** Work to run once the answer is sent (a post's fan-out). */
  later(work: (sql: Sql) => Promise<void>): void;
}

export interface Answer {
  status: number;
  body?: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const PAGE = 20;
const ok = (body: unknown, status = 200): Answer => ({ status, body });
const ignore = (sql: Sql) => (sql.dialect === 'mysql' ? 'insert ignore' : 'insert or ignore');
/**
 * SQLite re-plans a statement on every run when `LIMIT ?` is bound (its planner reads the
 * value); a cast hides it, as Photogram's query compiler does (src/db/sqlite-dialect.ts).
 */
const limitParam = (sql: Sql) => (sql.dialect === 'mysql' ? 'limit ?' : 'limit cast(? as integer)');
const atLeastZero = (sql: Sql) => (sql.dialect === 'mysql' ? 'greatest' : 'max');
const cursorOf = (values: readonly (string | number)[]) =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

/** GET /feed?limit=20, first page: the stored timeline plus the merge authors' posts. */
export async function feed(c: RouteContext, limit = PAGE): Promise<Answer> {
  const { sql, userId: me } = c;
  const take = limit + 1;
  const rows = await sql.all<PostRow>(
    `select ${POST_COLUMNS} from (
       select ht.post_id as id from home_timeline ht
       where ht.user_id = ? and (ht.author_id = ? or exists (
         select 1 from follows f join users u on u.id = f.following_id
         where f.follower_id = ? and f.following_id = ht.author_id and f.status = 'accepted'
           and u.is_active = 1 and not exists (select 1 from mutes vm where vm.muter_id = ?
             and vm.muted_id = ht.author_id and vm.mute_posts = 1)))
       order by ht.created_at desc, ht.post_id desc ${limitParam(sql)}) s join posts p on p.id = s.id
     union all
     select ${POST_COLUMNS} from (
       select posts.id from posts where posts.author_id in (
         select m.user_id from timeline_merge_authors m
         where exists (select 1 from follows f where f.follower_id = ?
             and f.following_id = m.user_id and f.status = 'accepted')
           and exists (select 1 from users u where u.id = m.user_id and u.is_active = 1)
           and not exists (select 1 from mutes vm where vm.muter_id = ?
             and vm.muted_id = m.user_id and vm.mute_posts = 1))
         and posts.archived_at is null
       order by posts.created_at desc, posts.id desc ${limitParam(sql)}) mm join posts p on p.id = mm.id`,
    [me, me, me, me, take, me, me, take],
  );
  rows.sort((a, b) =>
    a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1,
  );
  const page = rows.filter((row, i) => i === 0 || rows[i - 1]!.id !== row.id).slice(0, take);
  const shown = page.slice(0, limit);
  const last = shown.at(-1);
  return ok({
    data: await hydrate(sql, c.mediaUrl, me, shown),
    next_cursor: page.length > limit && last ? cursorOf([last.created_at, last.id]) : null,
  });
}

/**
 * The post as the reader may see it: 404 missing, deactivated author, someone else's archived
 * post or (for a lookup) a block; 403 a private author not followed or (for an action) a block.
 */
async function visiblePost(sql: Sql, me: number, postId: number, action = false) {
  const [row] = await sql.all<PostRow & { active: number; visible: number; blocked: number }>(
    `select ${POST_COLUMNS}, u.is_active as active,
       (pr.is_private = 0 or p.author_id = ? or exists (select 1 from follows f
         where f.follower_id = ? and f.following_id = p.author_id and f.status = 'accepted'))
         as visible,
       exists (select 1 from blocks b where (b.blocker_id = p.author_id and b.blocked_id = ?)
         or (b.blocker_id = ? and b.blocked_id = p.author_id)) as blocked
     from posts p join users u on u.id = p.author_id join profiles pr on pr.user_id = p.author_id
     where p.id = ? and p.deleted_at is null`,
    [me, me, me, me, postId],
  );
  if (!row || !row.active || (row.archived_at !== null && row.author_id !== me)) {
    throw new HttpError(404, 'not_found');
  }
  if (Number(row.blocked)) throw new HttpError(action ? 403 : 404, 'blocked');
  if (!Number(row.visible)) throw new HttpError(403, 'forbidden');
  return row;
}

/** In a write: the post row again, locked on MySQL so its counters move one at a time. */
async function lockedPost(sql: Sql, postId: number): Promise<PostRow> {
  const lock = sql.dialect === 'mysql' ? ' for update' : '';
  const [row] = await sql.all<PostRow>(
    `select ${POST_COLUMNS} from posts p where p.id = ? and p.deleted_at is null${lock}`,
    [postId],
  );
  if (!row) throw new HttpError(404, 'not_found');
  return row;
}

export async function post(c: RouteContext, postId: number): Promise<Answer> {
  const row = await visiblePost(c.sql, c.userId, postId);
  const [dto] = await hydrate(c.sql, c.mediaUrl, c.userId, [row]);
  return ok(dto);
}

/** POST / DELETE /posts/:id/like: the like row and like_count in one transaction. */
export async function like(c: RouteContext, postId: number, liked: boolean): Promise<Answer> {
  const { sql, userId: me } = c;
  await visiblePost(sql, me, postId, true);
  const row = await sql.transaction(async (tx) => {
    const locked = await lockedPost(tx, postId);
    const { changes } = liked
      ? await tx.run(
          `${ignore(tx)} into post_likes (post_id, user_id, created_at) values (?, ?, ?)`,
          [postId, me, toDbTime(new Date())],
        )
      : await tx.run('delete from post_likes where post_id = ? and user_id = ?', [postId, me]);
    if (changes === 0) return locked;
    const delta = liked ? 1 : -1;
    await tx.run('update posts set like_count = like_count + ? where id = ?', [delta, postId]);
    return { ...locked, like_count: locked.like_count + delta };
  });
  const [dto] = await hydrate(sql, c.mediaUrl, me, [row]);
  return ok(dto);
}

/** The post author's hidden words, as a test of a comment (null: hides nothing). */
async function hiddenBy(sql: Sql, ownerId: number) {
  const words = await sql.all<{ word: string }>(
    'select word from hidden_words where user_id = ? order by id',
    [ownerId],
  );
  return hiddenWordMatcher(words.map((w) => w.word));
}

/** GET /posts/:id/comments?limit=20, first page of top-level comments, oldest first. */
export async function comments(c: RouteContext, postId: number, limit = PAGE): Promise<Answer> {
  const { sql, userId: me } = c;
  const found = await visiblePost(sql, me, postId);
  const [rows, hidden] = await Promise.all([
    sql.all<CommentViewRow>(
      `select c.id, c.post_id, c.author_id, c.parent_id, c.text, c.reply_count, c.like_count,
         c.created_at, c.mentions, u.username as author_username, p.name as author_name,
         p.profile_image_key as author_profile_image_key, p.is_private as author_is_private,
         exists (select 1 from comment_likes cl where cl.comment_id = c.id and cl.user_id = ?)
           as liked_by_me
       from comments c join users u on u.id = c.author_id join profiles p on p.user_id = c.author_id
       where u.is_active = 1
         and not exists (select 1 from blocks b where (b.blocker_id = c.author_id and b.blocked_id = ?)
           or (b.blocker_id = ? and b.blocked_id = c.author_id))
         and c.post_id = ? and c.parent_id is null
       order by c.created_at, c.id ${limitParam(sql)}`,
      [me, me, me, postId, limit + 1],
    ),
    hiddenBy(sql, found.author_id),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return ok({
    data: page
      .filter((row) => !hidden || row.author_id === me || !hidden(row.text))
      .map((row) => toCommentDto(row, c.mediaUrl)),
    next_cursor: rows.length > limit && last ? cursorOf([last.created_at, last.id]) : null,
  });
}

/**
 * POST /posts/:id/comments: the comment, comment_count and the post author's notification
 * (none for one's own post or a comment their hidden words hide) in one transaction. The text
 * is stored as given: no @mention lookup (the bench's texts have none).
 */
export async function comment(c: RouteContext, postId: number, text: string): Promise<Answer> {
  const { sql, userId: me } = c;
  const found = await visiblePost(sql, me, postId, true);
  const hidden = await hiddenBy(sql, found.author_id);
  const now = toDbTime(new Date());
  const id = await sql.transaction(async (tx) => {
    const locked = await lockedPost(tx, postId);
    if (locked.comments_disabled) throw new HttpError(403, 'comments_disabled');
    const { insertId } = await tx.run(
      `insert into comments (post_id, author_id, parent_id, text, created_at, mentions)
       values (?, ?, null, ?, ?, null)`,
      [postId, me, text, now],
    );
    await tx.run('update posts set comment_count = comment_count + 1 where id = ?', [postId]);
    if (locked.author_id !== me && !hidden?.(text)) {
      await tx.run(
        `${ignore(tx)} into notifications (recipient_id, actor_id, type, post_id, comment_id,
           dedupe_key, group_key, created_at) values (?, ?, 'comment', ?, ?, ?, ?, ?)`,
        [locked.author_id, me, postId, insertId, `comment:${insertId}`, `comment:${postId}`, now],
      );
    }
    return insertId;
  });
  const [author] = await sql.all<UserSummaryRow>(`${AUTHOR_SQL} (?)`, [me]);
  const row: CommentViewRow = {
    id,
    post_id: postId,
    author_id: me,
    parent_id: null,
    text,
    reply_count: 0,
    like_count: 0,
    created_at: now,
    mentions: null,
    author_username: author!.username,
    author_name: author!.name,
    author_profile_image_key: author!.profile_image_key,
    author_is_private: author!.is_private,
    liked_by_me: 0,
  };
  return ok(toCommentDto(row, c.mediaUrl), 201);
}

/**
 * POST /posts: the post, its media attached, posts_count, the author's own timeline row and a
 * `timeline.fan_out` jobs row in one transaction, as the app does. The fan-out itself runs in
 * this process once the answer is sent (the app's job worker runs it just after the commit
 * too): the same merge-author check and INSERT … SELECT, then the job row is marked done, with
 * none of the worker's claiming and retry bookkeeping. The caption is stored as given: no
 * hashtag or @mention rows (the bench's captions have none).
 */
export async function createPost(
  c: RouteContext,
  caption: string,
  mediaIds: number[],
): Promise<Answer> {
  const { sql, userId: me } = c;
  const now = toDbTime(new Date());
  const { postId, jobId } = await sql.transaction(async (tx) => {
    const media = await tx.all<{
      owner_id: number;
      post_id: number | null;
      story_id: number | null;
    }>(
      `select id, owner_id, post_id, story_id, kind, status from media where id in (${marks(mediaIds)})`,
      mediaIds,
    );
    if (
      media.length !== mediaIds.length ||
      media.some((m) => m.owner_id !== me || m.post_id !== null || m.story_id !== null)
    ) {
      throw new HttpError(400, 'invalid_media');
    }
    await tx.run(
      `update profiles set posts_count = ${atLeastZero(tx)}(0, posts_count + 1) where user_id = ?`,
      [me],
    );
    const { insertId: postId } = await tx.run(
      `insert into posts (author_id, type, caption, location_id, comments_disabled, hide_like_count,
         created_at, updated_at, edited_at, archived_at, mentions)
       values (?, 'post', ?, null, 0, 0, ?, ?, null, null, null)`,
      [me, caption, now, now],
    );
    const positions = mediaIds.map((id, i) => `when ${Number(id)} then ${i}`).join(' ');
    await tx.run(
      `update media set post_id = ?, position = case id ${positions} end
       where id in (${marks(mediaIds)}) and owner_id = ? and post_id is null and story_id is null`,
      [postId, ...mediaIds, me],
    );
    await tx.run(
      `${ignore(tx)} into home_timeline (user_id, post_id, author_id, created_at) values (?, ?, ?, ?)`,
      [me, postId, me, now],
    );
    const { insertId: jobId } = await tx.run(
      `insert into jobs (kind, payload, status, run_at, max_attempts, created_at)
       values ('timeline.fan_out', ?, 'queued', ?, 8, ?)`,
      [JSON.stringify({ post_id: postId, author_id: me }), now, now],
    );
    return { postId, jobId };
  });
  c.later((background) => fanOut(background, c.fanOutMaxFollowers, postId, me, jobId));
  const row: PostRow = {
    id: postId,
    author_id: me,
    type: 'post',
    caption,
    location_id: null,
    like_count: 0,
    comment_count: 0,
    created_at: now,
    updated_at: now,
    edited_at: null,
    archived_at: null,
    comments_disabled: 0,
    hide_like_count: 0,
    view_count: 0,
    mentions: null,
  };
  const [dto] = await hydrate(sql, c.mediaUrl, me, [row], { liked: false, saved: false });
  return ok(dto, 201);
}

async function fanOut(sql: Sql, max: number, postId: number, authorId: number, jobId: number) {
  const merged = await sql.all('select user_id from timeline_merge_authors where user_id = ?', [
    authorId,
  ]);
  if (merged.length === 0) {
    const followers = await sql.all(
      `select follower_id from follows where following_id = ? and status = 'accepted' ${limitParam(sql)}`,
      [authorId, max + 1],
    );
    if (followers.length > max) {
      await sql.run(
        `${ignore(sql)} into timeline_merge_authors (user_id, created_at) values (?, ?)`,
        [authorId, toDbTime(new Date())],
      );
    } else {
      await sql.run(
        `${ignore(sql)} into home_timeline (user_id, post_id, author_id, created_at)
         select f.follower_id, p.id, p.author_id, p.created_at from posts p
         join follows f on f.following_id = p.author_id join users u on u.id = f.follower_id
         where p.id = ? and p.deleted_at is null and p.archived_at is null
           and f.status = 'accepted' and u.is_active = 1`,
        [postId],
      );
    }
  }
  await sql.run(`update jobs set status = 'done', finished_at = ? where id = ?`, [
    toDbTime(new Date()),
    jobId,
  ]);
}

interface TargetRow {
  id: number;
  is_private: number;
}

async function followTarget(sql: Sql, username: string): Promise<TargetRow> {
  const [target] = await sql.all<TargetRow>(
    `select u.id, p.is_private from users u join profiles p on p.user_id = u.id
     where u.username = ? and u.is_active = 1`,
    [username],
  );
  if (!target) throw new HttpError(404, 'not_found');
  return target;
}

/** Both sides' follower / following counters, in a follow's transaction. */
const countFollow = (tx: Sql, follower: number, following: number, delta: 1 | -1) =>
  tx.run(
    `update profiles set
       followers_count = ${atLeastZero(tx)}(0, followers_count + case user_id when ? then ? else 0 end),
       following_count = ${atLeastZero(tx)}(0, following_count + case user_id when ? then ? else 0 end)
     where user_id in (?, ?)`,
    [following, delta, follower, delta, follower, following],
  );

/**
 * POST /users/:username/follow: the follow, the notification, both counters and a
 * `timeline.backfill` jobs row in one transaction; the backfill runs before the answer, as
 * the app runs it (so the next feed read has the author's posts), and its row is marked done.
 */
export async function follow(c: RouteContext, username: string): Promise<Answer> {
  const { sql, userId: me } = c;
  const target = await followTarget(sql, username);
  const blocks = await sql.all(
    `select id from blocks where (blocker_id = ? and blocked_id = ?)
       or (blocker_id = ? and blocked_id = ?) limit 1`,
    [me, target.id, target.id, me],
  );
  if (blocks.length > 0) throw new HttpError(403, 'blocked');
  const status = target.is_private ? 'pending' : 'accepted';
  const now = toDbTime(new Date());
  const jobId = await sql.transaction(async (tx) => {
    const lock = tx.dialect === 'mysql' ? ' for update' : '';
    await tx.all(
      `select user_id, is_private from profiles where user_id in (?, ?) order by user_id${lock}`,
      [me, target.id],
    );
    const { insertId, changes } = await tx.run(
      `${ignore(tx)} into follows (follower_id, following_id, status, created_at) values (?, ?, ?, ?)`,
      [me, target.id, status, now],
    );
    if (changes === 0) return null;
    const type = status === 'accepted' ? 'follow' : 'follow_request';
    await tx.run(
      `${ignore(tx)} into notifications (recipient_id, actor_id, type, follow_id, dedupe_key,
         group_key, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
      [target.id, me, type, insertId, `${type}:${me}`, type, now],
    );
    if (status === 'pending') return null;
    await countFollow(tx, me, target.id, 1);
    const job = await tx.run(
      `insert into jobs (kind, payload, status, run_at, max_attempts, created_at)
       values ('timeline.backfill', ?, 'queued', ?, 8, ?)`,
      [JSON.stringify({ follower_id: me, author_id: target.id }), now, now],
    );
    return job.insertId;
  });
  if (jobId !== null) await backfill(sql, me, target.id, jobId);
  return ok({ status: status === 'pending' ? 'requested' : 'following' });
}

async function backfill(sql: Sql, followerId: number, authorId: number, jobId: number) {
  const merged = await sql.all('select user_id from timeline_merge_authors where user_id = ?', [
    authorId,
  ]);
  if (merged.length === 0) {
    await sql.run(
      `${ignore(sql)} into home_timeline (user_id, post_id, author_id, created_at)
       select ?, p.id, p.author_id, p.created_at from posts p
       where p.author_id = ? and p.deleted_at is null and p.archived_at is null
         and exists (select 1 from follows f where f.follower_id = ? and f.following_id = ?
           and f.status = 'accepted')`,
      [followerId, authorId, followerId, authorId],
    );
  }
  await sql.run(`update jobs set status = 'done', finished_at = ? where id = ?`, [
    toDbTime(new Date()),
    jobId,
  ]);
}

/** DELETE /users/:username/follow: the follow, counters, notifications and timeline rows. */
export async function unfollow(c: RouteContext, username: string): Promise<Answer> {
  const { sql, userId: me } = c;
  const target = await followTarget(sql, username);
  await sql.transaction(async (tx) => {
    const lock = tx.dialect === 'mysql' ? ' for update' : '';
    await tx.all(
      `select user_id, is_private from profiles where user_id in (?, ?) order by user_id${lock}`,
      [me, target.id],
    );
    const { changes } = await tx.run(
      `delete from follows where follower_id = ? and following_id = ? and status = 'accepted'`,
      [me, target.id],
    );
    if (changes === 0) return;
    await countFollow(tx, me, target.id, -1);
    await tx.run(
      `delete from notifications where (recipient_id = ? and actor_id = ? and type in ('follow', 'follow_request'))
         or (recipient_id = ? and actor_id = ? and type = 'follow_accepted')`,
      [target.id, me, me, target.id],
    );
    await tx.run('delete from home_timeline where user_id = ? and author_id = ?', [me, target.id]);
  });
  return { status: 204 };
}

/** GET /users/:username: the profile with the reader's relation to it, one statement. */
export async function profile(c: RouteContext, username: string): Promise<Answer> {
  const { sql, userId: me } = c;
  const [row] = await sql.all<ProfileFields>(
    `select u.id, u.username, p.name, p.profile_image_key, p.is_private, p.nickname, p.bio,
       p.website, p.posts_count, p.followers_count, p.following_count, u.created_at,
       (select f.status from follows f where f.follower_id = ? and f.following_id = u.id)
         as actor_follow_status,
       exists (select 1 from follows f where f.follower_id = u.id and f.following_id = ?
         and f.status = 'accepted') as follows_you,
       exists (select 1 from blocks b where b.blocker_id = ? and b.blocked_id = u.id) as blocking,
       exists (select 1 from mutes m where m.muter_id = ? and m.muted_id = u.id) as muting
     from users u join profiles p on p.user_id = u.id
     where u.is_active = 1 and u.username = ?
       and not exists (select 1 from blocks b where b.blocker_id = u.id and b.blocked_id = ?)`,
    [me, me, me, me, username, me],
  );
  if (!row) throw new HttpError(404, 'not_found');
  return ok(toProfile(row, c.mediaUrl));
}
