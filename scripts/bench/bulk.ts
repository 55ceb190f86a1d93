import { stat } from 'node:fs/promises';
import { CompiledQuery, sql } from 'kysely';
import type { DatabaseConfig } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import { dialectOf } from '../../src/db/dialect.js';
import type { Executor } from '../../src/db/transaction.js';
import { type DB, tableColumns } from '../../src/db/types.js';

type Table = keyof DB;
export type Row = readonly unknown[];

/**
 * SQLite binds at most 32,766 parameters per statement; MySQL's limit is the packet size
 * (16 MB on MariaDB 10.11), which 1,000 short rows stay far below.
 */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

/** Multi-row INSERTs of `rows` (values in `columns` order), chunked under both engines' limits. */
export async function insertRows<T extends Table>(
  db: Executor,
  table: T,
  columns: readonly (keyof DB[T] & string)[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const misfit = rows.find((row) => row.length !== columns.length);
  if (misfit) {
    throw new Error(
      `${table}: a row has ${misfit.length} values for ${columns.length} columns (${columns.join(', ')})`,
    );
  }
  const quote = dialectOf(db) === 'mysql' ? '`' : '"';
  const head = `insert into ${quote}${table}${quote} (${columns.map((c) => `${quote}${c}${quote}`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const perChunk = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns.length)));
  let fullChunkSql: string | undefined;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const text =
      chunk.length === perChunk
        ? (fullChunkSql ??= head + Array(perChunk).fill(tuple).join(', '))
        : head + Array(chunk.length).fill(tuple).join(', ');
    const params: unknown[] = [];
    for (const row of chunk) for (const value of row) params.push(value);
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** Tables in an order that deletes children before their parents. */
const tablesChildFirst = () => (Object.keys(tableColumns) as Table[]).reverse();

export async function countRows(db: Db, table: Table): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const countUsers = (db: Db) => countRows(db, 'users');

/** Empties every table (ids restart at 1) for `--reset`. */
export async function emptyAllTables(db: Db): Promise<void> {
  if (dialectOf(db) === 'mysql') {
    await db.connection().execute(async (conn) => {
      await sql`set foreign_key_checks = 0`.execute(conn);
      try {
        for (const table of tablesChildFirst())
          await sql`truncate table ${sql.table(table)}`.execute(conn);
      } finally {
        await sql`set foreign_key_checks = 1`.execute(conn);
      }
    });
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const table of tablesChildFirst()) await sql`delete from ${sql.table(table)}`.execute(trx);
    await sql`delete from sqlite_sequence`.execute(trx);
  });
}

/**
 * Bulk-load settings on the seed's one connection, so they stick: no per-row FK or unique
 * checks (the generator only writes valid, distinct rows); on SQLite also no fsync (a crash
 * mid-seed just means seeding again) and a larger page cache for the random-order indexes.
 */
export async function prepareForBulkLoad(db: Db): Promise<void> {
  if (dialectOf(db) === 'mysql') {
    await sql`set foreign_key_checks = 0, unique_checks = 0`.execute(db);
    return;
  }
  await sql`pragma synchronous = OFF`.execute(db);
  await sql`pragma foreign_keys = OFF`.execute(db);
  await sql`pragma cache_size = -262144`.execute(db);
}

/**
 * Fresh MariaDB statistics for `tables`. Those of freshly filled tables say they are nearly
 * empty: at 100,000 users the timeline INSERT … SELECT then scanned every user per block of
 * readers (7 s a block instead of ~0.7 s). SQLite plans those joins by its indexes alone.
 */
export async function analyzeOnMysql(db: Db, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) !== 'mysql') return;
  for (const table of tables) await sql`analyze table ${sql.table(table)}`.execute(db);
}

/** Gives the planner statistics, as a DBA would after a bulk load. */
export async function finishBulkLoad(db: Db): Promise<void> {
  if (dialectOf(db) === 'mysql') {
    await sql`set foreign_key_checks = 1, unique_checks = 1`.execute(db);
    await analyzeOnMysql(db, Object.keys(tableColumns));
    return;
  }
  await sql`analyze`.execute(db);
  // Only stat1's row counts: value samples make SQLite recompile statements (src/db/client.ts).
  await sql`delete from sqlite_stat4`.execute(db);
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  await sql`pragma synchronous = NORMAL`.execute(db);
  await sql`pragma foreign_keys = ON`.execute(db);
}

/** Bytes on disk: the SQLite file (+WAL), or MySQL's data + index length of this schema. */
export async function databaseBytes(db: Db, database: DatabaseConfig): Promise<number> {
  if (database.dialect === 'sqlite') {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      total += await stat(database.file + suffix).then(
        (s) => s.size,
        () => 0,
      );
    }
    return total;
  }
  const { rows } = await sql<{ bytes: number | string | null }>`
    select sum(data_length + index_length) as bytes
    from information_schema.tables where table_schema = database()`.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}
