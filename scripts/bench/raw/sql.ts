import type Database from 'better-sqlite3';
import type { Pool, ResultSetHeader } from 'mysql2';
import type { DatabaseConfig } from '../../../src/config.js';
import { createMysqlPool, openSqlite } from '../../../src/db/client.js';
import { isRetryable } from '../../../src/db/transaction.js';

/** What a write reports: the new row's id (inserts) and how many rows it changed. */
export interface Written {
  insertId: number;
  changes: number;
}

/**
 * The raw server's whole database layer: text in, plain rows out, on either engine. Every call
 * adds one to `counted.statements` (begin and commit included, as the app's count does).
 */
export interface Sql {
  dialect: 'sqlite' | 'mysql';
  all<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  run(text: string, params?: unknown[]): Promise<Written>;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  counted: { statements: number };
}

export interface SqlPool {
  dialect: 'sqlite' | 'mysql';
  /** A handle that counts the statements of one request. */
  forRequest(): Sql;
  close(): Promise<void>;
}

/** `?, ?, ?` for a list of ids. */
export const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

export function openSql(database: DatabaseConfig, mysqlPoolSize = 10): SqlPool {
  return database.dialect === 'sqlite'
    ? sqlitePool(openSqlite(database.file))
    : mysqlPool(createMysqlPool(database.url, mysqlPoolSize));
}

function sqlitePool(db: Database.Database): SqlPool {
  const cache = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = cache.get(text);
    if (!statement) cache.set(text, (statement = db.prepare(text)));
    return statement;
  };
  // One connection: a transaction's awaits must not let another request's statements in, so
  // transactions take turns and a statement from outside one waits for the open one to end.
  let queue: Promise<unknown> = Promise.resolve();
  let open: Promise<unknown> = Promise.resolve();
  const outsideTransactions = async () => {
    while (db.inTransaction) await open;
  };
  const handle = (inTransaction = false, counted = { statements: 0 }): Sql => {
    const ready = () => (inTransaction || !db.inTransaction ? undefined : outsideTransactions());
    const sql: Sql = {
      dialect: 'sqlite',
      counted,
      async all<Row>(text: string, params: unknown[] = []) {
        await ready();
        counted.statements++;
        return prepare(text).all(...params) as Row[];
      },
      async run(text, params = []) {
        await ready();
        counted.statements++;
        const result = prepare(text).run(...params);
        return { insertId: Number(result.lastInsertRowid), changes: result.changes };
      },
      transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
        const inner = handle(true, counted);
        const run = async () => {
          await inner.run('begin immediate');
          try {
            const result = await fn(inner);
            await inner.run('commit');
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec('rollback');
            throw error;
          }
        };
        const start = () => {
          const running = run();
          open = running.catch(() => undefined);
          return running;
        };
        const done = queue.then(start, start);
        queue = done.catch(() => undefined);
        return done;
      },
    };
    return sql;
  };
  return {
    dialect: 'sqlite',
    forRequest: () => handle(),
    close: async () => void db.close(),
  };
}

function mysqlPool(pool: Pool): SqlPool {
  const promises = pool.promise();
  type Runner = Pick<typeof promises, 'query'>;
  const handle = (runner: Runner, counted = { statements: 0 }): Sql => {
    const sql: Sql = {
      dialect: 'mysql',
      counted,
      async all<Row>(text: string, params: unknown[] = []) {
        counted.statements++;
        const [rows] = await runner.query(text, params);
        return rows as Row[];
      },
      async run(text, params = []) {
        counted.statements++;
        const [result] = await runner.query<ResultSetHeader>(text, params);
        return { insertId: Number(result.insertId), changes: result.affectedRows };
      },
      async transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
        // As Photogram's inTransaction: a deadlock victim (two follows crossing) is retried.
        for (let attempt = 1; ; attempt++) {
          try {
            return await once(fn);
          } catch (error) {
            if (attempt >= 4 || !isRetryable(error)) throw error;
          }
        }
      },
    };
    const once = async <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
      const connection = await promises.getConnection();
      const inner = handle(connection, counted);
      try {
        await inner.run('begin');
        const result = await fn(inner);
        await inner.run('commit');
        return result;
      } catch (error) {
        await connection.query('rollback');
        throw error;
      } finally {
        connection.release();
      }
    };
    return sql;
  };
  return {
    dialect: 'mysql',
    forRequest: () => handle(promises),
    close: () => promises.end(),
  };
}
