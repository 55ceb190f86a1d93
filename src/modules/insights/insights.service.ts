import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import * as repo from './insights.repository.js';
import type { AccountInsightsDto, PostInsightsDto, StoryInsightsDto } from './insights.schema.js';

const DAY_MS = 86_400_000;

/** The author's numbers for one post; to anyone else the post's insights do not exist (404). */
export async function postInsights(
  deps: AppDeps,
  actor: Actor,
  postId: number,
): Promise<PostInsightsDto> {
  const row = await repo.postInsights(deps.db, postId);
  if (!row || row.author_id !== actor.id) throw notFound('Post');
  return {
    post_id: String(row.id),
    likes: Number(row.like_count),
    comments: Number(row.comment_count),
    saves: Number(row.saves),
    views: Number(row.has_video) ? Number(row.view_count) : null,
  };
}

/** The author's numbers for one story, expired or not; 404 to anyone else. */
export async function storyInsights(
  deps: AppDeps,
  actor: Actor,
  storyId: number,
): Promise<StoryInsightsDto> {
  const row = await repo.storyInsights(deps.db, storyId);
  if (!row || row.author_id !== actor.id) throw notFound('Story');
  return { story_id: String(row.id), viewers: Number(row.viewers), likes: Number(row.likes) };
}

/**
 * The caller's activity over the last `days` UTC days (today included), per day and in total.
 * Two statements whatever the window.
 */
export async function accountInsights(
  deps: AppDeps,
  actor: Actor,
  days: 7 | 30,
): Promise<AccountInsightsDto> {
  const today = new Date(deps.clock.now().toISOString().slice(0, 10) + 'T00:00:00.000Z');
  const first = new Date(today.getTime() - (days - 1) * DAY_MS);
  const [rows, followers] = await Promise.all([
    repo.activityByDay(deps.db, actor.id, toDbTime(first)),
    repo.followersCount(deps.db, actor.id),
  ]);
  const perDay = Array.from({ length: days }, (_, i) => ({
    date: new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10),
    new_followers: 0,
    posts_published: 0,
    likes_received: 0,
    comments_received: 0,
  }));
  const byDate = new Map(perDay.map((entry) => [entry.date, entry]));
  const field = {
    followers: 'new_followers',
    posts: 'posts_published',
    likes: 'likes_received',
    comments: 'comments_received',
  } as const;
  for (const row of rows) {
    const entry = byDate.get(row.day);
    if (entry) entry[field[row.metric]] += row.n;
  }
  const total = (key: (typeof field)[repo.Metric]) =>
    perDay.reduce((sum, entry) => sum + entry[key], 0);
  return {
    days,
    followers_count: followers,
    follower_change: total('new_followers'),
    posts_published: total('posts_published'),
    likes_received: total('likes_received'),
    comments_received: total('comments_received'),
    per_day: perDay,
  };
}
