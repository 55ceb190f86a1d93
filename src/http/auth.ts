import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, notAuthenticated } from './errors.js';

export interface Actor {
  id: number;
  /**
   * An OAuth token's scopes (the Mastodon client API, src/modules/oauth/); undefined for the
   * native API's own access tokens, which may do everything their account may.
   */
  scopes?: readonly string[];
  /** The login the access token belongs to (GET /me/sessions marks it `current`). */
  sessionId?: number;
}

export type AuthMode = 'required' | 'optional';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Omitted: the route ignores tokens entirely (health, docs). */
    auth?: AuthMode;
    /**
     * The OAuth scope an OAuth token needs here (`read:statuses`, `write:media`, …). Routes
     * without one refuse OAuth tokens (403): the native API is not part of what apps were granted.
     */
    scope?: string;
  }
}

/** Resolves a bearer token to the caller, or null when it is not valid (any reason). */
export type Authenticate = (token: string) => Promise<Actor | null>;

/**
 * The one auth hook. Runs before the body is read, so an unauthenticated upload is refused
 * without being received. A token that is present but invalid is a 401 even on public routes,
 * so clients learn to refresh instead of silently seeing the logged-out view.
 */
export function registerAuth(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const mode = request.routeOptions.config.auth;
    if (!mode) return;
    const token = bearerToken(request);
    if (token === undefined) {
      if (mode === 'required') throw notAuthenticated();
      return;
    }
    const actor = token ? await authenticate(token) : null;
    if (!actor) throw notAuthenticated('The access token is invalid or expired.');
    const needed = request.routeOptions.config.scope;
    if (actor.scopes && !grants(actor.scopes, needed)) {
      throw forbidden(
        needed
          ? `This access token lacks the "${needed}" scope.`
          : 'OAuth tokens work only on the Mastodon client API.',
      );
    }
    request.actor = actor;
  });
  // An answer made for one account (its feed, its private lists) is never kept by a browser
  // or a shared cache, whatever a route says.
  app.addHook('onSend', async (request, reply) => {
    if (request.actor) reply.header('cache-control', 'no-store');
  });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** For handlers of `auth: 'required'` routes, where the hook guarantees an actor. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw notAuthenticated();
  return request.actor;
}

/** The `follow` scope of older Mastodon apps covers these. */
const FOLLOW_SCOPES = new Set([
  'read:follows',
  'write:follows',
  'read:blocks',
  'write:blocks',
  'read:mutes',
  'write:mutes',
]);

/**
 * Whether granted OAuth scopes cover `needed`: the scope itself, its parent (`read` covers
 * `read:statuses`), or `follow` for the follow-related sub-scopes. `profile` is covered by `read`
 * and `read:accounts`.
 */
export function grants(granted: readonly string[], needed: string | undefined): boolean {
  if (needed === undefined) return false;
  const parent = needed.split(':')[0]!;
  if (granted.includes(needed) || granted.includes(parent)) return true;
  if (needed === 'profile') return granted.includes('read:accounts');
  return FOLLOW_SCOPES.has(needed) && granted.includes('follow');
}
