import type { Static } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import { inTransaction } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { distinctWords, hiddenWordMatcher, type HiddenWordMatcher } from './hidden-words.js';
import * as repo from './hidden-words.repository.js';
import type { HiddenWords, HiddenWordsBody } from './hidden-words.schema.js';

type HiddenWordsDto = Static<typeof HiddenWords>;

export async function getHiddenWords(deps: AppDeps, actor: Actor): Promise<HiddenWordsDto> {
  return { words: await repo.wordsOf(deps.db, actor.id) };
}

export async function setHiddenWords(
  deps: AppDeps,
  actor: Actor,
  input: Static<typeof HiddenWordsBody>,
): Promise<HiddenWordsDto> {
  const words = distinctWords(input.words);
  await inTransaction(deps.db, (trx) =>
    repo.replaceWords(trx, actor.id, words, toDbTime(deps.clock.now())),
  );
  return { words };
}

/**
 * For comment lists: which comments on `ownerId`'s posts are hidden from `readerId` (everyone
 * but their own author). One statement; null when the owner hides nothing.
 */
export async function hiddenCommentFilter(
  db: Executor,
  ownerId: number,
  readerId: number | null,
): Promise<((comment: { author_id: number; text: string }) => boolean) | null> {
  const matches: HiddenWordMatcher | null = hiddenWordMatcher(await repo.wordsOf(db, ownerId));
  if (!matches) return null;
  return (comment) => comment.author_id !== readerId && matches(comment.text);
}
