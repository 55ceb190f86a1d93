import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../../deps.js';
import { addSeconds, toDbTime } from '../../db/time.js';
import { inTransaction, type Executor } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { endAppSession, openAppSession } from '../auth/auth.service.js';
import { verifyPassword } from '../auth/passwords.js';
import { findCredentials } from '../users/accounts.service.js';
import {
  OAuthError,
  invalidClient,
  invalidGrant,
  invalidRequest,
  invalidScope,
} from './oauth-errors.js';
import * as repo from './oauth.repository.js';
import { parseScopes, withinScopes } from './scopes.js';

/** Out-of-band: the code is shown on a page instead of being sent to a redirect URI. */
export const OOB = 'urn:ietf:wg:oauth:2.0:oob';
/** Prefix of this server's OAuth access tokens, so the auth hook knows which kind it holds. */
const TOKEN_PREFIX = 'pgo_';
const CODE_TTL_SECONDS = 600;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const random = () => randomBytes(32).toString('base64url');

export interface AppDto {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  redirect_uri: string;
  redirect_uris: string[];
  vapid_key: null;
}

type AppRow = NonNullable<Awaited<ReturnType<typeof repo.findAppById>>>;

const redirectUrisOf = (app: AppRow) => app.redirect_uris.split('\n');

function toAppDto(app: AppRow): AppDto {
  const uris = redirectUrisOf(app);
  return {
    id: String(app.id),
    name: app.name,
    website: app.website,
    scopes: app.scopes.split(' '),
    redirect_uri: uris.join('\n'),
    redirect_uris: uris,
    vapid_key: null,
  };
}

export interface NewApp {
  client_name?: unknown;
  redirect_uris?: unknown;
  scopes?: unknown;
  website?: unknown;
}

/** A redirect URI is OOB, or absolute without a fragment (a custom app scheme is fine). */
function validRedirectUri(uri: string): boolean {
  if (uri === OOB) return true;
  try {
    const url = new URL(uri);
    return url.hash === '' && uri.length <= 500;
  } catch {
    return false;
  }
}

const unprocessable = (message: string) => new OAuthError(422, message, message);

export async function createApp(deps: AppDeps, input: NewApp) {
  const name = typeof input.client_name === 'string' ? input.client_name.trim() : '';
  if (!name) throw unprocessable("Validation failed: client_name can't be blank");
  if (name.length > 200) throw unprocessable('Validation failed: client_name is too long (200)');
  const rawUris = Array.isArray(input.redirect_uris)
    ? input.redirect_uris
    : typeof input.redirect_uris === 'string'
      ? input.redirect_uris.split(/\s+/)
      : [];
  const uris = [...new Set(rawUris.filter((u): u is string => typeof u === 'string' && u !== ''))];
  if (uris.length === 0) throw unprocessable("Validation failed: redirect_uris can't be blank");
  const bad = uris.find((uri) => !validRedirectUri(uri));
  if (bad !== undefined) {
    throw unprocessable(`Validation failed: redirect_uris must be absolute URIs ("${bad}")`);
  }
  const scopes = parseScopes(input.scopes);
  if (!scopes) throw unprocessable('Validation failed: scopes contains an unknown scope');
  const website =
    typeof input.website === 'string' && input.website.trim() ? input.website.trim() : null;
  const clientId = random();
  const clientSecret = random();
  const id = await repo.insertApp(deps.db, {
    client_id: clientId,
    client_secret_hash: sha256(clientSecret),
    name,
    website: website?.slice(0, 500) ?? null,
    redirect_uris: uris.join('\n'),
    scopes: scopes.join(' '),
    created_at: toDbTime(deps.clock.now()),
  });
  const app = (await repo.findAppById(deps.db, id))!;
  return { ...toAppDto(app), client_id: clientId, client_secret: clientSecret };
}

/** The app behind a token (user or app token), for GET /api/v1/apps/verify_credentials. */
export async function appOfToken(deps: AppDeps, token: string | undefined): Promise<AppDto> {
  const row = token ? await repo.findLiveToken(deps.db, sha256(token)) : undefined;
  if (!row || (row.user_id !== null && Number(row.is_active) !== 1)) {
    throw new OAuthError(401, 'The access token is invalid', 'The access token is invalid');
  }
  return toAppDto((await repo.findAppById(deps.db, row.app_id))!);
}

