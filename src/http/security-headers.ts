import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's default security headers on every answer (the /docs page included). They depend
 * only on the scheme, so helmet runs once per scheme at start-up and the hook only copies the
 * result: @fastify/helmet rebuilt helmet's middleware (parsing the CSP directives again) on
 * every request, ~5 % of the CPU of a simple read in the benchmark's profile.
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
    reply.headers(request.protocol === 'https' ? overHttps : overHttp);
    done();
  });
}

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
