import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sendProblem } from './error-handler.js';

/**
 * Paths that never fall back to index.html: the server's own (unknown ones stay JSON 404 problems)
 * and the app's assets (a missing hashed file is a 404, not HTML the browser would run as a script).
 */
const NOT_APP_PATHS = /^\/(api|media|docs|openapi\.json|healthz|readyz|metrics|assets)(\/|$|\?)/;

/** Vite puts content-hashed files under /assets/: they never change, so caches keep them a year. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app (web/dist) at `/`: its files, and index.html for every other GET that is
 * not a server path, so client routes (/p/123, /alice) load the app. index.html is never cached, so
 * a deploy reaches browsers at once. Without a build the server answers the API only.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  const indexFile = path.join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.info(`no web app build in ${distDir}: serving the API only`);
    return;
  }
  const indexHtml = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: false,
    index: false,
    setHeaders(reply, filePath) {
      const relative = path.relative(distDir, filePath);
      reply.header(
        'cache-control',
        relative.startsWith(`assets${path.sep}`) ? IMMUTABLE_CACHE : 'no-cache',
      );
    },
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url;
    if (NOT_APP_PATHS.test(url)) {
      return sendProblem(
        reply,
        request,
        404,
        'not_found',
        `No route for GET ${url.split('?')[0]}.`,
      );
    }
    return reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(indexHtml);
  });
}
