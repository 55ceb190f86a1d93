import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { type App, buildApp } from '../../src/app.js';
import { type Clock, createClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';

// Every compiled query template is checked against the query its arguments build (src/db/compiled-query.ts).
process.env.COMPILED_QUERY_CHECK ??= '1';

export interface TestApp {
  app: App;
  db: Db;
  config: Readonly<Config>;
  clock: Clock;
  dialect: 'sqlite' | 'mysql';
  /** Runs every due background job (fan-out, backfill, …) before the test reads their effect. */
  drainJobs(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra routes (e.g. a route that throws), registered before the app is ready. */
  extend?: (app: App) => void | Promise<void>;
  /** Leave the schema empty (migration tests). */
  migrate?: boolean;
  /** Receives the app's log lines (set LOG_LEVEL in `env` too). */
  logStream?: { write(line: string): void };
}

/**
 * The real app on a fresh database: a new SQLite file, or (TEST_DATABASE_URL=mysql://…) a new
 * MySQL database that is dropped afterwards, so test files never see each other's rows.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'photogram-test-'));
  const database = await freshDatabase(dir);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    MEDIA_DIR: path.join(dir, 'media'),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    PUBLIC_URL: 'http://photogram.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SERVER_TIMING: '1',
    AUTH_RATE_LIMIT_PER_MIN: '1000',
    // API only, whether or not web/dist is built; the browser tests and web-app.test.ts set it.
    WEB_DIST_DIR: path.join(dir, 'no-web-build'),
    // Off unless a test checks them: suites make more writes than a person would.
    WRITE_RATE_LIMIT_PER_5MIN: '0',
    UPLOAD_RATE_LIMIT_PER_30MIN: '0',
    // A loaded machine may take more than the default 10 s to transcode a test clip; tests of
    // the 202 path set 0.
    MEDIA_SYNC_WAIT_MS: '120000',
    ...options.env,
  });
  const db = createDb(config.database, { mysqlPoolSize: 20 });
  if (options.migrate !== false) await migrateToLatest(db);
  const clock = createClock();
  const app = await buildApp(config, { db, clock, logStream: options.logStream });
  await options.extend?.(app);
  await app.ready();
  return {
    app,
    db,
    config,
    clock,
    dialect: config.database.dialect,
    drainJobs: () => app.jobs.drain(),
    async close() {
      await app.close();
      await db.destroy().catch(() => undefined);
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: `sqlite:${path.join(dir, 'test.db')}`, drop: async () => undefined };
  const name = `photogram_test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(base);
  const connection = await createConnection({ uri: admin.toString() });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await connection.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await createConnection({ uri: admin.toString() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
