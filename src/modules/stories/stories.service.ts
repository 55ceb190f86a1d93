import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { addSeconds, type DbTime, toDbTime, toIso } from '../../db/time.js';
import { inTransaction, isForeignKeyViolation } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { forbidden, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import {
  assertMediaReady,
  attachToStory,
  deleteStoryMedia,
  findMediaForAttach,
} from '../media/media.service.js';
import { announce, notify } from '../notifications/notifications.service.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import { canSee, loadOwnerVisibility, loadOwnerVisibilityByUsername } from '../users/visibility.js';
import { groupTray, hydrateStories, type TrayGroup } from './stories.hydrate.js';
import * as repo from './stories.repository.js';
import type { StoryRow, StoryWithFlags } from './stories.repository.js';
import type { StoryDto, StoryViewerDto } from './stories.schema.js';
import type { StoryAudience } from '../../db/types.js';

interface PageInput {
  limit?: number;
  cursor?: string;
}

const now = (deps: AppDeps): DbTime => toDbTime(deps.clock.now());
const isExpired = (deps: AppDeps, story: StoryRow) => story.expires_at <= now(deps);

export async function createStory(
  deps: AppDeps,
  actor: Actor,
  input: { media_id: string; audience?: StoryAudience },
): Promise<StoryDto> {
  const mediaId = Number(input.media_id);
  const createdAt = now(deps);
  const gone = () => invalidField('media_id', 'no media with this id');
  const row = await inTransaction(deps.db, async (trx) => {
    const [media] = await findMediaForAttach(trx, [mediaId]);
    if (!media) throw gone();
    if (media.owner_id !== actor.id) throw invalidField('media_id', 'is not your media');
    const used = () => invalidField('media_id', 'is already used by a post or a story');
    if (media.post_id !== null || media.story_id !== null) throw used();
    assertMediaReady([media], 'media_id');
    const story = {
      author_id: actor.id,
      media_id: mediaId,
      created_at: createdAt,
      expires_at: addSeconds(createdAt, deps.config.storyTtlSeconds),
      audience: input.audience ?? 'everyone',
    };
    // The unattached-media sweeper may delete the row after the read above.
    const id = await repo.insertStory(trx, story).catch((error: unknown) => {
      throw isForeignKeyViolation(error) ? gone() : error;
    });
    // The guarded update, not the read above, is what stops two concurrent claims.
    if ((await attachToStory(trx, mediaId, actor.id, id)) !== 1) throw used();
    return { id, ...story, viewed: 0, liked: 0, in_audience: 1 };
  });
  const [story] = await hydrateStories(deps, actor.id, [row]);
  if (!story) throw new Error(`story ${row.id} vanished after creation`);
  return story;
}

/**
 * Who may see a story: 404 when it does not exist, its author is deactivated, it expired
 * (except for its author when `authorKeepsExpired`) or it is for close friends the actor is
 * not one of; 403 when privacy hides it.
 */
async function accessibleStory<S extends StoryWithFlags>(
  deps: AppDeps,
  actor: Actor,
  story: S | undefined,
  authorKeepsExpired: boolean,
): Promise<S> {
  if (!story) throw notFound('Story');
  const visibility = await loadOwnerVisibility(deps.db, actor.id, story.author_id);
  if (!visibility?.owner.is_active) throw notFound('Story');
  const isAuthor = story.author_id === actor.id;
  if (isExpired(deps, story) && !(isAuthor && authorKeepsExpired)) throw notFound('Story');
  if (!Number(story.in_audience)) throw notFound('Story');
  if (!canSee(actor.id, visibility.owner, visibility.actorFollowsOwner)) {
    throw forbidden('This account is private; its stories are visible to approved followers.');
  }
  return story;
}

export async function getStory(deps: AppDeps, actor: Actor, id: number): Promise<StoryDto> {
  const row = await accessibleStory(
    deps,
    actor,
    await repo.storyWithFlags(deps.db, actor.id, id),
    true,
  );
  const [story] = await hydrateStories(deps, actor.id, [row]);
  if (!story) throw notFound('Story');
  return story;
}

export async function listUserStories(
  deps: AppDeps,
  actor: Actor,
  username: string,
  query: PageInput,
): Promise<Page<StoryDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id'] as const);
  const visibility = await loadOwnerVisibilityByUsername(deps.db, actor.id, username);
  if (!visibility?.owner.is_active) throw notFound('User');
  if (!canSee(actor.id, visibility.owner, visibility.actorFollowsOwner)) {
    throw forbidden('This account is private; its stories are visible to approved followers.');
  }
  const rows = await repo.activeStoriesOf(
    deps.db,
    actor.id,
    visibility.owner.id,
    now(deps),
    cursor,
    limit + 1,
  );
  return storyPage(deps, actor, rows, limit);
}

/** A page of stories (fetched with one row more than `limit`), hydrated for the caller. */
async function storyPage(deps: AppDeps, actor: Actor, rows: StoryWithFlags[], limit: number) {
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  return { data: await hydrateStories(deps, actor.id, page.rows), next_cursor: page.next_cursor };
}

