import { type Kysely, MysqlAdapter } from 'kysely';

export type Dialect = 'sqlite' | 'mysql';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dialectOf = (db: Kysely<any>): Dialect =>
  db.getExecutor().adapter instanceof MysqlAdapter ? 'mysql' : 'sqlite';
