/**
 * Hashtags are `#` followed by Unicode letters (with their combining marks), digits and `_`.
 * Names are NFKC-normalised and lowercased, so `#Café`, `#CAFÉ`, a decomposed `#café` and a
 * fullwidth `#ｃａｆé` are one tag; a tag longer than the column (100 characters) is not a hashtag.
 */
const HASHTAG = /#([\p{L}\p{M}\p{N}_]+)/gu;
export const MAX_HASHTAG_LENGTH = 100;

export const normalizeHashtag = (name: string): string =>
  name.normalize('NFKC').toLowerCase().normalize('NFKC');

/** Distinct hashtag names in order of first appearance. */
export function extractHashtags(caption: string): string[] {
  const names = new Set<string>();
  for (const match of caption.matchAll(HASHTAG)) {
    const name = normalizeHashtag(match[1] ?? '');
    if ([...name].length <= MAX_HASHTAG_LENGTH) names.add(name);
  }
  return [...names];
}
