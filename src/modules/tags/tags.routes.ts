import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent, Page, PageQuery, UsernameParams } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { listTaggedPosts } from '../posts/post-lists.service.js';
import { PostSchema } from '../posts/posts.schema.js';
import { PendingTagSchema } from './tags.schema.js';
import { answerPendingTag, listPendingTags, untagMe } from './tags.service.js';

const tags = ['tags'];

export const tagsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/users/:username/tagged',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'listTaggedPosts',
          summary: 'Posts an account is tagged in',
          description:
            'Approved tags only, on posts the caller may see, newest first. 403 for a private account to non-followers.',
          params: UsernameParams,
          querystring: PageQuery,
          response: { 200: Page(PostSchema, 'Post') },
        },
      },
      async (request) =>
        listTaggedPosts(deps, request.actor?.id ?? null, request.params.username, request.query),
    );

    app.delete(
      '/posts/:id/tags/me',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'untagMe',
          summary: "Remove yourself from a post's tags",
          description: 'Idempotent.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await untagMe(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me/pending-tags',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listPendingTags',
          summary: 'Tags waiting for my approval',
          description:
            'With `tag_approval: "manual"` (PATCH /me), new tags of you wait here and show nowhere until approved. Newest first.',
          querystring: PageQuery,
          response: { 200: Page(PendingTagSchema, 'PendingTag') },
        },
      },
      async (request) => listPendingTags(deps, actorOf(request), request.query),
    );

    for (const [action, approve] of [
      ['approve', true],
      ['decline', false],
    ] as const) {
      app.post(
        `/me/pending-tags/:id/${action}`,
        {
          config: { auth: 'required' },
          schema: {
            tags,
            operationId: approve ? 'approvePendingTag' : 'declinePendingTag',
            summary: approve ? 'Approve a tag of me' : 'Decline a tag of me',
            description: approve ? 'The tag then shows on the photo.' : 'The tag is removed.',
            params: IdParams,
            response: { 204: NoContent },
          },
        },
        async (request, reply) => {
          await answerPendingTag(deps, actorOf(request), Number(request.params.id), approve);
          return reply.status(204).send(null);
        },
      );
    }
  };
