import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, MysqlDialect, SqliteDialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import type { DatabaseConfig } from '../config.js';
import { recordQuery } from './query-count.js';
import type { DB } from './types.js';

export type Db = Kysely<DB>;

export interface CreateDbOptions {
  /** Called for every failed statement (logging); successful ones are only counted. */
  onError?: (event: LogEvent & { level: 'error' }) => void;
  /** Sees every statement with its parameters (the demo prints them). */
  onQuery?: (event: LogEvent) => void;
  mysqlPoolSize?: number;
}

export function createDb(database: DatabaseConfig, options: CreateDbOptions = {}): Db {
  const log = (event: LogEvent) => {
    recordQuery(event.queryDurationMillis);
    if (event.level === 'error') options.onError?.(event);
    options.onQuery?.(event);
  };
  if (database.dialect === 'sqlite') {
    return new Kysely<DB>({
      dialect: new SqliteDialect({ database: openSqlite(database.file) }),
      log,
    });
  }
  const pool = createPool({
    uri: database.url,
    connectionLimit: options.mysqlPoolSize ?? 10,
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
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool }), log });
}

function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}
