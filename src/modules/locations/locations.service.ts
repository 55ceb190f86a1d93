import type { AppDeps } from '../../deps.js';
import type { Executor } from '../../db/transaction.js';
import { toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { visiblePostCountsByLocation } from '../posts/post-counts.js';
import type { CreateLocationInput, LocationDto, LocationQueryInput } from './locations.schema.js';
import {
  findLocationsByIds,
  insertLocation,
  type LocationRow,
  searchLocations,
} from './locations.repository.js';

const toLocationDto = (row: LocationRow, postsCount?: number): LocationDto => ({
  id: String(row.id),
  name: row.name,
  address: row.address,
  lat: row.lat,
  lng: row.lng,
  ...(postsCount === undefined ? {} : { posts_count: postsCount }),
});

/**
 * Embedded locations (in posts) carry no posts_count: counting is kept off the feed's path.
 * Always one statement, even for no ids, so a page's statement count does not depend on its data.
 */
export async function loadLocations(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, LocationDto>> {
  const rows = await findLocationsByIds(db, ids.length > 0 ? [...new Set(ids)] : [0]);
  return new Map(rows.map((row) => [row.id, toLocationDto(row)]));
}

export async function locationExists(db: Executor, id: number): Promise<boolean> {
  return (await findLocationsByIds(db, [id])).length === 1;
}

export async function createLocation(
  deps: AppDeps,
  actor: Actor,
  input: CreateLocationInput,
): Promise<LocationDto> {
  const values = {
    name: input.name,
    address: input.address || null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    created_by: actor.id,
    created_at: toDbTime(deps.clock.now()),
  };
  const id = await insertLocation(deps.db, values);
  return toLocationDto({ id, ...values }, 0);
}

export async function getLocation(
  deps: AppDeps,
  actorId: number | null,
  id: number,
): Promise<LocationDto> {
  const [row] = await findLocationsByIds(deps.db, [id]);
  if (!row) throw notFound('Location');
  const counts = await visiblePostCountsByLocation(deps.db, actorId, [id]);
  return toLocationDto(row, counts.get(id) ?? 0);
}

export async function listLocations(
  deps: AppDeps,
  actorId: number | null,
  query: LocationQueryInput,
): Promise<Page<LocationDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const rows = await searchLocations(deps.db, query.q, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  const counts = await visiblePostCountsByLocation(
    deps.db,
    actorId,
    page.rows.map((row) => row.id),
  );
  return {
    data: page.rows.map((row) => toLocationDto(row, counts.get(row.id) ?? 0)),
    next_cursor: page.next_cursor,
  };
}
