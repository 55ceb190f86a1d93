import { type Insertable, type Selectable, sql } from 'kysely';
import type { DbTime } from '../../db/time.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { HighlightsTable } from '../../db/types.js';
import { after } from '../../http/pagination.js';
import { inStoryAudience } from '../stories/story-audience.js';

export type HighlightRow = Selectable<HighlightsTable>;

/** A highlight as one viewer sees it: how many of its stories, and which cover. */
export interface HighlightView extends HighlightRow {
  story_count: number;
  cover_id: number | null;
}

const COLUMNS = [
  'highlights.id',
  'highlights.owner_id',
  'highlights.title',
  'highlights.cover_media_id',
  'highlights.position',
  'highlights.created_at',
  'highlights.updated_at',
] as const;

/** The highlight's stories that the viewer may see (close-friends ones only for their audience). */
const visibleStoriesOf = (viewerId: number) => sql`from highlight_stories hs
  inner join stories on stories.id = hs.story_id
  where hs.highlight_id = highlights.id and ${inStoryAudience(viewerId)}`;

/** Highlights with the viewer's story count and cover; the owner sees them all, others only non-empty ones. */
function viewQuery(db: Executor, viewerId: number) {
  const visible = visibleStoriesOf(viewerId);
  return db
    .selectFrom('highlights')
    .select(COLUMNS)
    .select([
      sql<number>`(select count(*) ${visible})`.as('story_count'),
      sql<number | null>`coalesce(
        (select stories.media_id ${visible} and stories.media_id = highlights.cover_media_id limit 1),
        (select stories.media_id ${visible} order by hs.position limit 1))`.as('cover_id'),
    ])
    .where((eb) =>
      eb.or([eb('highlights.owner_id', '=', viewerId), sql<boolean>`exists (select 1 ${visible})`]),
    );
}

export async function findHighlightView(
  db: Executor,
  viewerId: number,
  id: number,
): Promise<HighlightView | undefined> {
  return viewQuery(db, viewerId).where('highlights.id', '=', id).executeTakeFirst();
}

/** One page of an account's highlights in their order, as the viewer sees them. */
export function highlightsPage(
  db: Executor,
  viewerId: number,
  ownerId: number,
  cursor: readonly [number, number] | null,
  limit: number,
): Promise<HighlightView[]> {
  return viewQuery(db, viewerId)
    .where('highlights.owner_id', '=', ownerId)
    .$if(cursor !== null, (q) =>
      q.where((eb) => after(eb, ['highlights.position', 'highlights.id'], cursor!, 'asc')),
    )
    .orderBy('highlights.position', 'asc')
    .orderBy('highlights.id', 'asc')
    .limit(limit + 1)
    .execute();
}

export function findHighlight(db: Executor, id: number): Promise<HighlightRow | undefined> {
  return db.selectFrom('highlights').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** A new highlight goes first: one position before the owner's current first. */
export async function firstPosition(trx: Trx, ownerId: number): Promise<number> {
  const row = await trx
    .selectFrom('highlights')
    .select((eb) => eb.fn.min('position').as('first'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return row?.first === null || row?.first === undefined ? 0 : Number(row.first) - 1;
}

export async function insertHighlight(trx: Trx, values: Insertable<HighlightsTable>) {
  const result = await trx.insertInto('highlights').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function updateHighlight(
  trx: Trx,
  id: number,
  patch: Partial<Pick<HighlightRow, 'title' | 'cover_media_id'>> & { updated_at: DbTime },
) {
  await trx.updateTable('highlights').set(patch).where('id', '=', id).execute();
}

export async function deleteHighlight(trx: Trx, id: number) {
  await trx.deleteFrom('highlight_stories').where('highlight_id', '=', id).execute();
  await trx.deleteFrom('highlights').where('id', '=', id).execute();
}

/** Makes the highlight's stories exactly `storyIds`, in that order. */
export async function replaceHighlightStories(
  trx: Trx,
  highlightId: number,
  storyIds: readonly number[],
) {
  await trx.deleteFrom('highlight_stories').where('highlight_id', '=', highlightId).execute();
  await trx
    .insertInto('highlight_stories')
    .values(
      storyIds.map((story_id, position) => ({ highlight_id: highlightId, story_id, position })),
    )
    .execute();
}

export async function highlightStoryIds(db: Executor, highlightId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('highlight_stories')
    .select('story_id')
    .where('highlight_id', '=', highlightId)
    .orderBy('position')
    .execute();
  return rows.map((row) => Number(row.story_id));
}

export async function highlightIdsOf(trx: Trx, ownerId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('highlights')
    .select('id')
    .where('owner_id', '=', ownerId)
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Sets every listed highlight's position to its index, in one statement. */
export async function setPositions(trx: Trx, ownerId: number, ids: readonly number[]) {
  if (ids.length === 0) return;
  const cases = sql.join(
    ids.map((id, i) => sql`when ${id} then ${i}`),
    sql` `,
  );
  await trx
    .updateTable('highlights')
    .set({ position: sql<number>`case id ${cases} end` })
    .where('owner_id', '=', ownerId)
    .where('id', 'in', ids)
    .execute();
}
