import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent, Page, PageQuery, Problem } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { lowercaseFields } from '../../http/lowercase.js';
import * as auth from './auth.service.js';
import {
  ChangePasswordBody,
  LoginBody,
  PasswordResetBody,
  PasswordResetConfirmBody,
  RefreshBody,
  Session,
  SignupBody,
  TokenPair,
  VerifyEmailBody,
} from './auth.schema.js';
import { registerAuthRateLimit } from './rate-limit.js';

const clientOf = (request: FastifyRequest): auth.ClientInfo => ({
  userAgent: request.headers['user-agent'] ?? null,
  ip: request.ip,
});

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
        preValidation: lowercaseFields('username', 'email'),
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
        const result = await auth.signup(deps, request.body, clientOf(request));
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
        preValidation: lowercaseFields('username'),
        schema: {
          tags,
          operationId: 'logIn',
          summary: 'Log in with username or email',
          description:
            'Unknown user and wrong password are the same 401. Rate limited per client address ' +
            'and per account named (429 with Retry-After). A suspended account with the right ' +
            'password is 403 `account_suspended`, the reason in `detail`.',
          body: LoginBody,
          response: { 200: TokenPair, 403: Problem, ...errors },
        },
      },
      async (request) => auth.login(deps, request.body, clientOf(request)),
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

    app.post(
      '/auth/verify-email',
      {
        schema: {
          tags,
          operationId: 'verifyEmail',
          summary: 'Confirm your email address with the mailed token',
          description:
            'The token comes in the mail sent at signup and after an email change (valid 24 hours, ' +
            'single use; a newer mail replaces it). 400 `invalid_token` when it is unknown, ' +
            "expired, used, or the account's address has changed since. Needs no access token.",
          body: VerifyEmailBody,
          response: { 204: NoContent, 400: Problem },
        },
      },
      async (request, reply) => {
        await auth.verifyEmail(deps, request.body.token);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: { rateLimit: {} },
        preValidation: lowercaseFields('email'),
        schema: {
          tags,
          operationId: 'requestPasswordReset',
          summary: 'Mail a password reset link',
          description:
            'Always 202, whether or not an account has this address. An active account gets a ' +
            'single-use token valid for one hour (at most 3 mails per account per hour). Rate ' +
            'limited per client address (429 with Retry-After).',
          body: PasswordResetBody,
          response: { 202: NoContent, 400: Problem, 429: Problem },
        },
      },
      async (request, reply) => {
        await auth.requestPasswordReset(deps, request.body.email);
        return reply.status(202).send(null);
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        config: { rateLimit: {} },
        schema: {
          tags,
          operationId: 'confirmPasswordReset',
          summary: 'Set a new password with the mailed token',
          description:
            'The new password follows the signup rules (400 naming `new_password`). Every session ' +
            'of the account ends; log in with the new password. 400 `invalid_token` when the token ' +
            'is unknown, expired or used. Rate limited per client address (429).',
          body: PasswordResetConfirmBody,
          response: { 204: NoContent, 400: Problem, 429: Problem },
        },
      },
      async (request, reply) => {
        await auth.confirmPasswordReset(deps, request.body);
        return reply.status(204).send(null);
      },
    );

    const required = { auth: 'required' } as const;
    const sessionTags = ['sessions'];

    app.get(
      '/me/sessions',
      {
        config: required,
        schema: {
          tags: sessionTags,
          operationId: 'listSessions',
          summary: 'Your logins that have not ended',
          description: 'Newest login first; `current` marks the one making this request.',
          querystring: PageQuery,
          response: { 200: Page(Session, 'Session'), 400: Problem, 401: Problem },
        },
      },
      async (request) => auth.listSessions(deps, actorOf(request), request.query),
    );

    app.delete(
      '/me/sessions/:id',
      {
        config: required,
        schema: {
          tags: sessionTags,
          operationId: 'revokeSession',
          summary: 'End one of your sessions',
          description:
            'Its refresh token and its access tokens stop working at once (on every replica). ' +
            'Ending the current session is logging out. 404 when it is not yours or already ended.',
          params: IdParams,
          response: { 204: NoContent, 400: Problem, 401: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        await auth.revokeSession(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/me/sessions',
      {
        config: required,
        schema: {
          tags: sessionTags,
          operationId: 'revokeOtherSessions',
          summary: 'Log out everywhere else',
          description: 'Every session but the current one ends at once.',
          response: { 204: NoContent, 401: Problem },
        },
      },
      async (request, reply) => {
        await auth.revokeOtherSessions(deps, actorOf(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/me/email-verification',
      {
        config: required,
        schema: {
          tags: sessionTags,
          operationId: 'resendEmailVerification',
          summary: 'Mail a new confirmation link for your email',
          description:
            'The previous link stops working. Nothing is sent when the address is confirmed ' +
            'already (`email_verified` in GET /me). At most 3 links per hour (429).',
          response: { 202: NoContent, 401: Problem, 429: Problem },
        },
      },
      async (request, reply) => {
        await auth.resendEmailVerification(deps, actorOf(request));
        return reply.status(202).send(null);
      },
    );

    app.post(
      '/me/password',
      {
        config: { ...required, verifiesPassword: true },
        schema: {
          tags: sessionTags,
          operationId: 'changePassword',
          summary: 'Change your password',
          description:
            'Needs the current password (403 when wrong). The new one follows the signup rules ' +
            '(400 naming `new_password`). Every other session ends at once; this one goes on. ' +
            'Password attempts are rate limited per account and per client address (429).',
          body: ChangePasswordBody,
          response: { 204: NoContent, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
        },
      },
      async (request, reply) => {
        await auth.changePassword(deps, actorOf(request), request.body);
        return reply.status(204).send(null);
      },
    );
  };
