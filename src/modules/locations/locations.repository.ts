import { compiledQuery } from '../../db/compiled-query.js';
import { ilike } from '../../db/like.js';
import type { Executor } from '../../db/transaction.js';
import type { Location } from '../../db/types.js';
import { after } from '../../http/pagination.js';

export type LocationRow = Pick<Location, 'id' | 'name' | 'address' | 'lat' | 'lng' | 'created_at'>;
const COLUMNS = ['id', 'name', 'address', 'lat', 'lng', 'created_at'] as const;

export async function insertLocation(db: Executor, values: Omit<Location, 'id'>): Promise<number> {
  const result = await db.insertInto('locations').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function findLocationsByIds(
  db: Executor,
  ids: readonly number[],
): Promise<LocationRow[]> {
  if (ids.length === 0) return [];
  return locationsByIdsQuery(db, ids);
}

const locationsByIdsQuery = compiledQuery((db, ids: readonly number[]) =>
  db.selectFrom('locations').select(COLUMNS).where('id', 'in', ids),
);

export async function searchLocations(
  db: Executor,
  q: string | undefined,
  cursor: readonly [string, number] | null,
  limit: number,
): Promise<LocationRow[]> {
  return db
    .selectFrom('locations')
    .select(COLUMNS)
    .$if(q !== undefined, (qb) => qb.where(ilike('name', q ?? '', 'prefix')))
    .$if(cursor !== null, (qb) => qb.where((eb) => after(eb, ['created_at', 'id'], cursor!, 'asc')))
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit + 1)
    .execute();
}
