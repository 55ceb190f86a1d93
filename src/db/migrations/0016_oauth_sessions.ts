import type { AnyDb } from './ddl.js';
import { refType } from './ddl.js';

/**
 * An app's access token belongs to a login session (issue #20): it is listed in GET
 * /me/sessions and ends with it (revoked there, by a password change, a suspension, or by the
 * app through /oauth/revoke). Client-credentials tokens have no user and no session.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('oauth_tokens').addColumn('session_id', refType(db)).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('oauth_tokens').dropColumn('session_id').execute();
}
