import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.js';

/** Portable DDL pieces: the one place where the two engines' column types differ. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

export function createTable(db: AnyDb, name: string): CreateTableBuilder<string, 'id'> {
  const builder = db.schema.createTable(name);
  const withId = builder as CreateTableBuilder<string, 'id'>;
  if (dialectOf(db) === 'mysql') {
    // Binary collation: equality and ORDER BY behave as on SQLite (case is handled in code).
    return withId.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`);
  }
  return withId;
}

export const idColumn = (db: AnyDb) => (dialectOf(db) === 'mysql' ? sql`bigint` : sql`integer`);

export const primaryId = (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement().notNull();

/** A foreign-key column: same integer type as the ids it points at. */
export const refType = idColumn;

export const timeType = (db: AnyDb) => (dialectOf(db) === 'mysql' ? sql`datetime(3)` : sql`text`);

export const boolType = (db: AnyDb) => (dialectOf(db) === 'mysql' ? sql`tinyint` : sql`integer`);

/** Text that may exceed MySQL's 64 KB `text` (stored response bodies); SQLite's text has no limit. */
export const longTextType = (db: AnyDb) =>
  dialectOf(db) === 'mysql' ? sql`mediumtext` : sql`text`;
