import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { NoContent, Page, PageQuery, Problem, UsernameParams } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import * as blocks from './blocks.service.js';
import { BlockedUser, MuteBody, MutedUser, MuteState } from './blocks.schema.js';

export const blocksRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['blocks and mutes'];
    const required = { auth: 'required' } as const;
    const errors = { 400: Problem, 401: Problem, 404: Problem };

    app.post(
      '/users/:username/block',
      {
        config: required,
        schema: {
          tags,
          operationId: 'blockUser',
          summary: 'Block an account',
          description:
            'Idempotent. Follows and follow requests between you end both ways. To the blocked ' +
            'person you no longer exist (your profile and content are 404, your comments and ' +
            'likes leave their lists); you no longer see their content or comments; following, ' +
            'liking or commenting between you is 403 `blocked`. Blocking yourself is 400.',
          params: UsernameParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await blocks.block(deps, actorOf(request), request.params.username);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/users/:username/block',
      {
        config: required,
        schema: {
          tags,
          operationId: 'unblockUser',
          summary: 'Unblock an account',
          description: 'Idempotent. Follows that the block ended are not restored.',
          params: UsernameParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await blocks.unblock(deps, actorOf(request), request.params.username);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me/blocks',
      {
        config: required,
        schema: {
          tags,
          operationId: 'listBlocks',
          summary: 'Accounts you block',
          description: 'Newest block first.',
          querystring: PageQuery,
          response: { 200: Page(BlockedUser, 'BlockedUser'), 400: Problem, 401: Problem },
        },
      },
      async (request) => blocks.listBlocks(deps, actorOf(request), request.query),
    );

    app.post(
      '/users/:username/mute',
      {
        config: required,
        schema: {
          tags,
          operationId: 'muteUser',
          summary: "Mute an account's posts and/or stories",
          description:
            'Muted posts leave your home feed and muted stories your story tray; nothing else ' +
            'changes and the account is not told. Both are muted unless the body says otherwise; ' +
            'muting neither is the same as unmuting. Answers what is muted now.',
          params: UsernameParams,
          body: MuteBody,
          response: { 200: MuteState, ...errors },
        },
      },
      async (request) =>
        blocks.mute(deps, actorOf(request), request.params.username, request.body ?? {}),
    );

    app.delete(
      '/users/:username/mute',
      {
        config: required,
        schema: {
          tags,
          operationId: 'unmuteUser',
          summary: 'Unmute an account',
          description: 'Idempotent.',
          params: UsernameParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await blocks.unmute(deps, actorOf(request), request.params.username);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me/mutes',
      {
        config: required,
        schema: {
          tags,
          operationId: 'listMutes',
          summary: 'Accounts you mute',
          description: 'Newest mute first.',
          querystring: PageQuery,
          response: { 200: Page(MutedUser, 'MutedUser'), 400: Problem, 401: Problem },
        },
      },
      async (request) => blocks.listMutes(deps, actorOf(request), request.query),
    );
  };
