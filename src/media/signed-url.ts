import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed media URLs (issue #18): `/media/<key>?exp=<unix seconds>&sig=<hex>`, an HMAC-SHA256 over
 * the key and the expiry. Expiries are rounded down to a quarter of the TTL, so every page
 * rendered within that window names the same URL (browsers keep their cached copy) and no URL
 * lives longer than the TTL.
 */
export interface MediaSigner {
  /** The query string (without `?`) that makes `key` readable until its rounded expiry. */
  sign(key: string, now: Date): string;
  /**
   * For S3 presigning: a signing time rounded down to the window, and how long from it the
   * link lives, so it ends at the same rounded expiry a disk link would.
   */
  window(now: Date): { signedAt: Date; expiresSeconds: number };
  /** Whether `exp`/`sig` were issued for `key` and have not expired at `now`. */
  verify(key: string, exp: string | undefined, sig: string | undefined, now: Date): boolean;
}

export function createMediaSigner(secret: string, ttlSeconds: number): MediaSigner {
  // A key of its own, so a media signature can never be replayed as anything else (a JWT).
  const hmacKey = createHmac('sha256', secret).update('photogram media url v1').digest();
  const window = Math.max(1, Math.floor(ttlSeconds / 4));
  const mac = (key: string, exp: number) =>
    createHmac('sha256', hmacKey).update(`${key}\n${exp}`).digest();
  return {
    sign(key, now) {
      const exp = Math.floor((now.getTime() / 1000 + ttlSeconds) / window) * window;
      return `exp=${exp}&sig=${mac(key, exp).toString('hex')}`;
    },
    window(now) {
      const start = Math.floor(now.getTime() / 1000 / window) * window;
      return { signedAt: new Date(start * 1000), expiresSeconds: ttlSeconds };
    },
    verify(key, exp, sig, now) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[a-f0-9]{64}$/.test(sig)) return false;
      if (Number(exp) * 1000 <= now.getTime()) return false;
      return timingSafeEqual(mac(key, Number(exp)), Buffer.from(sig, 'hex'));
    },
  };
}
