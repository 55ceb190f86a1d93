import closeWithGrace from 'close-with-grace';
import { sql } from 'kysely';
import { buildApp } from './app.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import { createDb, type Db } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';

const CONNECT_ATTEMPTS = 10;

/** The process shell: config, wait for the database, migrate, listen, close gracefully. */
async function main() {
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const db = createDb(config.database);
  const app = await buildApp(config, { db });
  app.addHook('onClose', async () => db.destroy());

  if (!(await waitForDatabase(db, (message) => app.log.warn(message)))) {
    app.log.error(
      `Giving up: the database at ${describe(config)} did not answer after ${CONNECT_ATTEMPTS} attempts.`,
    );
    await db.destroy();
    process.exit(1);
  }
  const applied = await migrateToLatest(db);
  app.log.info(
    applied.length > 0 ? `migrations: ${applied.join(', ')}` : 'migrations: database is up to date',
  );

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal} received: finishing in-flight requests, then closing`);
    await app.close();
  });
  await app.listen({ port: config.port, host: config.host });
}

async function waitForDatabase(db: Db, warn: (message: string) => void): Promise<boolean> {
  for (let attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
    try {
      await sql`select 1`.execute(db);
      return true;
    } catch (error) {
      const delay = Math.min(500 * 2 ** (attempt - 1), 5000);
      warn(
        `database not reachable (attempt ${attempt}/${CONNECT_ATTEMPTS}): ${(error as Error).message}; retrying in ${delay} ms`,
      );
      if (attempt < CONNECT_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return false;
}

const describe = (config: Readonly<Config>) =>
  config.database.dialect === 'sqlite' ? config.database.file : new URL(config.database.url).host;

main().catch((error: Error) => {
  console.error(`Photogram failed to start: ${error.message}`);
  process.exit(1);
});
