/**
 * `@username` in captions and comments. A mention is `@` followed by a valid username (1–30 of
 * a-z 0-9 . _, case-insensitive) that is not glued to a word before it, so the `@` of an e-mail
 * address (`ada@example.com`) is not one. A trailing dot ends the sentence, not the name.
 */
const MENTION = /(?<![\p{L}\p{N}_.@+-])@([A-Za-z0-9._]{1,30})(?![A-Za-z0-9_@])/gu;
export const MAX_MENTIONS = 20;

/** Distinct lowercased usernames in order of first appearance. */
export function extractMentions(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] ?? '').toLowerCase().replace(/\.+$/, '');
    if (name.length > 0) names.add(name);
  }
  return [...names];
}
