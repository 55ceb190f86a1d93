/**
 * Times are stored as 'YYYY-MM-DD HH:MM:SS.mmm' UTC text: DATETIME(3) on MySQL (read back
 * as the same string through mysql2's dateStrings) and TEXT on SQLite. Both engines then
 * compare and sort them identically.
 */
export type DbTime = string;

export const toDbTime = (date: Date): DbTime => date.toISOString().replace('T', ' ').slice(0, 23);

export const toIso = (time: DbTime): string => `${time.replace(' ', 'T')}Z`;

export const addSeconds = (time: DbTime, seconds: number): DbTime =>
  toDbTime(new Date(Date.parse(toIso(time)) + seconds * 1000));

export const isDbTime = (value: unknown): value is DbTime =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(value);
