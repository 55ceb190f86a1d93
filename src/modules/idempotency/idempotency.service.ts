import type { AppDeps } from '../../deps.js';
import { toDbTime, toIso } from '../../db/time.js';
import {
  IDEMPOTENCY_TTL_MS,
  type IdempotencyRecord,
  type IdempotencyStore,
} from '../../http/idempotency.js';
import * as repo from './idempotency.repository.js';

type Deps = Pick<AppDeps, 'db' | 'clock'>;

/** The database behind src/http/idempotency.ts: one statement per operation. */
export function idempotencyStore(deps: Deps): IdempotencyStore {
  const now = () => toDbTime(deps.clock.now());
  return {
    claim: (accountId, key, fingerprint) =>
      repo.insertClaim(deps.db, {
        user_id: accountId,
        idempotency_key: key,
        fingerprint,
        created_at: now(),
      }),
    async find(accountId, key) {
      const row = await repo.findByKey(deps.db, accountId, key);
      return row && toRecord(row);
    },
    retake: (record, fingerprint) =>
      repo.retakeClaim(deps.db, record.id, toDbTime(record.claimedAt), fingerprint, now()),
    complete: (id, response) =>
      repo.saveResponse(deps.db, id, {
        status: response.status,
        headers: JSON.stringify(response.headers),
        body: response.body,
      }),
    release: (id) => repo.deleteClaim(deps.db, id),
  };
}

function toRecord(row: repo.IdempotencyKeyRow): IdempotencyRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    claimedAt: new Date(toIso(row.created_at)),
    response:
      row.response_status === null
        ? null
        : {
            status: row.response_status,
            headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
            body: row.response_body ?? '',
          },
  };
}

/** Deletes keys claimed more than a day ago (they no longer answer retries). */
export const pruneExpiredIdempotencyKeys = (deps: Deps): Promise<number> =>
  repo.deleteClaimedBefore(
    deps.db,
    toDbTime(new Date(deps.clock.now().getTime() - IDEMPOTENCY_TTL_MS)),
  );

export const PRUNE_IDEMPOTENCY_KEYS = 'idempotency.prune';

/** Retention, run hourly as a job (src/jobs/schedule.ts): keys past their 24 hours go. */
export const idempotencyJobHandlers = (deps: Deps) => ({
  async [PRUNE_IDEMPOTENCY_KEYS]() {
    await pruneExpiredIdempotencyKeys(deps);
  },
});
