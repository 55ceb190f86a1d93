import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';

export interface IdempotencyKeyRow {
  id: number;
  fingerprint: string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: DbTime;
}

/** Inserts the claim unless (user, key) exists; returns the new row's id, or null. */
export async function insertClaim(
  db: Executor,
  claim: { user_id: number; idempotency_key: string; fingerprint: string; created_at: DbTime },
): Promise<number | null> {
  const result = await db
    .insertInto('idempotency_keys')
    .values(claim)
    .orIgnore()
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? Number(result.insertId) : null;
}

export const findByKey = (db: Executor, userId: number, key: string) =>
  db
    .selectFrom('idempotency_keys')
    .select([
      'id',
      'fingerprint',
      'response_status',
      'response_headers',
      'response_body',
      'created_at',
    ])
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst() as Promise<IdempotencyKeyRow | undefined>;

/**
 * Restarts a row as a fresh claim, only if it is still the version the caller read (same
 * claim time): of several requests taking over one expired or abandoned key, one wins.
 */
export async function retakeClaim(
  db: Executor,
  id: number,
  readCreatedAt: DbTime,
  fingerprint: string,
  createdAt: DbTime,
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      fingerprint,
      created_at: createdAt,
      response_status: null,
      response_headers: null,
      response_body: null,
    })
    .where('id', '=', id)
    .where('created_at', '=', readCreatedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function saveResponse(
  db: Executor,
  id: number,
  response: { status: number; headers: string; body: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      response_status: response.status,
      response_headers: response.headers,
      response_body: response.body,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteClaim(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('id', '=', id).execute();
}

export async function deleteClaimedBefore(db: Executor, cutoff: DbTime): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
