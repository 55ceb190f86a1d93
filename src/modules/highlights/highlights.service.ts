import type { AppDeps } from '../../deps.js';
import { type DbTime, toDbTime, toIso } from '../../db/time.js';
import { inTransaction } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest, forbidden, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { toMediaDto } from '../media/media.schema.js';
import { loadMediaRows } from '../media/media.service.js';
import { storiesForHighlight, storiesOfAuthor } from '../stories/stories.service.js';
import { loadUserSummaries, toUserSummary } from '../users/user-summary.js';
import { canSee, loadOwnerVisibility, loadOwnerVisibilityByUsername } from '../users/visibility.js';
import * as repo from './highlights.repository.js';
import type { HighlightView } from './highlights.repository.js';
import type {
  CreateHighlightInput,
  HighlightDetailDto,
  HighlightDto,
  UpdateHighlightInput,
} from './highlights.schema.js';

const PRIVATE = 'This account is private: only its approved followers see its highlights.';
const now = (deps: AppDeps): DbTime => toDbTime(deps.clock.now());

/**
 * The caller's own stories for a highlight, whatever their state (a highlight is how expired
 * stories stay on a profile): any other id is 400 on `story_ids`. Returns story id → media id.
 */
async function ownStories(deps: AppDeps, actor: Actor, storyIds: readonly string[]) {
  const ids = storyIds.map(Number);
  const media = await storiesOfAuthor(deps, actor.id, ids);
  const errors = ids
    .filter((id) => !media.has(id))
    .map((id) => ({ field: 'story_ids', message: `${id} is not one of your stories` }));
  if (errors.length > 0) throw badRequest('A highlight holds only your own stories.', errors);
  return { ids, media };
}

/** A cover must be the media of one of the highlight's stories. */
function checkCover(cover: string | null | undefined, media: Map<number, number>) {
  if (cover === null || cover === undefined) return null;
  if (![...media.values()].includes(Number(cover))) {
    throw invalidField('cover_media_id', 'must be the media of one of the highlight’s stories');
  }
  return Number(cover);
}

export async function createHighlight(
  deps: AppDeps,
  actor: Actor,
  input: CreateHighlightInput,
): Promise<HighlightDetailDto> {
  const { ids, media } = await ownStories(deps, actor, input.story_ids);
  const cover = checkCover(input.cover_media_id, media);
  const at = now(deps);
  const id = await inTransaction(deps.db, async (trx) => {
    const highlightId = await repo.insertHighlight(trx, {
      owner_id: actor.id,
      title: input.title,
      cover_media_id: cover,
      position: await repo.firstPosition(trx, actor.id),
      created_at: at,
      updated_at: at,
    });
    await repo.replaceHighlightStories(trx, highlightId, ids);
    return highlightId;
  });
  return getHighlight(deps, actor, id);
}

/**
 * A highlight the actor may see: 404 when it does not exist, its owner is deactivated or blocks
 * (or is blocked by) the actor, or none of its stories is for the actor; 403 when the owner is
 * private and the actor no approved follower.
 */
async function visibleHighlight(deps: AppDeps, actor: Actor, id: number): Promise<HighlightView> {
  const highlight = await repo.findHighlightView(deps.db, actor.id, id);
  if (!highlight) throw notFound('Highlight');
  const visibility = await loadOwnerVisibility(deps.db, actor.id, highlight.owner_id);
  if (!visibility?.owner.is_active) throw notFound('Highlight');
  if (!canSee(actor.id, visibility.owner, visibility.actorFollowsOwner)) throw forbidden(PRIVATE);
  return highlight;
}

/** The owner's highlight for a change: others get what a read would give them, else 403. */
async function ownHighlight(deps: AppDeps, actor: Actor, id: number) {
  const highlight = await repo.findHighlight(deps.db, id);
  if (!highlight) throw notFound('Highlight');
  if (highlight.owner_id === actor.id) return highlight;
  await visibleHighlight(deps, actor, id);
  throw forbidden('Only the owner of this highlight can change it.');
}

