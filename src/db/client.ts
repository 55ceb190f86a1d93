import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type CompiledQuery, Kysely, MysqlDialect, SelectQueryNode, type LogEvent } from 'kysely';
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
    const statements = withStatementCache(openSqlite(database.file));
    const db = new Kysely<DB>({ dialect: new AppSqliteDialect({ database: statements }), log });
    directReaders.set(db, directReader(statements, log));
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

/**
 * Runs a compiled read synchronously on the SQLite connection, skipping Kysely's executor: its
 * connection mutex, promise hops and result wrapping cost ~2 µs per statement, as much as a
 * primary-key lookup itself (six statements make a post). Returns null, and the caller goes
 * through Kysely, when the statement writes or a transaction is open on the connection: a read
 * run then would see that transaction's uncommitted rows. With no transaction open, Kysely can
 * hold its mutex only around a synchronous statement or before a `begin`, so running another
 * statement in between is what autocommit would do anyway.
 */
export type DirectReader = (query: CompiledQuery) => unknown[] | null;

const directReaders = new WeakMap<object, DirectReader>();

/** The direct reader of a SQLite database; none for MySQL or for a transaction's executor. */
export const directReaderOf = (executor: object): DirectReader | undefined =>
  directReaders.get(executor);

function directReader(
  statements: ReturnType<typeof withStatementCache>,
  log: (event: LogEvent) => void,
): DirectReader {
  return (query) => {
    // A write (even one with RETURNING, which SQLite reports as a reader) goes through Kysely.
    if (!SelectQueryNode.is(query.query) || statements.inTransaction()) return null;
    const statement = statements.prepare(query.sql);
    const started = performance.now();
    try {
      const rows = statement.all(...(query.parameters as unknown[])) as unknown[];
      log({ level: 'query', query, queryDurationMillis: performance.now() - started });
      return rows;
    } catch (error) {
      log({ level: 'error', error, query, queryDurationMillis: performance.now() - started });
      throw error;
    }
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely opens SQLite transactions with a deferred `begin`. Every transaction here is a write
 * (inTransaction is the one way to run a multi-row write), and a deferred one that reads
 * first fails with SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out, when another process
 * (a second replica, `npm run bench -- --workers 2`) commits between its read and its first
 * write. `begin immediate` takes the write lock up front and waits for it (busy_timeout).
 */
const BEGIN_WRITE = 'begin immediate';

/**
 * The statement interface Kysely's SQLite driver uses. Kysely prepares every statement anew;
 * on SQLite that parse and plan cost ~10 % of a simple request (measured by the benchmark's
 * CPU profile). The app's statements are a small fixed set of texts, so prepared statements
 * are kept by text (oldest evicted past the limit). Safe because all use goes through
 * Kysely's single connection, one statement at a time.
 */
function withStatementCache(sqlite: Database.Database) {
  const cache = new Map<string, CachedStatement>();
  return {
    prepare(text: string): CachedStatement {
      let statement = cache.get(text);
      if (!statement) {
        statement = cachedStatement(sqlite.prepare(text === 'begin' ? BEGIN_WRITE : text));
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(text, statement);
      }
      return statement;
    },
    inTransaction: () => sqlite.inTransaction,
    close: () => {
      cache.clear();
      sqlite.close();
    },
  };
}

type CachedStatement = Pick<Database.Statement, 'reader' | 'run' | 'iterate' | 'all'>;

/**
 * better-sqlite3 builds each result row as an object through V8's generic property API, ~40 %
 * of the cost of a row-heavy read (a feed page's 63 media rows: 113 µs as objects, 70 µs as
 * arrays turned into objects). So readers fetch rows as arrays
 * and build the same objects (same keys in the same order, a later duplicate name winning).
 */
function cachedStatement(statement: Database.Statement): CachedStatement {
  if (!statement.reader) return statement;
  let names = statement.columns().map((column) => column.name);
  const arrays = statement.raw(true);
  let toRow = rowBuilder(names);
  // SQLite re-prepares a statement whose tables changed (a migration on the same connection);
  // a different column count means the names must be read again.
  const mapRows = (rows: unknown[][]) => {
    if (rows.length > 0 && rows[0]!.length !== names.length) {
      names = arrays.columns().map((column) => column.name);
      toRow = rowBuilder(names);
    }
    return rows.map(toRow);
  };
  return {
    reader: true,
    run: (...params: unknown[]) => arrays.run(...params),
    iterate: (...params: unknown[]) =>
      mapIterator(arrays.iterate(...params), (row) => mapRows([row])[0]),
    all: (...params: unknown[]) => mapRows(arrays.all(...params) as unknown[][]),
  } as CachedStatement;
}

/**
 * A plain loop, not a function compiled per statement with `new Function` (an object literal):
 * on the benchmark's post scenario, alternating runs on a loaded machine, the loop served
 * 1,729 and 2,805 req/s (357 and 287 µs CPU a request) against 556 and 1,632 (777 and 479 µs).
 */
function rowBuilder(names: readonly string[]): (values: unknown[]) => unknown {
  // Assigning `__proto__` would set the prototype instead of adding a key.
  if (names.includes('__proto__')) {
    return (values) => {
      const row: Record<string, unknown> = {};
      names.forEach((name, i) =>
        Object.defineProperty(row, name, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return row;
    };
  }
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  };
}

function* mapIterator<T>(iterator: Iterable<unknown>, map: (row: unknown[]) => T) {
  for (const row of iterator) yield map(row as unknown[]);
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
