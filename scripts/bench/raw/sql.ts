import type Database from 'better-sqlite3';
import type { Pool, ResultSetHeader } from 'mysql2';
import type { DatabaseConfig } from '../../../src/config.js';
import { createMysqlPool, openSqlite } from '../../../src/db/client.js';

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
  // One connection: a transaction's awaits must not let another request's statements in.
  let queue: Promise<unknown> = Promise.resolve();
  const handle = (): Sql => {
    const sql: Sql = {
      dialect: 'sqlite',
      counted: { statements: 0 },
      all<Row>(text: string, params: unknown[] = []) {
        sql.counted.statements++;
        return Promise.resolve(prepare(text).all(...params) as Row[]);
      },
      run(text, params = []) {
        sql.counted.statements++;
        const result = prepare(text).run(...params);
        return Promise.resolve({
          insertId: Number(result.lastInsertRowid),
          changes: result.changes,
        });
      },
      transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
        const run = async () => {
          await sql.run('begin immediate');
          try {
            const result = await fn(sql);
            await sql.run('commit');
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec('rollback');
            throw error;
          }
        };
        const done = queue.then(run, run);
        queue = done.catch(() => undefined);
        return done;
      },
    };
    return sql;
  };
  return {
    dialect: 'sqlite',
    forRequest: handle,
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
      },
    };
    return sql;
  };
  return {
    dialect: 'mysql',
    forRequest: () => handle(promises),
    close: () => promises.end(),
  };
}