export const isOAuthToken = (token: string) => token.startsWith(TOKEN_PREFIX);

/** The account and scopes of a user token; null for unknown, revoked and app-only tokens. */
export async function authenticateOAuthToken(db: Executor, token: string): Promise<Actor | null> {
  const row = await repo.findLiveToken(db, sha256(token));
  if (!row || row.user_id === null || Number(row.is_active) !== 1) return null;
  return {
    id: row.user_id,
    scopes: row.scopes.split(' '),
    ...(row.session_id !== null && { sessionId: row.session_id }),
  };
}

export interface AuthorizeParams {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/** Why an authorization request cannot go on: shown as a page, never redirected. */
export class AuthorizeRefused extends Error {}

export interface CheckedAuthorize {
  app: AppDto;
  appId: number;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
}

/** The checks of GET and POST /oauth/authorize, in the order a person can act on them. */
export async function checkAuthorizeRequest(
  deps: AppDeps,
  params: AuthorizeParams,
): Promise<CheckedAuthorize> {
  const app = params.client_id
    ? await repo.findAppByClientId(deps.db, params.client_id)
    : undefined;
  if (!app) throw new AuthorizeRefused('The application asking for access is not registered here.');
  const uris = redirectUrisOf(app);
  const redirectUri = params.redirect_uri ?? (uris.length === 1 ? uris[0]! : '');
  if (!uris.includes(redirectUri)) {
    throw new AuthorizeRefused(
      `The redirect URI "${redirectUri}" is not one this application registered.`,
    );
  }
  if (params.response_type !== 'code') {
    throw new AuthorizeRefused('Only response_type=code is supported.');
  }
  const scopes = parseScopes(params.scope ?? app.scopes);
  if (!scopes || !withinScopes(app.scopes.split(' '), scopes)) {
    throw new AuthorizeRefused(
      `The requested scope "${params.scope}" is unknown or more than the application registered (${app.scopes}).`,
    );
  }
  let codeChallenge: string | null = null;
  if (params.code_challenge !== undefined && params.code_challenge !== '') {
    if ((params.code_challenge_method ?? 'plain') !== 'S256') {
      throw new AuthorizeRefused('Only code_challenge_method=S256 is supported for PKCE.');
    }
    if (!/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge)) {
      throw new AuthorizeRefused(
        'code_challenge must be base64url(SHA-256(verifier)), 43 characters.',
      );
    }
    codeChallenge = params.code_challenge;
  }
  return { app: toAppDto(app), appId: app.id, redirectUri, scopes, codeChallenge };
}

/** Checks the person's password; on success a code for the checked request (10 minutes). */
export async function grantCode(
  deps: AppDeps,
  checked: CheckedAuthorize,
  login: { username: string; password: string },
): Promise<string | null> {
  const user = await findCredentials(deps.db, login.username.trim().toLowerCase());
  if (!(await verifyPassword(user?.password_hash, login.password)) || !user) return null;
  const code = random();
  const now = toDbTime(deps.clock.now());
  await repo.insertCode(deps.db, {
    code_hash: sha256(code),
    app_id: checked.appId,
    user_id: user.id,
    redirect_uri: checked.redirectUri,
    scopes: checked.scopes.join(' '),
    code_challenge: checked.codeChallenge,
    expires_at: addSeconds(now, CODE_TTL_SECONDS),
    created_at: now,
  });
  return code;
}

export interface TokenRequest {
  grant_type?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
  code?: unknown;
  redirect_uri?: unknown;
  code_verifier?: unknown;
  scope?: unknown;
}

