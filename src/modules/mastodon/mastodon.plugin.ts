import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { uploadTempDir } from '../media/receive-upload.js';
import { oauthRoutes } from '../oauth/oauth.routes.js';
import { instanceRoutes } from './instance.routes.js';
import { registerMastodonWire } from './wire.js';

/**
 * The Mastodon client API (docs/MASTODON.md): OAuth, then the REST surface, in one
 * encapsulated plugin so its wire rules (JSON `{error}`, form bodies, Rails arrays) stay here.
 */
export const mastodonApi =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    await registerMastodonWire(app, { uploadDir: uploadTempDir(deps.config) });
    await app.register(oauthRoutes(deps));
    await app.register(instanceRoutes(deps));
  };
