import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { Page, PageQuery, Problem, UsernameParams } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { PostSchema } from '../posts/posts.schema.js';
import { POPULAR_REELS_DAYS, reelsFeed, userReels } from './reels.service.js';

const tags = ['reels'];
const PostPage = Page(PostSchema, 'Post');

export const reelsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/reels',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listReels',
          summary: 'Reels to watch',
          description: `First the reels you have not watched (\`POST /posts/{id}/views\`) from accounts you follow, newest first; then unwatched reels of the last ${POPULAR_REELS_DAYS} days from public accounts you do not follow, by popularity \`likes + 2 × comments + views / 10\` (ties: newest id first). The cursor carries the phase and the position, so a walk never serves a reel twice while reels are posted, watched or liked between pages: a new reel waits for the next walk, and a reel gaining popularity moves ahead of the cursor, never behind it. (Only a popularity that drops during the walk, an unlike or a deleted comment, could bring a reel back; watching it ends that too.)`,
          querystring: PageQuery,
          response: { 200: PostPage, 400: Problem, 401: Problem },
        },
      },
      async (request) => reelsFeed(deps, actorOf(request), request.query),
    );

    app.get(
      '/users/:username/reels',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'listUserReels',
          summary: "A profile's reels tab",
          description:
            'Its reels, newest first (the same as `GET /users/{username}/posts?type=reel`). 404 for unknown or deactivated accounts; 403 for a private account to anyone but its approved followers.',
          params: UsernameParams,
          querystring: PageQuery,
          response: { 200: PostPage, 400: Problem, 403: Problem, 404: Problem },
        },
      },
      async (request) =>
        userReels(deps, request.actor?.id ?? null, request.params.username, request.query),
    );
  };
