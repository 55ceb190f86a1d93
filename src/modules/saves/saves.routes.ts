import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, Page, PageQuery } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { PostSchema } from '../posts/posts.schema.js';
import { listSaved, setPostSave } from './saves.service.js';

const tags = ['saves'];

export const savesRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    for (const [method, saved] of [
      ['POST', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/posts/:id/save',
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: saved ? 'savePost' : 'unsavePost',
          summary: saved ? 'Save a post' : 'Remove a post from saved',
          description: 'Idempotent; answers with the Post as it is now.',
          params: IdParams,
          response: { 200: PostSchema },
        },
        handler: async (request) =>
          setPostSave(deps, actorOf(request), Number(request.params.id), saved),
      });
    }

    app.get(
      '/me/saved',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listSavedPosts',
          summary: 'My saved posts',
          description:
            'Most recently saved first. Posts the caller can no longer see (author went private or was deactivated) are left out.',
          querystring: PageQuery,
          response: { 200: Page(PostSchema, 'Post') },
        },
      },
      async (request) => listSaved(deps, actorOf(request), request.query),
    );
  };
