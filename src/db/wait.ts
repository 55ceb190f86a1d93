import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config.js';
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
        throw new Error(`The database refused the connection: ${(error as Error).message}`, {
          cause: error,
        });
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
export const describeDatabase = (database: DatabaseConfig) =>
  database.dialect === 'sqlite' ? database.file : new URL(database.url).host;

/** Unknown database (1049); access denied to a database (1044), also what a missing one looks like to a user without rights on it. */
const MISSING_OR_FORBIDDEN_DATABASE = new Set([1049, 1044]);

/**
 * What a process does before using the database: waits for it to answer, and on MySQL creates
 * a database that does not exist yet (when the user may). Throws with a message for people.
 */
export async function connectDatabase(
  db: Db,
  database: DatabaseConfig,
  log: (message: string) => void,
): Promise<void> {
  let answered: boolean;
  try {
    answered = await waitForDatabase(db, log);
  } catch (error) {
    const refusal = (error as Error).cause as { errno?: number; message: string } | undefined;
    if (database.dialect !== 'mysql' || !MISSING_OR_FORBIDDEN_DATABASE.has(refusal?.errno ?? 0)) {
      throw error;
    }
    if (await createMysqlDatabase(database.url, refusal!)) {
      log(`created the database ${createDatabaseStatement(database.url).name}`);
    }
    answered = await waitForDatabase(db, log);
  }
  if (!answered) {
    throw new Error(
      `Giving up: the database at ${describeDatabase(database)} did not answer after ${CONNECT_ATTEMPTS} attempts.`,
    );
  }
}

/** The statement that creates the database of a MySQL URL, with the character set the schema expects. */
export function createDatabaseStatement(url: string): { name: string; statement: string } {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const quoted = `\`${name.replace(/`/g, '``')}\``;
  return {
    name,
    statement: `CREATE DATABASE IF NOT EXISTS ${quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  };
}

/**
 * Creates the database a MySQL URL names, connected without one. True when it was created, false
 * when it already existed; when the user may not create it, throws naming the statement to run.
 */
async function createMysqlDatabase(
  url: string,
  refusal: { errno?: number; message: string },
): Promise<boolean> {
  const { name, statement } = createDatabaseStatement(url);
  const server = new URL(url);
  const user = decodeURIComponent(server.username);
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    const [result] = await connection.query(statement);
    return (result as { affectedRows?: number }).affectedRows === 1;
  } catch (error) {
    throw new Error(
      refusal.errno === 1049
        ? `The database "${name}" does not exist and user "${user}" may not create it (${(error as Error).message}). ` +
            `Ask an administrator to run: ${statement};`
        : `User "${user}" may not use the database "${name}" (${refusal.message}). ` +
            `If it does not exist yet, ask an administrator to run: ${statement}; and to grant "${user}" access to it.`,
      { cause: error },
    );
  } finally {
    await connection.end();
  }
}
