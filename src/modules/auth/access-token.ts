import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/**
 * Short-lived signed access tokens (HS256). The `typ` claim keeps refresh tokens and any other
 * token this service might sign from ever being accepted as an access token.
 */
export interface AccessTokenClaims {
  userId: number;
}

const ISSUER = 'photogram';
const TYPE = 'access';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signAccessToken(
  secret: string,
  userId: number,
  ttlSeconds: number,
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ typ: TYPE })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(keyOf(secret));
}

/** Null for anything that is not a valid, unexpired access token of ours. */
export async function verifyAccessToken(
  secret: string,
  token: string,
  now: Date,
): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: now,
    });
    const userId = Number(payload.sub);
    if (payload.typ !== TYPE || !Number.isSafeInteger(userId) || userId <= 0) return null;
    return { userId };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}
