import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import {
  IdParams,
  NoContent,
  Page,
  PageQuery,
  Problem,
  UsernameParams,
} from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import * as follows from './follows.service.js';
import { FollowListUser, FollowRequest, FollowResult } from './follows.schema.js';

export const followsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['follows'];
    const required = { auth: 'required' } as const;

    app.post(
      '/users/:username/follow',
      {
        config: required,
        schema: {
          tags,
          operationId: 'followUser',
          summary: 'Follow an account',
          description:
            'Idempotent. A private account gets a follow request instead ({status: "requested"}). ' +
            'Following yourself is 400.',
          params: UsernameParams,
          response: { 200: FollowResult, 400: Problem, 401: Problem, 404: Problem },
        },
      },
      async (request) => follows.follow(deps, actorOf(request), request.params.username),
    );

    app.delete(
      '/users/:username/follow',
      {
        config: required,
        schema: {
          tags,
          operationId: 'unfollowUser',
          summary: 'Unfollow, or withdraw a follow request',
          description: 'Idempotent.',
          params: UsernameParams,
          response: { 204: NoContent, 400: Problem, 401: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        await follows.unfollow(deps, actorOf(request), request.params.username);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/users/:username/follower',
      {
        config: required,
        schema: {
          tags,
          operationId: 'removeFollower',
          summary: 'Remove one of your followers',
          description: 'Idempotent; also drops a pending request from that account.',
          params: UsernameParams,
          response: { 204: NoContent, 400: Problem, 401: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        await follows.removeFollower(deps, actorOf(request), request.params.username);
        return reply.status(204).send(null);
      },
    );

    for (const side of ['followers', 'following'] as const) {
      app.get(
        `/users/:username/${side}`,
        {
          config: { auth: 'optional' },
          schema: {
            tags,
            operationId: side === 'followers' ? 'listFollowers' : 'listFollowing',
            summary: side === 'followers' ? "An account's followers" : 'Accounts it follows',
            description:
              'Newest first. A private account’s lists are visible only to itself and its ' +
              'approved followers (403 otherwise).',
            params: UsernameParams,
            querystring: PageQuery,
            response: {
              200: Page(FollowListUser, side === 'followers' ? 'Followers' : 'Following'),
              400: Problem,
              401: Problem,
              403: Problem,
              404: Problem,
            },
          },
        },
        async (request) =>
          follows.listFollows(deps, request.actor, request.params.username, side, request.query),
      );
    }

    app.get(
      '/me/follow-requests',
      {
        config: required,
        schema: {
          tags,
          operationId: 'listFollowRequests',
          summary: 'Pending requests to follow you',
          description: 'Newest first.',
          querystring: PageQuery,
          response: { 200: Page(FollowRequest, 'FollowRequest'), 400: Problem, 401: Problem },
        },
      },
      async (request) => follows.listRequests(deps, actorOf(request), request.query),
    );

    for (const action of ['approve', 'decline'] as const) {
      app.post(
        `/me/follow-requests/:id/${action}`,
        {
          config: required,
          schema: {
            tags,
            operationId: action === 'approve' ? 'approveFollowRequest' : 'declineFollowRequest',
            summary: action === 'approve' ? 'Approve a follow request' : 'Decline a follow request',
            description: '404 when the request is not a pending one addressed to you.',
            params: IdParams,
            response: { 204: NoContent, 400: Problem, 401: Problem, 404: Problem },
          },
        },
        async (request, reply) => {
          const handle = action === 'approve' ? follows.approveRequest : follows.declineRequest;
          await handle(deps, actorOf(request), Number(request.params.id));
          return reply.status(204).send(null);
        },
      );
    }
  };
