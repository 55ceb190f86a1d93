import { sql } from 'kysely';
import type { Db } from './client.js';

export const CONNECT_ATTEMPTS = 10;

/** Access denied (1044, 1045, 1698) and unknown database (1049). */
const PERMANENT_MYSQL_ERRORS = new Set([1044, 1045, 1049, 1698]);

/**
 * Waits for the database with exponential backoff (0.5 s doubling to 5 s, ~37 s in all), so a
 * process started alongside its database neither crash-loops nor prints a stack. False when it
 * never answered; throws at once when it answered with an error retrying cannot fix.
 */
export async function waitForDatabase(
  db: Db,
  warn: (message: string) => void,
  { attempts = CONNECT_ATTEMPTS, firstDelayMs = 500 } = {},
): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await sql`select 1`.execute(db);
      return true;
    } catch (error) {
      // Wrong credentials or database name will not fix themselves: say so at once.
      if (PERMANENT_MYSQL_ERRORS.has((error as { errno?: number }).errno ?? 0)) {
        throw new Error(`The database refused the connection: ${(error as Error).message}`);
      }
      const reason = `database not reachable (attempt ${attempt}/${attempts}): ${(error as Error).message}`;
      if (attempt === attempts) {
        warn(reason);
        break;
      }
      const delay = Math.min(firstDelayMs * 2 ** (attempt - 1), 10 * firstDelayMs);
      warn(`${reason}; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return false;
}

/** Where the database is, for messages (never the password). */
export const describeDatabase = (
  database: { dialect: 'sqlite'; file: string } | { dialect: 'mysql'; url: string },
) => (database.dialect === 'sqlite' ? database.file : new URL(database.url).host);
