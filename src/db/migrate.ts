import { Migrator, type MigrationResultSet } from 'kysely';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { createDb, type Db } from './client.js';
import { migrations } from './migrations/index.js';

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
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).map(
    (r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`,
  );
}

async function main(direction: string | undefined) {
  const config = loadConfig();
  const db = createDb(config.database);
  try {
    const done =
      direction === 'down'
        ? await migrateDown(db, process.argv.includes('--all'))
        : await migrateToLatest(db);
    console.log(done.length > 0 ? done.join('\n') : 'Nothing to do: the database is up to date.');
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
