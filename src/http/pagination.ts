import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { isDbTime } from '../db/time.js';
import { invalidField } from './errors.js';

/**
 * Keyset pagination, the only kind used: a cursor is the sort key of the last item served,
 * base64url-encoded JSON. Rows inserted or deleted between pages never shift the window.
 */
export type CursorPart = 'time' | 'id' | 'number' | 'text';
type Decoded<S extends readonly CursorPart[]> = {
  [K in keyof S]: S[K] extends 'time' | 'text' ? string : number;
};

export const encodeCursor = (values: readonly (string | number)[]): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

export function decodeCursor<const S extends readonly CursorPart[]>(
  cursor: string | undefined,
  shape: S,
): Decoded<S> | null {
  if (cursor === undefined) return null;
  const invalid = () => invalidField('cursor', 'is not a cursor this list produced');
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw invalid();
  shape.forEach((part, i) => {
    const v: unknown = values[i];
    const ok =
      part === 'time'
        ? isDbTime(v)
        : part === 'text'
          ? typeof v === 'string' && v.length <= 200
          : part === 'id'
            ? Number.isSafeInteger(v) && (v as number) > 0
            : typeof v === 'number' && Number.isFinite(v);
    if (!ok) throw invalid();
  });
  return values as Decoded<S>;
}

/**
 * `(a, b) < (x, y)` spelled out so both engines use the index: rows strictly after the cursor
 * in the list's order. The leading plain range (`a <= x`) is redundant, but it is what lets
 * both planners keep the list on its (a, b) index on later pages instead of scanning.
 */
export function after<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  columns: readonly [string, string],
  values: readonly [string | number, string | number],
  direction: 'asc' | 'desc',
): Expression<SqlBool> {
  const op = direction === 'desc' ? '<' : '>';
  const [first, second] = columns.map((c) => sql.ref(c));
  return eb.and([
    sql<SqlBool>`${first} ${sql.raw(op)}= ${values[0]}`,
    eb.or([
      sql<SqlBool>`${first} ${sql.raw(op)} ${values[0]}`,
      eb.and([
        sql<SqlBool>`${first} = ${values[0]}`,
        sql<SqlBool>`${second} ${sql.raw(op)} ${values[1]}`,
      ]),
    ]),
  ]);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Callers fetch limit + 1 rows; the extra row only tells whether another page exists. */
export function splitPage<Row>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => readonly (string | number)[],
): { rows: Row[]; next_cursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    rows: pageRows,
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