/** The caller's archive: their expired stories, kept after they left every viewer's list. */
export async function listArchivedStories(
  deps: AppDeps,
  actor: Actor,
  query: PageInput,
): Promise<Page<StoryDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id'] as const);
  const rows = await repo.archivedStoriesOf(deps.db, actor.id, cursor, limit + 1);
  return storyPage(deps, actor, rows, limit);
}

export async function storyTray(deps: AppDeps, actor: Actor): Promise<TrayGroup[]> {
  const rows = await repo.trayStories(deps.db, actor.id, now(deps));
  return groupTray(actor.id, await hydrateStories(deps, actor.id, rows));
}

/** Idempotent; the author is not counted as a viewer of their own story (as on Instagram). */
export async function viewStory(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  const story = await accessibleStory(
    deps,
    actor,
    await repo.storyWithFlags(deps.db, actor.id, id),
    false,
  );
  if (story.author_id === actor.id) return;
  await repo.insertView(deps.db, story.id, actor.id, now(deps));
}

/** The like is a flag on the caller's view, so liking records the view first if needed. */
export async function setStoryLike(
  deps: AppDeps,
  actor: Actor,
  id: number,
  liked: boolean,
): Promise<StoryDto> {
  const story = await accessibleStory(
    deps,
    actor,
    await repo.storyWithFlags(deps.db, actor.id, id),
    false,
  );
  if (story.author_id === actor.id) throw forbidden('You cannot like your own story.');
  if (liked) {
    const notified = await inTransaction(deps.db, async (trx) => {
      await repo.insertView(trx, story.id, actor.id, now(deps));
      await repo.setViewLiked(trx, story.id, actor.id, true);
      const storyLike = { storyId: story.id, recipientId: story.author_id, actorId: actor.id };
      return notify(trx, now(deps), [{ type: 'story_like', ...storyLike }]);
    });
    announce(deps, notified);
  } else {
    await repo.setViewLiked(deps.db, story.id, actor.id, false);
  }
  const row = await repo.storyWithFlags(deps.db, actor.id, id);
  const [dto] = row ? await hydrateStories(deps, actor.id, [row]) : [];
  if (!dto) throw notFound('Story');
  return dto;
}

/** Author only; they keep the list after expiry. Others get 404 once it expired, 403 before. */
async function authoredStory(deps: AppDeps, actor: Actor, id: number): Promise<StoryRow> {
  const story = await repo.storyWithFlags(deps.db, actor.id, id);
  if (!story) throw notFound('Story');
  if (story.author_id === actor.id) return story;
  await accessibleStory(deps, actor, story, false);
  throw forbidden('Only the author of this story can do this.');
}

export async function listViewers(
  deps: AppDeps,
  actor: Actor,
  id: number,
  query: PageInput,
): Promise<Page<StoryViewerDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id'] as const);
  const story = await authoredStory(deps, actor, id);
  const rows = await repo.viewersPage(deps.db, story.id, cursor, limit + 1);
  const page = splitPage(rows, limit, (row) => [row.viewed_at, row.id]);
  const users = await loadUserSummaries(
    deps.db,
    page.rows.map((row) => row.viewer_id),
  );
  const data = page.rows.flatMap((row) => {
    const user = users.get(row.viewer_id);
    if (!user) return [];
    const viewer: StoryViewerDto = {
      user: toUserSummary(user, deps.mediaUrl),
      viewed_at: toIso(row.viewed_at),
      liked: Number(row.liked) === 1,
    };
    return [viewer];
  });
  return { data, next_cursor: page.next_cursor };
}

/** Files are removed after the rows are committed; a storage hiccup then only leaves orphans. */
export async function deleteStory(
  deps: AppDeps,
  actor: Actor,
  id: number,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  await removeStory(deps, await authoredStory(deps, actor, id), log);
}

/** A moderator's removal (remove_content): the same delete, whoever can see it; 404 if gone. */
export async function removeStoryAsModerator(
  deps: AppDeps,
  id: number,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  const story = await repo.findStory(deps.db, id);
  if (!story) throw notFound('Story');
  await removeStory(deps, story, log);
}

async function removeStory(
  deps: AppDeps,
  story: StoryRow,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  const keys = await inTransaction(deps.db, async (trx) => {
    await repo.deleteStoryRows(trx, story.id);
    return deleteStoryMedia(trx, story);
  });
  await deps.storage.delete(keys).catch((err: unknown) => {
    log.warn({ err, keys }, 'story deleted but some of its files could not be removed');
  });
}

/** Which of `ids` are the author's own stories, whatever their state: story id → media id. */
export async function storiesOfAuthor(
  deps: Pick<AppDeps, 'db'>,
  authorId: number,
  ids: readonly number[],
): Promise<Map<number, number>> {
  const rows = await repo.storiesOfAuthor(deps.db, authorId, ids);
  return new Map(rows.map((row) => [Number(row.id), Number(row.media_id)]));
}

/**
 * The stories of a highlight as `viewerId` sees them, in the given order: expired ones too (a
 * highlight keeps them), close-friends ones only for their audience. Reading them records no
 * view. Three statements whatever the number.
 */
export async function storiesForHighlight(
  deps: AppDeps,
  viewerId: number,
  ids: readonly number[],
): Promise<StoryDto[]> {
  const rows = await repo.storiesByIds(deps.db, viewerId, ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return hydrateStories(deps, viewerId, rows);
}
