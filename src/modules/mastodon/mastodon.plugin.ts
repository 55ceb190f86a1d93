import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { carriesAppToken } from '../../http/app-token.js';
import { registerWriteLimits } from '../../http/write-limits.js';
import { uploadTempDir } from '../media/receive-upload.js';
import { oauthRoutes } from '../oauth/oauth.routes.js';
import { instanceRoutes } from './instance.routes.js';
import { mastodonRoutes } from './mastodon.routes.js';
import { registerMastodonWire } from './wire.js';

/** Mastodon's stand-in for accounts without a picture: one light grey pixel. */
const MISSING_AVATAR = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAG7buVgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Routes constrained with `oauthToken: 'yes'` answer requests that carry an OAuth token (a
 * Mastodon app), while the same path without it stays the native API's (GET /api/v1/media/:id).
 */
const OAUTH_TOKEN_CONSTRAINT = {
  name: 'oauthToken',
  storage() {
    const handlers = new Map<string, unknown>();
    return {
      get: (value: string) => handlers.get(value) ?? null,
      set: (value: string, store: unknown) => void handlers.set(value, store),
    };
  },
  deriveConstraint: (req: { headers: Record<string, string | string[] | undefined> }) =>
    carriesAppToken(req.headers.authorization) ? 'yes' : 'no',
  mustMatchWhenDerived: false,
};

/**
 * The Mastodon client API (docs/MASTODON.md): OAuth, then the REST surface, in one
 * encapsulated plugin so its wire rules (JSON `{error}`, form bodies, Rails arrays) stay here.
 */
export const mastodonApi =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    if (!app.hasConstraintStrategy('oauthToken')) {
      app.addConstraintStrategy(OAUTH_TOKEN_CONSTRAINT as never);
    }
    await registerMastodonWire(app, { uploadDir: uploadTempDir(deps.config) });
    await app.register(oauthRoutes(deps));
    await app.register(instanceRoutes(deps));
    await app.register(async (api) => {
      // The native API's per-account write and upload limits apply here too (shared through
      // Redis when it is configured; otherwise this surface counts its own budget).
      await registerWriteLimits(api, {
        writesPer5Min: deps.config.writeRateLimitPer5min,
        uploadsPer30Min: deps.config.uploadRateLimitPer30min,
        redis: deps.redis,
        redisKeyPrefix: deps.config.redisKeyPrefix,
      });
      await api.register(mastodonRoutes(deps));
    });
    app.get('/avatars/original/missing.png', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/png').header('cache-control', 'public, max-age=86400').send(MISSING_AVATAR),
    );
  };
