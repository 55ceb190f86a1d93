import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  userId: number;
  sessionId: number;
}

/**
 * The app's HS256 access token, checked the shortest way: signature, `typ`, expiry. No cache
 * and none of the app's stricter claim checks; the session row is still looked up by the
 * caller, as the app does on every request.
 */
export function verifyBearer(secret: string, header: string | undefined): TokenClaims | null {
  if (!header?.startsWith('Bearer ')) return null;
  const [head, payload, signature] = header.slice(7).split('.');
  if (!head || !payload || !signature) return null;
  const expected = createHmac('sha256', secret).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    sub?: string;
    sid?: number;
    typ?: string;
    exp?: number;
  };
  if (claims.typ !== 'access' || !claims.exp || claims.exp * 1000 <= Date.now()) return null;
  return { userId: Number(claims.sub), sessionId: Number(claims.sid) };
}
