import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import type { DB } from '../../db/types.js';
import type { Insertable } from 'kysely';

export async function insertApp(db: Executor, values: Insertable<DB['oauth_apps']>) {
  const result = await db.insertInto('oauth_apps').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export const findAppByClientId = (db: Executor, clientId: string) =>
  db.selectFrom('oauth_apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();

export const findAppById = (db: Executor, id: number) =>
  db.selectFrom('oauth_apps').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertCode(db: Executor, values: Insertable<DB['oauth_codes']>) {
  await db.insertInto('oauth_codes').values(values).execute();
}

export const findCode = (db: Executor, codeHash: string) =>
  db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();

/** False when another exchange used the code first: a code works once. */
export async function markCodeUsed(db: Executor, id: number, now: DbTime): Promise<boolean> {
  const result = await db
    .updateTable('oauth_codes')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertToken(db: Executor, values: Insertable<DB['oauth_tokens']>) {
  await db.insertInto('oauth_tokens').values(values).execute();
}

/** A usable token: not revoked, and its account (if any) still active. One statement. */
export const findLiveToken = (db: Executor, tokenHash: string) =>
  db
    .selectFrom('oauth_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('sessions as s', 's.id', 't.session_id')
    .select(['t.id', 't.app_id', 't.user_id', 't.scopes', 't.session_id', 'u.is_active'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    // Ended with its session (GET /me/sessions, a password change, a suspension).
    .where((eb) => eb.or([eb('t.session_id', 'is', null), eb('s.revoked_at', 'is', null)]))
    .executeTakeFirst();

/** The user and session of a token of this app, to end that session with the token. */
export const findTokenSession = (db: Executor, tokenHash: string, appId: number) =>
  db
    .selectFrom('oauth_tokens')
    .select(['user_id', 'session_id'])
    .where('token_hash', '=', tokenHash)
    .where('app_id', '=', appId)
    .executeTakeFirst();

export async function revokeToken(db: Executor, tokenHash: string, appId: number, now: DbTime) {
  await db
    .updateTable('oauth_tokens')
    .set({ revoked_at: now })
    .where('token_hash', '=', tokenHash)
    .where('app_id', '=', appId)
    .where('revoked_at', 'is', null)
    .execute();
}