export interface TokenDto {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  created_at: number;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function secretMatches(app: AppRow, secret: string): boolean {
  const given = Buffer.from(sha256(secret), 'hex');
  return timingSafeEqual(given, Buffer.from(app.client_secret_hash, 'hex'));
}

async function clientOf(deps: AppDeps, input: TokenRequest, secretRequired: boolean) {
  const clientId = text(input.client_id);
  const app = clientId ? await repo.findAppByClientId(deps.db, clientId) : undefined;
  if (!app) throw invalidClient();
  const secret = text(input.client_secret);
  if (secret === undefined ? secretRequired : !secretMatches(app, secret)) throw invalidClient();
  return app;
}

const pkceChallengeOf = (verifier: string) =>
  createHash('sha256').update(verifier).digest('base64url');

export async function issueToken(
  deps: AppDeps,
  input: TokenRequest,
  client: { ip: string | null } = { ip: null },
): Promise<TokenDto> {
  const grantType = text(input.grant_type);
  if (grantType === 'authorization_code') return exchangeCode(deps, input, client);
  if (grantType === 'client_credentials') return clientCredentials(deps, input);
  throw new OAuthError(
    400,
    'unsupported_grant_type',
    'grant_type must be authorization_code or client_credentials.',
  );
}

async function exchangeCode(
  deps: AppDeps,
  input: TokenRequest,
  client: { ip: string | null },
): Promise<TokenDto> {
  const code = text(input.code);
  if (!code) throw invalidRequest('code is required.');
  const row = await repo.findCode(deps.db, sha256(code));
  // A public client proves itself with the PKCE verifier instead of a secret (RFC 7636).
  const app = await clientOf(deps, input, !row?.code_challenge);
  const now = toDbTime(deps.clock.now());
  const invalid = () =>
    invalidGrant('The authorization code is invalid, expired, already used or for another client.');
  if (!row || row.app_id !== app.id || row.used_at !== null || row.expires_at <= now) {
    throw invalid();
  }
  const redirectUri = text(input.redirect_uri);
  if (redirectUri !== undefined && redirectUri !== row.redirect_uri) {
    throw invalidGrant('redirect_uri does not match the one the code was issued for.');
  }
  if (row.code_challenge !== null) {
    const verifier = text(input.code_verifier);
    if (!verifier) throw invalidGrant('code_verifier is required: the code was issued with PKCE.');
    if (pkceChallengeOf(verifier) !== row.code_challenge) {
      throw invalidGrant('code_verifier does not match the code_challenge.');
    }
  }
  const token = random();
  await inTransaction(deps.db, async (trx) => {
    if (!(await repo.markCodeUsed(trx, row.id, now))) throw invalid();
    // The app's login is a session like any other: listed, and revocable, in GET /me/sessions.
    const sessionId = await openAppSession(deps, trx, row.user_id, {
      userAgent: `${app.name} (app)`,
      ip: client.ip,
    });
    await repo.insertToken(trx, {
      token_hash: sha256(TOKEN_PREFIX + token),
      app_id: app.id,
      user_id: row.user_id,
      scopes: row.scopes,
      created_at: now,
      session_id: sessionId,
    });
  });
  return tokenDto(TOKEN_PREFIX + token, row.scopes, deps.clock.now());
}

async function clientCredentials(deps: AppDeps, input: TokenRequest): Promise<TokenDto> {
  const app = await clientOf(deps, input, true);
  const scopes = parseScopes(input.scope ?? 'read');
  if (!scopes || !withinScopes(app.scopes.split(' '), scopes)) {
    throw invalidScope(`scope must be within the application's scopes (${app.scopes}).`);
  }
  const token = TOKEN_PREFIX + random();
  await repo.insertToken(deps.db, {
    token_hash: sha256(token),
    app_id: app.id,
    user_id: null,
    scopes: scopes.join(' '),
    created_at: toDbTime(deps.clock.now()),
  });
  return tokenDto(token, scopes.join(' '), deps.clock.now());
}

const tokenDto = (token: string, scope: string, now: Date): TokenDto => ({
  access_token: token,
  token_type: 'Bearer',
  scope,
  created_at: Math.floor(now.getTime() / 1000),
});

/** RFC 7009: unknown tokens are not an error; a wrong client is (Mastodon answers 403). */
export async function revokeToken(deps: AppDeps, input: TokenRequest & { token?: unknown }) {
  let app: AppRow;
  try {
    app = await clientOf(deps, input, true);
  } catch {
    throw new OAuthError(
      403,
      'unauthorized_client',
      'You are not authorized to revoke this token: wrong client_id or client_secret.',
    );
  }
  const token = text(input.token);
  if (!token) throw invalidRequest('token is required.');
  const endedFor = await inTransaction(deps.db, async (trx) => {
    const owner = await repo.findTokenSession(trx, sha256(token), app.id);
    await repo.revokeToken(trx, sha256(token), app.id, toDbTime(deps.clock.now()));
    if (owner?.user_id == null || owner.session_id === null) return null;
    await endAppSession(deps, trx, owner.user_id, owner.session_id);
    return owner.user_id;
  });
  if (endedFor !== null) await deps.sessions.ended([endedFor]);
}
