import { dictionary } from '@zxcvbn-ts/language-common';
import { invalidField } from '../../http/errors.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** zxcvbn's list is ordered by frequency: its head is "the most common passwords". */
const COMMON_COUNT = 10_000;
/** Shorter usernames ("al") would forbid ordinary words; the rule is about real names. */
const USERNAME_MIN_FOR_RULE = 3;

let common: Set<string> | undefined;
const commonPasswords = () =>
  (common ??= new Set(dictionary['passwords-common'].slice(0, COMMON_COUNT)));

/**
 * Characters that show nothing: whitespace, controls, format characters (zero-width joiners,
 * direction marks), combining marks on their own, and the blank letters Unicode has (Hangul
 * fillers, the braille blank).
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Mn}\p{Me}\u115f\u1160\u3164\uffa0\u2800]/gu;

/**
 * Why this password is refused, or null. Rules apply to the NFKC form, so full-width letters
 * and ligatures count as the letters they stand for; the password itself is hashed as typed.
 */
export function passwordProblem(password: string, username: string | null): string | null {
  const normal = password.normalize('NFKC');
  const length = [...normal].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    return `must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters long`;
  }
  if (normal.replace(INVISIBLE, '') === '') {
    return 'must contain visible characters, not only spaces or invisible ones';
  }
  const lower = normal.toLowerCase();
  if (commonPasswords().has(lower)) return 'is one of the most common passwords; choose another';
  if (username && username.length >= USERNAME_MIN_FOR_RULE && lower.includes(username)) {
    return 'must not contain your username';
  }
  return null;
}

/** Throws a 400 naming `field` when the password breaks a rule. */
export function checkPassword(field: string, password: string, username: string | null): void {
  const problem = passwordProblem(password, username?.toLowerCase() ?? null);
  if (problem) throw invalidField(field, problem);
}
