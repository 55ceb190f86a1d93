import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { connectDatabase } from './db/wait.js';
import { loadEnvFile } from './env.js';
import { createMetrics, serveMetrics } from './http/metrics.js';
import { checkWritableFolders, foldersToWrite } from './writable-folders.js';

/**
 * The process shell: config, check folders, reach the database, migrate, listen, close
 * gracefully. With `--worker` (npm run worker) it runs background jobs only and does not listen.
 */
async function main() {
  const workerOnly = process.argv.includes('--worker');
  loadEnvFile();
  const config = loadConfig();
  if (workerOnly && config.jobConcurrency === 0) {
    throw new Error('JOB_CONCURRENCY=0: a worker process with no workers would do nothing.');
  }
  await checkWritableFolders(foldersToWrite(config));
  const db = createDb(config.database, { mysqlPoolSize: config.databasePoolSize });
  const metrics = config.metricsPort === null ? undefined : createMetrics();
  const app = await buildApp(config, { db, metrics });
  app.addHook('onClose', async () => db.destroy());

  try {
    await connectDatabase(db, config.database, (message) => app.log.warn(message));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const applied = await migrateToLatest(db);
  app.log.info(
    applied.length > 0 ? `migrations: ${applied.join(', ')}` : 'migrations: database is up to date',
  );

  if (metrics && config.metricsPort !== null) {
    // Its own listener, so the public port (and nginx in front of it) never serves /metrics.
    const served = await serveMetrics(metrics, config.metricsPort, config.host);
    app.addHook('onClose', () => served.close());
    app.log.info(`metrics: serving http://${config.host}:${served.port}/metrics`);
  }

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal} received: finishing in-flight requests, then closing`);
    await app.close();
  });
  if (workerOnly) {
    await app.ready();
    app.log.info(`worker: running up to ${config.jobConcurrency} background jobs at once`);
  } else {
    await app.listen({ port: config.port, host: config.host });
  }
}

main().catch((error: Error) => {
  console.error(
    error instanceof ConfigError ? error.message : `Photogram cannot start: ${error.message}`,
  );
  process.exit(1);
});
