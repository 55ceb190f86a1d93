import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { Page } from '../../common.schema.js';
import { listHashtagPosts } from '../posts/post-lists.service.js';
import { PostSchema } from '../posts/posts.schema.js';
import {
  HashtagParams,
  HashtagPostsQuery,
  HashtagSchema,
  HashtagSearchQuery,
  HashtagSummarySchema,
} from './hashtags.schema.js';
import { getHashtag, searchHashtags } from './hashtags.service.js';

const tags = ['hashtags'];

export const hashtagsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/hashtags',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'searchHashtags',
          summary: 'Hashtags by prefix',
          description:
            'Most used first (posts of active accounts, private ones included in the count), then by name.',
          querystring: HashtagSearchQuery,
          response: { 200: Page(HashtagSummarySchema, 'HashtagSummary') },
        },
      },
      async (request) => searchHashtags(deps, request.query),
    );

    app.get(
      '/hashtags/:name',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'getHashtag',
          summary: 'A hashtag page’s header',
          description:
            '404 for a tag no post carries. Fullwidth and other compatibility forms fold (NFKC).',
          params: HashtagParams,
          response: { 200: HashtagSchema },
        },
      },
      async (request) => getHashtag(deps, request.params.name),
    );

    app.get(
      '/hashtags/:name/posts',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'listHashtagPosts',
          summary: 'A hashtag page’s posts',
          description:
            'The posts the caller may see: `recent` newest first, or `top` by the explore score over 30 days.',
          params: HashtagParams,
          querystring: HashtagPostsQuery,
          response: { 200: Page(PostSchema, 'Post') },
        },
      },
      async (request) =>
        listHashtagPosts(deps, request.actor?.id ?? null, request.params.name, request.query),
    );
  };
