import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { registerAuthRateLimit } from '../auth/rate-limit.js';
import { baseUrlOf, bearerOf } from '../mastodon/wire.js';
import { authorizePage, codePage, errorPage } from './oauth-pages.js';
import {
  appOfToken,
  type AuthorizeParams,
  AuthorizeRefused,
  checkAuthorizeRequest,
  createApp,
  grantCode,
  issueToken,
  type NewApp,
  OOB,
  revokeToken,
  type TokenRequest,
} from './oauth.service.js';
import { KNOWN_SCOPES } from './scopes.js';

/** Hidden from /openapi.json: this surface follows Mastodon's documentation (docs/MASTODON.md). */
const hide = { hide: true };

const AUTHORIZE_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

function authorizeParams(source: unknown): AuthorizeParams {
  const input = (source ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const field of AUTHORIZE_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') params[field] = value;
  }
  return params;
}

/**
 * The pages' own CSP: no script at all, and the form may post here and (the answer being a
 * redirect) continue to the app's registered redirect URI.
 */
function sendPage(reply: FastifyReply, status: number, html: string, redirectUri?: string) {
  let target = '';
  if (redirectUri && redirectUri !== OOB) {
    const url = new URL(redirectUri);
    target =
      url.protocol === 'http:' || url.protocol === 'https:' ? ` ${url.origin}` : ` ${url.protocol}`;
  }
  return reply
    .status(status)
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

export const oauthRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    await registerAuthRateLimit(app, deps.config, deps.redis);

    // Registering apps costs a row each: limited per address like signup and login.
    app.post('/api/v1/apps', { config: { rateLimit: {} }, schema: hide }, async (request) =>
      createApp(deps, (request.body ?? {}) as NewApp),
    );

    app.get('/api/v1/apps/verify_credentials', { schema: hide }, async (request) =>
      appOfToken(deps, bearerOf(request)),
    );

    app.get('/oauth/authorize', { schema: hide }, async (request, reply) => {
      const params = authorizeParams(request.query);
      try {
        const checked = await checkAuthorizeRequest(deps, params);
        return sendPage(
          reply,
          200,
          authorizePage({
            appName: checked.app.name,
            website: checked.app.website,
            scopes: checked.scopes,
            hidden: {
              ...params,
              redirect_uri: checked.redirectUri,
              scope: checked.scopes.join(' '),
            },
          }),
          checked.redirectUri,
        );
      } catch (error) {
        if (error instanceof AuthorizeRefused)
          return sendPage(reply, 400, errorPage(error.message));
        throw error;
      }
    });

    app.post(
      '/oauth/authorize',
      { config: { rateLimit: {} }, schema: hide },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const params = authorizeParams(body);
        let checked;
        try {
          checked = await checkAuthorizeRequest(deps, params);
        } catch (error) {
          if (error instanceof AuthorizeRefused) {
            return sendPage(reply, 400, errorPage(error.message));
          }
          throw error;
        }
        const username = typeof body.username === 'string' ? body.username : '';
        const password = typeof body.password === 'string' ? body.password : '';
        const code = await grantCode(deps, checked, { username, password });
        if (!code) {
          return sendPage(
            reply,
            401,
            authorizePage({
              appName: checked.app.name,
              website: checked.app.website,
              scopes: checked.scopes,
              hidden: { ...params, redirect_uri: checked.redirectUri },
              username,
              message: 'The username or password is not correct.',
            }),
            checked.redirectUri,
          );
        }
        if (checked.redirectUri === OOB) {
          return sendPage(reply, 200, codePage(checked.app.name, code));
        }
        const target = new URL(checked.redirectUri);
        target.searchParams.set('code', code);
        if (params.state !== undefined) target.searchParams.set('state', params.state);
        return reply.header('cache-control', 'no-store').redirect(target.toString(), 302);
      },
    );

    app.post('/oauth/token', { schema: hide }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return issueToken(deps, (request.body ?? {}) as TokenRequest, { ip: request.ip });
    });

    app.post('/oauth/revoke', { schema: hide }, async (request) => {
      await revokeToken(deps, (request.body ?? {}) as TokenRequest);
      return {};
    });

    app.get('/.well-known/oauth-authorization-server', { schema: hide }, async (request) => {
      const base = baseUrlOf(request);
      return {
        issuer: `${base}/`,
        service_documentation: 'https://docs.joinmastodon.org/',
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        app_registration_endpoint: `${base}/api/v1/apps`,
        revocation_endpoint: `${base}/oauth/revoke`,
        scopes_supported: KNOWN_SCOPES,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'none'],
      };
    });
  };
