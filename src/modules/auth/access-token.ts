import { createVerifier } from 'fast-jwt';
import { SignJWT } from 'jose';

/**
 * Short-lived signed access tokens (HS256). The `typ` claim keeps refresh tokens and any other
 * token this service might sign from ever being accepted as an access token.
 */
export interface AccessTokenClaims {
  userId: number;
  /** The login (sessions row) the token belongs to: revoking it ends the token at once. */
  sessionId: number;
}

const ISSUER = 'photogram';
const TYPE = 'access';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signAccessToken(
  secret: string,
  userId: number,
  ttlSeconds: number,
  now: Date,
  sessionId: number,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ typ: TYPE, sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(keyOf(secret));
}

/**
 * Verifiers by secret (one in the app; tests use others). fast-jwt (the verifier `@fastify/jwt`
 * uses) checks the HMAC, the header (only HS256, no unknown `crit`) and the issuer, and keeps
 * tokens it verified: a client sends the same access token with every request for its 15
 * minutes, and the HMAC, base64 and JSON work was ~5 % of a simple read's CPU in the benchmark
 * profile. Expiry is checked below on every use, against the app's clock (TEST_CLOCK moves it),
 * not by fast-jwt against the system's.
 */
const verifiers = new Map<string, (token: string) => Record<string, unknown>>();
const VERIFIED_CACHE_SIZE = 10_000;

function verifierFor(secret: string) {
  let verify = verifiers.get(secret);
  if (!verify) {
    verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedIss: ISSUER,
      ignoreExpiration: true,
      ignoreNotBefore: true,
      cache: VERIFIED_CACHE_SIZE,
    }) as (token: string) => Record<string, unknown>;
    verifiers.set(secret, verify);
  }
  return verify;
}

/** Null for anything that is not a valid, unexpired access token of ours. */
export async function verifyAccessToken(
  secret: string,
  token: string,
  now: Date,
): Promise<AccessTokenClaims | null> {
  return Promise.resolve(claimsOf(secret, token, now));
}

function claimsOf(secret: string, token: string, now: Date): AccessTokenClaims | null {
  let claims: Record<string, unknown>;
  try {
    claims = verifierFor(secret)(token);
  } catch {
    return null;
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (claims.typ !== TYPE) return null;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
    return null;
  }
  if (claims.iat !== undefined && typeof claims.iat !== 'number') return null;
  const userId =
    typeof claims.sub === 'string' && /^\d+$/.test(claims.sub) ? Number(claims.sub) : 0;
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  const sessionId = claims.sid;
  if (typeof sessionId !== 'number' || !Number.isSafeInteger(sessionId) || sessionId <= 0) {
    return null;
  }
  return { userId, sessionId };
}
