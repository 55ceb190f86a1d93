import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { Page, PageQuery } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { PostSchema } from '../posts/posts.schema.js';
import { EXPLORE_WINDOW_DAYS } from './explore.repository.js';
import { explore, homeFeed } from './feed.service.js';

const tags = ['feed'];
const PostPage = Page(PostSchema, 'Post');

export const feedRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/feed',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listHomeFeed',
          summary: 'Home feed',
          description:
            'The caller’s posts and those of accounts the caller follows (approved follows only), newest first.',
          querystring: PageQuery,
          response: { 200: PostPage },
        },
      },
      async (request) => homeFeed(deps, actorOf(request), request.query),
    );

    app.get(
      '/explore',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listExplore',
          summary: 'Explore: recent popular posts',
          description: `Posts from the last ${EXPLORE_WINDOW_DAYS} days by public, active accounts that the caller neither is nor follows, ranked by engagement score \`like_count + 2 × comment_count\` (highest first; equal scores newest first, by id). The ranking is live: a post whose score changes while you page may appear on two pages or be skipped.`,
          querystring: PageQuery,
          response: { 200: PostPage },
        },
      },
      async (request) => explore(deps, actorOf(request), request.query),
    );
  };
