import type { Executor } from '../../db/transaction.js';
import { invalidField } from '../../http/errors.js';
import { extractMentions, MAX_MENTIONS } from './mentions.js';
import { findMentionable } from './mentions.repository.js';
import type { MentionDto } from './mentions.schema.js';

export interface ResolvedMentions {
  /** What is stored with the text (null: no mention) and shown as `mentions`. */
  stored: string | null;
  /** The mentioned accounts that may see the author's content: only they are notified. */
  notifiable: number[];
}

/**
 * Resolves the mentions of a caption or comment by `authorId`: unknown or deactivated names
 * are plain text; more than MAX_MENTIONS names is a 400 naming `field`.
 */
export async function resolveMentions(
  db: Executor,
  text: string,
  authorId: number,
  field: string,
): Promise<ResolvedMentions> {
  const names = extractMentions(text);
  if (names.length > MAX_MENTIONS) {
    throw invalidField(field, `mentions ${names.length} accounts; at most ${MAX_MENTIONS}`);
  }
  const found = new Map((await findMentionable(db, names, authorId)).map((r) => [r.username, r]));
  const mentioned = names.flatMap((name) => {
    const row = found.get(name);
    return row ? [row] : [];
  });
  return {
    stored:
      mentioned.length === 0
        ? null
        : JSON.stringify(mentioned.map((row) => ({ id: String(row.id), username: row.username }))),
    notifiable: mentioned.filter((row) => row.can_see && row.id !== authorId).map((row) => row.id),
  };
}

/** The stored column as the API shows it. */
export const mentionsOf = (stored: string | null): MentionDto[] =>
  stored === null ? [] : (JSON.parse(stored) as MentionDto[]);

/** Ids in a stored column (to tell who is newly mentioned after an edit). */
export const mentionedIds = (stored: string | null): Set<number> =>
  new Set(mentionsOf(stored).map((m) => Number(m.id)));

/**
 * Active accounts by username (lowercase), with whether each may see `authorId`'s content and
 * how it takes tags: for people tags, in one statement.
 */
export const findAccountsFor = (db: Executor, usernames: readonly string[], authorId: number) =>
  findMentionable(db, usernames, authorId);
