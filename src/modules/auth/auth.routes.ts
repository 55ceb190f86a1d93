import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { NoContent, Problem } from '../../common.schema.js';
import * as auth from './auth.service.js';
import { LoginBody, RefreshBody, SignupBody, TokenPair } from './auth.schema.js';
import { registerAuthRateLimit } from './rate-limit.js';

/** Usernames and emails are case-insensitive: lowercased before the schema checks them. */
const lowercase =
  (...fields: string[]) =>
  async (request: FastifyRequest) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    for (const field of fields) {
      if (typeof body[field] === 'string') body[field] = body[field].toLowerCase();
    }
  };

const errors = { 400: Problem, 401: Problem, 409: Problem, 429: Problem };

export const authRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    await registerAuthRateLimit(app, deps.config, deps.redis);
    const tags = ['auth'];

    app.post(
      '/auth/signup',
      {
        config: { rateLimit: {} },
        preValidation: lowercase('username', 'email'),
        schema: {
          tags,
          operationId: 'signUp',
          summary: 'Create an account',
          description:
            'Username and email are lowercased first; either already in use (in any case) is 409. ' +
            'Rate limited per client address (429 with Retry-After).',
          body: SignupBody,
          response: { 201: TokenPair, ...errors },
        },
      },
      async (request, reply) => {
        const result = await auth.signup(deps, request.body);
        return reply
          .status(201)
          .header('Location', `/api/v1/users/${result.user.username}`)
          .send(result);
      },
    );

    app.post(
      '/auth/login',
      {
        config: { rateLimit: {}, verifiesPassword: true },
        preValidation: lowercase('username'),
        schema: {
          tags,
          operationId: 'logIn',
          summary: 'Log in with username or email',
          description:
            'Unknown user and wrong password are the same 401. Rate limited per client address ' +
            'and per account named (429 with Retry-After).',
          body: LoginBody,
          response: { 200: TokenPair, ...errors },
        },
      },
      async (request) => auth.login(deps, request.body),
    );

    app.post(
      '/auth/refresh',
      {
        schema: {
          tags,
          operationId: 'refreshTokens',
          summary: 'Exchange a refresh token for a new pair',
          description:
            'The presented refresh token stops working. Presenting an already rotated token ' +
            'revokes every token of that login (401).',
          body: RefreshBody,
          response: { 200: TokenPair, 400: Problem, 401: Problem },
        },
      },
      async (request) => auth.refresh(deps, request.body.refresh_token),
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags,
          operationId: 'logOut',
          summary: 'Revoke a refresh token',
          description: 'Idempotent: an unknown or already revoked token is also 204.',
          body: RefreshBody,
          response: { 204: NoContent, 400: Problem },
        },
      },
      async (request, reply) => {
        await auth.logout(deps, request.body.refresh_token);
        return reply.status(204).send(null);
      },
    );
  };
