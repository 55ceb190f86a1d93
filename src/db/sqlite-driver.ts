import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type LogEvent,
  type QueryResult,
  SelectQueryNode,
} from 'kysely';

export interface SqliteDriverConfig {
  /** An open connection (openSqlite); the driver closes it on `db.destroy()`. */
  database: Database.Database;
  /**
   * Sees each statement once it has run or failed, as Kysely's `log` option would. Called here,
   * synchronously, because Kysely's logging wraps every statement in several more awaits.
   */
  onStatement?: (event: LogEvent) => void;
}

/**
 * Kysely opens SQLite transactions with a deferred `begin`. Every transaction here is a write
 * (inTransaction is the one way to run a multi-row write), and a deferred one that reads
 * first fails with SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out, when another process
 * (a second replica, `npm run bench -- --workers 2`) commits between its read and its first
 * write. `begin immediate` takes the write lock up front and waits for it (busy_timeout).
 */
const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

const STATEMENT_CACHE_SIZE = 500;
const RELEASED = Promise.resolve();

/**
 * The app's SQLite driver: one better-sqlite3 connection shared by every acquirer.
 *
 * Kysely's own driver holds a mutex from acquireConnection to releaseConnection around every
 * statement, which costs promise hops on each one. better-sqlite3 is synchronous, so a statement
 * outside a transaction runs to its end before any other code does and needs no exclusion. Only
 * a transaction does: from beginTransaction until commit or rollback, it owns the connection, and
 * statements of every other acquirer (each acquirer gets its own connection object) wait until
 * it ends, so they neither run inside it nor see its uncommitted rows; so does another
 * beginTransaction. A `db.connection()` block therefore no longer has the database to itself
 * between its statements; only transactions do.
 */
export class SqliteDriver implements Driver {
  readonly #sqlite: Database.Database;
  readonly #onStatement: (event: LogEvent) => void;
  readonly #statements = new Map<string, CachedStatement>();
  /** Connection objects released, for the next acquirer (Kysely keeps a set of those it saw). */
  readonly #idle: SqliteConnection[] = [];
  /** The connection whose transaction is open, if one is. */
  #owner: SqliteConnection | null = null;
  /** Settles when the open transaction ends. */
  #ended: Promise<void> = Promise.resolve();
  #end: () => void = () => {};

  constructor(config: SqliteDriverConfig) {
    this.#sqlite = config.database;
    this.#onStatement = config.onStatement ?? (() => {});
  }

  async init(): Promise<void> {}

  // Not `async`, and no new promise: Kysely awaits these around every statement, and with
  // AsyncLocalStorage in use (the per-request statement count) each promise made costs a hook.
  acquireConnection(): Promise<DatabaseConnection> {
    return (this.#idle.pop() ?? new SqliteConnection(this)).acquired;
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    // Kysely rolls back a transaction whose work failed; this is for one it left open anyway
    // (a failed commit whose rollback failed too), so that the lock is never held forever.
    if (this.#owner === connection) {
      try {
        if (this.#sqlite.inTransaction) this.run(ROLLBACK);
      } catch (error) {
        return Promise.reject(error as Error);
      } finally {
        this.#endTransaction();
      }
    }
    this.#idle.push(connection as SqliteConnection);
    return RELEASED;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    while (this.#owner !== null) await this.#ended;
    this.run(BEGIN);
    this.#owner = connection as SqliteConnection;
    this.#ended = new Promise((resolve) => (this.#end = resolve));
  }

  // Commit and rollback run at once: only the owner of the open transaction calls them.
  async commitTransaction(): Promise<void> {
    this.run(COMMIT);
    // A commit that failed (SQLITE_BUSY) leaves the transaction open; Kysely rolls it back.
    if (!this.#sqlite.inTransaction) this.#endTransaction();
  }

  async rollbackTransaction(): Promise<void> {
    try {
      // SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR…); a second
      // rollback would fail and hide the error that caused it.
      if (this.#sqlite.inTransaction) this.run(ROLLBACK);
    } finally {
      this.#endTransaction();
    }
  }

  async destroy(): Promise<void> {
    this.#statements.clear();
    this.#sqlite.close();
  }

  /** Runs `query` for `connection`: now, unless another connection's transaction is open. */
  execute(connection: SqliteConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (this.#owner !== null && this.#owner !== connection) {
      return this.#ended.then(() => this.execute(connection, query));
    }
    try {
      return Promise.resolve(this.run(query));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Runs a statement synchronously, telling onStatement; the caller has checked whose turn it is. */
  run(query: CompiledQuery): QueryResult<unknown> {
    const started = performance.now();
    try {
      const statement = this.#prepare(query.sql);
      let result: QueryResult<unknown>;
      if (statement.reader) {
        result = { rows: statement.all(query.parameters) };
      } else {
        const { changes, lastInsertRowid } = statement.run(query.parameters);
        result = { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
      }
      this.#onStatement({
        level: 'query',
        isStream: false,
        query,
        queryDurationMillis: performance.now() - started,
      });
      return result;
    } catch (error) {
      this.#onStatement({
        level: 'error',
        error,
        query,
        queryDurationMillis: performance.now() - started,
      });
      throw error;
    }
  }

  #endTransaction(): void {
    this.#owner = null;
    this.#end();
  }

  /**
   * Kysely's driver prepares every statement anew; on SQLite that parse and plan cost ~10 % of
   * a simple request (measured by the benchmark's CPU profile). The app's statements are a small
   * fixed set of texts, so prepared statements are kept by text (oldest evicted past the limit).
   * Safe because a statement runs to its end (synchronously) before another starts.
   */
  #prepare(text: string): CachedStatement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = cachedStatement(this.#sqlite.prepare(text));
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value!);
      }
      this.#statements.set(text, statement);
    }
    return statement;
  }
}

/** One acquirer's handle on the shared connection: what tells its statements from others'. */
class SqliteConnection implements DatabaseConnection {
  readonly #driver: SqliteDriver;
  /** What acquireConnection returns for this connection. */
  readonly acquired: Promise<SqliteConnection> = Promise.resolve(this);

  constructor(driver: SqliteDriver) {
    this.#driver = driver;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.#driver.execute(this, query) as Promise<QueryResult<R>>;
  }

  /**
   * Reads the whole result first: better-sqlite3 refuses every other statement on a connection
   * while one of its iterators is open, and this connection is everyone's.
   */
  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize = 1,
  ): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    const { rows } = await this.executeQuery<R>(query);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

interface CachedStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): Database.RunResult;
}

/**
 * better-sqlite3 builds each result row as an object through V8's generic property API, ~40 %
 * of the cost of a row-heavy read (a feed page's 63 media rows: 113 µs as objects, 70 µs as
 * arrays turned into objects). So readers fetch rows as arrays
 * and build the same objects (same keys in the same order, a later duplicate name winning).
 */
function cachedStatement(statement: Database.Statement): CachedStatement {
  if (!statement.reader) return statement as CachedStatement;
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
    run: (parameters) => arrays.run(parameters),
    all: (parameters) => mapRows(arrays.all(parameters) as unknown[][]),
  };
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
