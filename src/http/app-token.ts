/** True when the request carries a Mastodon app's OAuth token (`pgo_…`, src/modules/oauth/). */
export const carriesAppToken = (authorization: string | string[] | undefined): boolean =>
  typeof authorization === 'string' && /^Bearer\s+pgo_/i.test(authorization);
