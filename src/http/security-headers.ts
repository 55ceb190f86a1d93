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
export function registerSecurityHeaders(app: FastifyInstance): void {
  const overHttps = helmetHeaders('https');
  const overHttp = helmetHeaders('http');
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.protocol === 'https' ? overHttps : overHttp);
    done();
  });
}

export function helmetHeaders(scheme: 'http' | 'https'): Readonly<Record<string, string>> {
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
  const options =
    scheme === 'https'
      ? {}
      : { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };
  helmet(options)(
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
