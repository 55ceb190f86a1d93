import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, MysqlDialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import type { DatabaseConfig } from '../config.js';
import { recordQuery } from './query-count.js';
import { AppSqliteDialect } from './sqlite-dialect.js';
import type { DB } from './types.js';

export type Db = Kysely<DB>;

export interface CreateDbOptions {
  /** Sees every statement with its parameters (the demo prints them). */
  onQuery?: (event: LogEvent) => void;
  mysqlPoolSize?: number;
}

/** Sees each statement once it has run or failed (`event.level === 'error'`), with its time. */
export type StatementListener = (event: LogEvent) => void;

const statementListeners = new WeakMap<object, Set<StatementListener>>();

/**
 * Adds a listener to a database from createDb, whoever opened it (the app logs failed
 * statements and feeds metrics this way); returns the function that removes it.
 */
export function onStatement(db: Db, listener: StatementListener): () => void {
  const listeners = statementListeners.get(db);
  if (!listeners) throw new Error('onStatement: not a database opened by createDb');
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function createDb(database: DatabaseConfig, options: CreateDbOptions = {}): Db {
  const listeners = new Set<StatementListener>();
  const log = (event: LogEvent) => {
    recordQuery(event.queryDurationMillis);
    options.onQuery?.(event);
    if (listeners.size > 0) for (const listener of listeners) listener(event);
  };
  if (database.dialect === 'sqlite') {
    // The driver tells `log` itself: Kysely's `log` option adds awaits to every statement.
    const dialect = new AppSqliteDialect({ database: openSqlite(database.file), onStatement: log });
    const db = new Kysely<DB>({ dialect });
    statementListeners.set(db, listeners);
    return db;
  }
  const pool = createMysqlPool(database.url, options.mysqlPoolSize ?? 10);
  const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool }), log });
  statementListeners.set(db, listeners);
  return db;
}

/** A mysql2 pool set up as the app reads and writes: UTC, strict mode, times as text. */
export function createMysqlPool(url: string, connectionLimit: number) {
  const pool = createPool({
    uri: url,
    connectionLimit,
    // DATETIME(3) comes back as the same 'YYYY-MM-DD HH:MM:SS.mmm' text SQLite stores.
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    charset: 'utf8mb4_bin',
    enableKeepAlive: true,
  });
  pool.on('connection', (connection) => {
    connection.query(
      "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'",
    );
  });
  return pool;
}

/** A SQLite connection with the app's pragmas (WAL, foreign keys, busy timeout). */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  dropStat4Samples(sqlite);
  return sqlite;
}

/**
 * better-sqlite3's SQLite is built with STAT4, so ANALYZE (an operator may run it) also stores
 * per-index value samples. With samples, SQLite compiles a statement again on every run whose
 * bound values differ from the last ones, in case they change the plan: a profile read cost
 * 17 µs instead of 4.5, and the benchmark's profile scenario went from 11,000 to 17,000 req/s
 * without them. The app's statements get their plans from their indexes and sqlite_stat1's row
 * counts, which are kept; the samples are removed and the statistics reloaded (`analyze
 * sqlite_schema`; the schema, samples included, was loaded by the first statement here). It is
 * only a speed-up, so a file another process is writing to (busy past busy_timeout) or a
 * read-only one is opened as it is.
 */
function dropStat4Samples(sqlite: Database.Database): void {
  const stat4 = sqlite.prepare("select 1 from sqlite_schema where name = 'sqlite_stat4'");
  if (!stat4.get() || !sqlite.prepare('select 1 from sqlite_stat4 limit 1').get()) return;
  try {
    sqlite.exec('delete from sqlite_stat4; analyze sqlite_schema');
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_READONLY')) throw error;
  }
}
