import { createHmac, timingSafeEqual } from 'node:crypto';
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

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Null for anything that is not a valid, unexpired access token of ours. Verified with
 * node:crypto rather than jose: jose goes through WebCrypto, whose async key import and HMAC
 * cost ~90 µs per request here (a tenth of a simple request's CPU in the benchmark profile);
 * a synchronous HMAC costs a few µs. Only HS256 is accepted, so the algorithm check is exact.
 */
export async function verifyAccessToken(
  secret: string,
  token: string,
  now: Date,
): Promise<AccessTokenClaims | null> {
  return Promise.resolve(verifyCached(secret, token, now));
}

interface VerifiedToken {
  secret: string;
  claims: AccessTokenClaims;
  /** Seconds: the token is good from notBefore (inclusive) until expires (exclusive). */
  notBefore: number;
  expires: number;
}

/** Valid tokens only (an invalid one is never remembered), oldest dropped first. */
const verified = new Map<string, VerifiedToken>();
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * A client sends the same access token with every request for its 15 minutes, so a token whose
 * signature and claims were checked once is remembered by its exact text (signature included):
 * only the time window is checked again. The HMAC, base64 and JSON work was ~5 % of a simple
 * read's CPU in the benchmark profile.
 */
function verifyCached(secret: string, token: string, now: Date): AccessTokenClaims | null {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const hit = verified.get(token);
  if (hit && hit.secret === secret) {
    return nowSeconds >= hit.notBefore && nowSeconds < hit.expires ? hit.claims : null;
  }
  const result = verifyHs256(secret, token, now);
  if (!result) return null;
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
  verified.set(token, { secret, ...result });
  return result.claims;
}

function verifyHs256(
  secret: string,
  token: string,
  now: Date,
): { claims: AccessTokenClaims; notBefore: number; expires: number } | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const head = jsonObject(header);
  if (!head || head.alg !== 'HS256' || head.crit !== undefined) return null;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

  const claims = jsonObject(payload);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!claims || claims.iss !== ISSUER || claims.typ !== TYPE) return null;
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
  return {
    claims: { userId, sessionId },
    notBefore: typeof claims.nbf === 'number' ? claims.nbf : -Infinity,
    expires: claims.exp,
  };
}

function jsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
