/** Stable machine-readable error codes; clients switch on these, so never rename one. */
export type ErrorCode =
  | 'validation_failed'
  | 'bad_request'
  | 'invalid_url'
  | 'not_authenticated'
  | 'forbidden'
  | 'account_suspended'
  | 'blocked'
  | 'not_found'
  | 'conflict'
  | 'media_not_ready'
  | 'request_timeout'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'headers_too_large'
  | 'rate_limited'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_progress'
  | 'comments_disabled'
  | 'invalid_token'
  | 'username_change_too_soon'
  | 'service_unavailable'
  | 'internal_error';

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, errors ? 'validation_failed' : 'bad_request', detail, errors);

/** A 400 naming one invalid field, for rules a schema cannot express. */
export const invalidField = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);

export const notAuthenticated = (detail = 'A valid access token is required.') =>
  new AppError(401, 'not_authenticated', detail);

export const forbidden = (detail = 'You are not allowed to do this.') =>
  new AppError(403, 'forbidden', detail);

/** Login to an account a moderator suspended; the detail gives the reason. */
export const accountSuspended = (reason: string | null) =>
  new AppError(
    403,
    'account_suspended',
    `This account is suspended${reason ? `: ${reason}` : ''}.`,
  );

/** An action between two accounts when either has blocked the other. */
export const blocked = (detail = 'You cannot do this: one of you has blocked the other.') =>
  new AppError(403, 'blocked', detail);

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found.`);

export const conflict = (detail: string) => new AppError(409, 'conflict', detail);

/** A post or story named media that is still processing (or whose processing failed). */
export const mediaNotReady = (detail: string, errors?: FieldError[]) =>
  new AppError(409, 'media_not_ready', detail, errors);

export const payloadTooLarge = (detail: string) => new AppError(413, 'payload_too_large', detail);

export const unsupportedMediaType = (detail: string) =>
  new AppError(415, 'unsupported_media_type', detail);