export async function getHighlight(
  deps: AppDeps,
  actor: Actor,
  id: number,
): Promise<HighlightDetailDto> {
  const highlight = await visibleHighlight(deps, actor, id);
  const storyIds = await repo.highlightStoryIds(deps.db, id);
  const [[dto], stories] = await Promise.all([
    hydrateHighlights(deps, [highlight]),
    storiesForHighlight(deps, actor.id, storyIds),
  ]);
  if (!dto) throw notFound('Highlight');
  return { ...dto, stories };
}

export async function updateHighlight(
  deps: AppDeps,
  actor: Actor,
  id: number,
  input: UpdateHighlightInput,
): Promise<HighlightDetailDto> {
  await ownHighlight(deps, actor, id);
  const current = input.story_ids ?? (await repo.highlightStoryIds(deps.db, id)).map(String);
  const { ids, media } = await ownStories(deps, actor, current);
  const cover =
    input.cover_media_id === undefined ? undefined : checkCover(input.cover_media_id, media);
  await inTransaction(deps.db, async (trx) => {
    await repo.updateHighlight(trx, id, {
      updated_at: now(deps),
      ...(input.title === undefined ? {} : { title: input.title }),
      ...(cover === undefined ? {} : { cover_media_id: cover }),
    });
    if (input.story_ids !== undefined) await repo.replaceHighlightStories(trx, id, ids);
  });
  return getHighlight(deps, actor, id);
}

export async function deleteHighlight(deps: AppDeps, actor: Actor, id: number): Promise<void> {
  await ownHighlight(deps, actor, id);
  await inTransaction(deps.db, (trx) => repo.deleteHighlight(trx, id));
}

/** `ids` must be exactly the caller's highlights, each once; 400 on `ids` otherwise. */
export async function reorderHighlights(
  deps: AppDeps,
  actor: Actor,
  ids: readonly string[],
): Promise<void> {
  const wanted = ids.map(Number);
  await inTransaction(deps.db, async (trx) => {
    const mine = new Set(await repo.highlightIdsOf(trx, actor.id));
    const errors = wanted
      .filter((id) => !mine.has(id))
      .map((id) => ({ field: 'ids', message: `${id} is not one of your highlights` }));
    const missing = [...mine].filter((id) => !wanted.includes(id));
    if (missing.length > 0) {
      errors.push({ field: 'ids', message: `leaves out your highlights ${missing.join(', ')}` });
    }
    if (errors.length > 0) throw badRequest('List each of your highlights once.', errors);
    await repo.setPositions(trx, actor.id, wanted);
  });
}

/** A profile's highlights in their order: as visible as the account's posts (404 / 403). */
export async function listUserHighlights(
  deps: AppDeps,
  actor: Actor,
  username: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<HighlightDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['number', 'id'] as const);
  const visibility = await loadOwnerVisibilityByUsername(deps.db, actor.id, username);
  if (!visibility?.owner.is_active) throw notFound('User');
  if (!canSee(actor.id, visibility.owner, visibility.actorFollowsOwner)) throw forbidden(PRIVATE);
  const rows = await repo.highlightsPage(deps.db, actor.id, visibility.owner.id, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.position, row.id]);
  return { data: await hydrateHighlights(deps, page.rows), next_cursor: page.next_cursor };
}

/** Owners and covers in one statement each, whatever the number of highlights. */
async function hydrateHighlights(
  deps: AppDeps,
  rows: readonly HighlightView[],
): Promise<HighlightDto[]> {
  const covers = rows.flatMap((row) => (row.cover_id === null ? [] : [Number(row.cover_id)]));
  const [owners, media] = await Promise.all([
    loadUserSummaries(
      deps.db,
      rows.map((row) => row.owner_id),
    ),
    loadMediaRows(deps.db, covers),
  ]);
  return rows.flatMap((row) => {
    const owner = owners.get(row.owner_id);
    if (!owner) return [];
    const cover = row.cover_id === null ? undefined : media.get(Number(row.cover_id));
    return [
      {
        id: String(row.id),
        title: row.title,
        owner: toUserSummary(owner, deps.mediaUrl),
        cover: cover ? toMediaDto(cover, deps.mediaUrl, true) : null,
        story_count: Number(row.story_count),
        created_at: toIso(row.created_at),
        updated_at: toIso(row.updated_at),
      },
    ];
  });
}
