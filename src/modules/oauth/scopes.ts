import { grants } from '../../http/auth.js';

/** The scopes Mastodon defines that this server can grant (admin scopes are not offered). */
const TOP_LEVEL = ['read', 'write', 'follow', 'push', 'profile'];
const SUB_SCOPES = {
  read: [
    'accounts',
    'blocks',
    'bookmarks',
    'favourites',
    'filters',
    'follows',
    'lists',
    'mutes',
    'notifications',
    'search',
    'statuses',
  ],
  write: [
    'accounts',
    'blocks',
    'bookmarks',
    'conversations',
    'favourites',
    'filters',
    'follows',
    'lists',
    'media',
    'mutes',
    'notifications',
    'reports',
    'statuses',
  ],
};
export const KNOWN_SCOPES: readonly string[] = [
  ...TOP_LEVEL,
  ...Object.entries(SUB_SCOPES).flatMap(([parent, subs]) => subs.map((s) => `${parent}:${s}`)),
];

/** Space-separated (a form's `+` is already a space); empty means Mastodon's default, `read`. */
export function parseScopes(raw: unknown): string[] | null {
  const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(' ') : '';
  const scopes = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  if (scopes.length === 0) return ['read'];
  return scopes.every((s) => KNOWN_SCOPES.includes(s)) ? scopes : null;
}

/** Every requested scope is covered by what the app registered. */
export const withinScopes = (allowed: readonly string[], requested: readonly string[]) =>
  requested.every((scope) => grants(allowed, scope));
