import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Security headers on every answer. Pages, scripts, media and errors outside the API (the web
 * app, /docs, /media) get helmet's defaults. JSON answers under /api/ get the set OWASP's REST
 * Security Cheat Sheet names for APIs (`API_HEADERS`): helmet's CSP, referrer and
 * cross-origin-opener policies are for HTML, and their ~700 bytes on every API answer cost
 * ~10 µs per request (writing and parsing the headers) in the benchmark on this machine.
 *
 * helmet's headers depend only on the scheme, so helmet runs once per scheme at start-up and
 * the hook only copies the result: @fastify/helmet rebuilt helmet's middleware (parsing the
 * CSP directives again) on every request, ~5 % of the CPU of a simple read in the profile.
 *
 * The CSP's `upgrade-insecure-requests` is sent only over https (directly, or from a trusted
 * proxy's X-Forwarded-Proto: `request.protocol` honours TRUST_PROXY). Over plain http, e.g.
 * `http://<server-ip>:3000/docs`, it made browsers fetch the page's scripts over https, which
 * the server does not speak, and the page stayed blank.
 */
export function registerSecurityHeaders(app: FastifyInstance, mediaOrigins: string[] = []): void {
  const overHttps = helmetHeaders('https', mediaOrigins);
  const overHttp = helmetHeaders('http', mediaOrigins);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/')) reply.headers(API_HEADERS);
    else reply.headers(request.protocol === 'https' ? overHttps : overHttp);
    done();
  });
}

/** JSON is never rendered: it may not be framed, sniffed as HTML or loaded by other sites. */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

/**
 * The CSP also carries what the web app needs: image previews and blurhash placeholders are
 * blob:/data: URLs, and photos and videos may come from the media origins (the PUBLIC_URL or an S3
 * bucket/CDN). Scripts stay 'self' only: the app has no inline script.
 */
export function helmetHeaders(
  scheme: 'http' | 'https',
  mediaOrigins: string[] = [],
): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  const media = [...new Set(mediaOrigins)];
  const directives = {
    imgSrc: ["'self'", 'data:', 'blob:', ...media],
    mediaSrc: ["'self'", 'blob:', ...media],
    ...(scheme === 'https' ? {} : { upgradeInsecureRequests: null }),
  };
  helmet({ contentSecurityPolicy: { directives } })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error(String(error));
      finished = true;
    },
  );
  // helmet's middleware is synchronous; if a version ever is not, fail at start-up, not later.
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

/** The origin of a stored file's URL (where photos and videos load from), if it is absolute. */
export function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}
