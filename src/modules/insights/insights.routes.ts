import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, Problem } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import {
  AccountInsightsQuery,
  AccountInsightsSchema,
  PostInsightsSchema,
  StoryInsightsSchema,
} from './insights.schema.js';
import { accountInsights, postInsights, storyInsights } from './insights.service.js';

const tags = ['insights'];
const config = { auth: 'required' } as const;
const errors = { 400: Problem, 401: Problem, 404: Problem };

export const insightsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/posts/:id/insights',
      {
        config,
        schema: {
          tags,
          operationId: 'getPostInsights',
          summary: 'A post’s numbers (author only)',
          description:
            'Likes, comments, saves (a count: who saved is never shown) and, for posts with a video, views. 404 for anyone but the author.',
          params: IdParams,
          response: { 200: PostInsightsSchema, ...errors },
        },
      },
      async (request) => postInsights(deps, actorOf(request), Number(request.params.id)),
    );

    app.get(
      '/stories/:id/insights',
      {
        config,
        schema: {
          tags,
          operationId: 'getStoryInsights',
          summary: 'A story’s numbers (author only)',
          description:
            'How many accounts viewed it and how many liked it, also after it expired. 404 for anyone but the author.',
          params: IdParams,
          response: { 200: StoryInsightsSchema, ...errors },
        },
      },
      async (request) => storyInsights(deps, actorOf(request), Number(request.params.id)),
    );

    app.get(
      '/me/insights',
      {
        config,
        schema: {
          tags,
          operationId: 'getAccountInsights',
          summary: 'Your account’s activity, per day',
          description:
            'Over the last 7 or 30 UTC days (today included): followers gained, posts published, likes and comments received from others, per day (oldest first) and in total.',
          querystring: AccountInsightsQuery,
          response: { 200: AccountInsightsSchema, 400: Problem, 401: Problem },
        },
      },
      async (request) => accountInsights(deps, actorOf(request), request.query.days ?? 7),
    );
  };
