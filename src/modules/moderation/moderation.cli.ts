import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import type { UserRole } from '../../db/types.js';
import { changeRoleFromConsole, ROLES } from './moderation.service.js';

const USAGE = `usage: npm run user:role -- NAME ${ROLES.join('|')}`;

/**
 * Sets an account's role from the console: the way an install gets its first admin, who can
 * then moderate through the API. The change is written to the audit log with no actor.
 */
async function main() {
  const [username, role, ...rest] = process.argv.slice(2);
  if (!username || !role || rest.length > 0 || !ROLES.includes(role as UserRole)) {
    throw new Error(USAGE);
  }
  const db = createDb(loadConfig().database);
  try {
    const previous = await changeRoleFromConsole(db, new Date(), username, role as UserRole);
    console.log(`${username.toLowerCase()}: ${previous} → ${role}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
