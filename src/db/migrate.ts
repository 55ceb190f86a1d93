import { Migrator, type MigrationResultSet } from 'kysely';
import { pathToFileURL } from 'node:url';
import { loadDatabaseConfig } from '../config.js';
import { loadEnvFile } from '../env.js';
import { createDb, type Db } from './client.js';
import { migrations } from './migrations/index.js';
import { connectDatabase } from './wait.js';

const migratorFor = (db: Db) =>
  new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });

export async function migrateToLatest(db: Db): Promise<string[]> {
  return applied(await migratorFor(db).migrateToLatest());
}

export async function migrateDown(db: Db, all = false): Promise<string[]> {
  const migrator = migratorFor(db);
  if (!all) return applied(await migrator.migrateDown());
  const { NO_MIGRATIONS } = await import('kysely');
  return applied(await migrator.migrateTo(NO_MIGRATIONS));
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `Migration ${failed} failed` : 'Migrations could not run';
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).map(
    (r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`,
  );
}

async function main(direction: 'up' | 'down') {
  loadEnvFile();
  const { database } = loadDatabaseConfig();
  const db = createDb(database);
  try {
    // Deployments run this right after starting the database: wait for it like the server does.
    await connectDatabase(db, database, (message) => console.error(message));
    const done =
      direction === 'down'
        ? await migrateDown(db, process.argv.includes('--all'))
        : await migrateToLatest(db);
    const nothing =
      direction === 'down'
        ? 'Nothing to revert: no migration is applied.'
        : 'Nothing to do: the database is up to date.';
    console.log(done.length > 0 ? done.join('\n') : nothing);
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const direction = process.argv[2];
  if (direction !== 'up' && direction !== 'down') {
    console.error('usage: migrate.ts up | down [--all]');
    process.exit(2);
  }
  main(direction).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
