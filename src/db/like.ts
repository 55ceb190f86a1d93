import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Case-insensitive LIKE with the user's text taken literally (`%` and `_` escaped with `!`, a
 * character both engines accept as ESCAPE without backslash quoting differences).
 */
export function ilike(
  column: string,
  text: string,
  match: 'prefix' | 'contains',
  /** The column is stored lowercase: compare it bare so an index on it stays usable. */
  columnIsLowercase = false,
): Expression<SqlBool> {
  const literal = text.toLowerCase().replace(/[!%_]/g, '!$&');
  const pattern = match === 'prefix' ? `${literal}%` : `%${literal}%`;
  const target = columnIsLowercase ? sql.ref(column) : sql`lower(${sql.ref(column)})`;
  return sql<SqlBool>`${target} like ${pattern} escape '!'`;
}
