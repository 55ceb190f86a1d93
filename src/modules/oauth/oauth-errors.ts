/**
 * An OAuth 2 error (RFC 6749 §5.2): answered as `{error, error_description}` with its status,
 * by the Mastodon surface's error handler (src/modules/mastodon/wire.ts).
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

export const invalidClient = () =>
  new OAuthError(
    401,
    'invalid_client',
    'Client authentication failed: unknown client_id or wrong client_secret.',
  );

export const invalidGrant = (description: string) =>
  new OAuthError(400, 'invalid_grant', description);

export const invalidRequest = (description: string) =>
  new OAuthError(400, 'invalid_request', description);

export const invalidScope = (description: string) =>
  new OAuthError(400, 'invalid_scope', description);
