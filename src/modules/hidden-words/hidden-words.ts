/**
 * Matching of hidden words, case- and accent-insensitive: both sides are normalised (NFKD,
 * combining marks removed, lowercased). A word or phrase made of letters and digits matches
 * whole words only ("ass" hides "ass!" but not "class"); one with none (an emoji, "!!!")
 * matches anywhere in the text.
 */
export const normalizeText = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

const WORD_CHARS = /[\p{L}\p{N}]/u;
const separators = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export type HiddenWordMatcher = (text: string) => boolean;

export function hiddenWordMatcher(words: readonly string[]): HiddenWordMatcher | null {
  if (words.length === 0) return null;
  const normalized = words.map(normalizeText);
  const wholeWords = normalized.filter((w) => WORD_CHARS.test(w)).map((w) => ` ${separators(w)} `);
  const anywhere = normalized.filter((w) => !WORD_CHARS.test(w) && w.trim() !== '');
  return (text) => {
    const plain = normalizeText(text);
    const spaced = ` ${separators(plain)} `;
    return wholeWords.some((w) => spaced.includes(w)) || anywhere.some((w) => plain.includes(w));
  };
}

/** Each word once (by its normalised form), in the order given, trimmed. */
export function distinctWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const word of words.map((w) => w.trim())) {
    const key = normalizeText(word);
    if (word === '' || seen.has(key)) continue;
    seen.add(key);
    result.push(word);
  }
  return result;
}
