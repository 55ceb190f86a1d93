import { compiledQuery } from '../../db/compiled-query.js';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';

/** All SQL of hidden_words. */
export async function wordsOf(db: Executor, userId: number): Promise<string[]> {
  const rows = await wordsQuery(db, userId);
  return rows.map((row) => row.word);
}

// Read on every comment created and every comment list.
const wordsQuery = compiledQuery((db, userId: number) =>
  db.selectFrom('hidden_words').select('word').where('user_id', '=', userId).orderBy('id'),
);

export async function replaceWords(
  trx: Executor,
  userId: number,
  words: readonly string[],
  now: DbTime,
): Promise<void> {
  await trx.deleteFrom('hidden_words').where('user_id', '=', userId).execute();
  if (words.length === 0) return;
  await trx
    .insertInto('hidden_words')
    .values(words.map((word) => ({ user_id: userId, word, created_at: now })))
    .execute();
}
