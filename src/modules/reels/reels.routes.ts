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
          description: `First the reels you have not watched (\`POST /posts/{id}/views\`) from accounts you follow, newest first; then unwatched reels of the last ${POPULAR_REELS_DAYS} days from public accounts you do not follow, by popularity \`likes + 2 × comments + views / 10\` (ties: newest id first). A walk never serves a reel twice: the server records what each walk (named by its \`next_cursor\`) has served, so a reel whose popularity drops or rises, or whose author you unfollow or follow, between pages is not served again; reels posted after the walk began wait for the next walk, so every walk ends. A cursor is good for a day from the walk's first page (400 \`cursor\` after that: start again without one). Repeating a request with the same cursor moves on past what it served the first time.`,
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
