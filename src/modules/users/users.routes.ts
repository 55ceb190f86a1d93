import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { NoContent, Page, Problem, UsernameParams, UserSummary } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { lowercaseFields } from '../../http/lowercase.js';
import * as users from './users.service.js';
import {
  DeleteMeBody,
  MeSchema,
  ProfileSchema,
  SearchQuery,
  UpdateMeBody,
} from './users.schema.js';

export const usersRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['users'];

    app.get(
      '/me',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'getMe',
          summary: 'Your profile, with your email',
          response: { 200: MeSchema, 401: Problem },
        },
      },
      async (request) => users.getMe(deps, actorOf(request)),
    );

    app.patch(
      '/me',
      {
        config: {
          auth: 'required',
          // Only an email change checks the password (and counts as an attempt).
          verifiesPassword: (request) =>
            typeof (request.body as { current_password?: unknown })?.current_password === 'string',
        },
        schema: {
          tags,
          operationId: 'updateMe',
          summary: 'Edit your profile',
          description:
            'Only the fields sent change. Going private keeps existing followers; going public ' +
            'accepts every pending follow request. `username` (lowercased first) can change once ' +
            'per 14 days (409 `username_change_too_soon`); the old name stays reserved for you ' +
            'for 14 days, so nobody else can take it. A new `email` (lowercased) is unverified ' +
            'until the link mailed to it is used, and the old address gets a notice. A username ' +
            'or email in use (or reserved) is 409 `conflict`.',
          body: UpdateMeBody,
          response: { 200: MeSchema, 400: Problem, 401: Problem, 409: Problem },
        },
        preValidation: lowercaseFields('username', 'email'),
      },
      async (request) => users.updateMe(deps, actorOf(request), request.body),
    );

    app.delete(
      '/me',
      {
        config: { auth: 'required', verifiesPassword: true },
        schema: {
          tags,
          operationId: 'deactivateMe',
          summary: 'Deactivate your account',
          description:
            'Requires your password (403 when wrong); password attempts are rate limited per ' +
            'account and per client address (429 with Retry-After). The account and its content disappear ' +
            'from every list and lookup and every session ends; the username and email stay reserved.',
          body: DeleteMeBody,
          response: { 204: NoContent, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
        },
      },
      async (request, reply) => {
        await users.deactivateMe(deps, actorOf(request), request.body.password);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/users',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'searchUsers',
          summary: 'Search people by username or name prefix',
          description: 'Case-insensitive prefix match; ordered by username.',
          querystring: SearchQuery,
          response: { 200: Page(UserSummary, 'User'), 400: Problem, 401: Problem },
        },
      },
      async (request) => users.searchUsers(deps, request.actor, request.query),
    );

    app.get(
      '/users/:username',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'getProfile',
          summary: "A person's profile",
          description: 'Public. Relationship flags are false without a token.',
          params: UsernameParams,
          response: { 200: ProfileSchema, 401: Problem, 404: Problem },
        },
      },
      async (request) => users.getProfile(deps, request.actor, request.params.username),
    );
  };
