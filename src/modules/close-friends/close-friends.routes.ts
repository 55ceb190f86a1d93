import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { NoContent, Page, PageQuery, Problem, UserSummary } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { exampleFollower, exampleUser } from '../../openapi-examples.js';
import { listCloseFriends, replaceCloseFriends } from './close-friends.service.js';

export const MAX_CLOSE_FRIENDS = 1000;

const CloseFriendsBody = Type.Object(
  {
    usernames: Type.Array(
      Type.String({ minLength: 1, maxLength: 30, pattern: '^\\s*[A-Za-z0-9._]+\\s*$' }),
      {
        maxItems: MAX_CLOSE_FRIENDS,
        description: `The whole list (0–${MAX_CLOSE_FRIENDS} usernames, any case); it replaces the previous one`,
      },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ usernames: [exampleUser.username, exampleFollower.username] }],
  },
);

export const closeFriendsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['stories'];
    const config = { auth: 'required' } as const;

    app.put(
      '/me/close-friends',
      {
        config,
        schema: {
          tags,
          operationId: 'replaceCloseFriends',
          summary: 'Set your close friends list',
          description:
            'The accounts that see your `close_friends` stories. Replaces the whole list; unknown, deactivated, blocked or repeated names and yourself are 400 with one `usernames` error per bad entry, and nothing changes.',
          body: CloseFriendsBody,
          response: { 204: NoContent, 400: Problem, 401: Problem },
        },
      },
      async (request, reply) => {
        await replaceCloseFriends(deps, actorOf(request), request.body.usernames);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me/close-friends',
      {
        config,
        schema: {
          tags,
          operationId: 'listCloseFriends',
          summary: 'Your close friends list',
          description: 'By username. Deactivated accounts are left out.',
          querystring: PageQuery,
          response: { 200: Page(UserSummary, 'CloseFriend'), 401: Problem },
        },
      },
      async (request) => listCloseFriends(deps, actorOf(request), request.query),
    );
  };
