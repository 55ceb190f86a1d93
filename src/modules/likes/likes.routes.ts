import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, Page, PageQuery, UserSummary } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { PostSchema } from '../posts/posts.schema.js';
import { listLikers, setPostLike } from './likes.service.js';

const tags = ['likes'];

export const likesRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    for (const [method, liked] of [
      ['POST', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/posts/:id/like',
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: liked ? 'likePost' : 'unlikePost',
          summary: liked ? 'Like a post' : 'Unlike a post',
          description: 'Idempotent; answers with the Post as it is now.',
          params: IdParams,
          response: { 200: PostSchema },
        },
        handler: async (request) =>
          setPostLike(deps, actorOf(request), Number(request.params.id), liked),
      });
    }

    app.get(
      '/posts/:id/likes',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listPostLikers',
          summary: 'Who liked a post',
          description: 'Newest like first.',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: Page(UserSummary, 'User') },
        },
      },
      async (request) =>
        listLikers(deps, actorOf(request).id, Number(request.params.id), request.query),
    );
  };
