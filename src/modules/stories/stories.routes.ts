import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent, PageQuery, UsernameParams } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import {
  CreateStoryBody,
  StoryPage,
  StorySchema,
  StoryTray,
  StoryViewerPage,
} from './stories.schema.js';
import * as stories from './stories.service.js';

const tags = ['stories'];
const auth = { auth: 'required' as const };
const EXPIRY = 'A story is active until `expires_at`; afterwards it is gone from every list.';

export const storiesRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/stories',
      {
        config: { ...auth, idempotent: true },
        schema: {
          tags,
          operationId: 'createStory',
          summary: 'Post a story',
          description: `Turns one of the caller's unattached uploads into a story that lives STORY_TTL_SECONDS (24 h by default); a video still processing is 409 \`media_not_ready\`. \`audience: "close_friends"\` shows it only to the caller's close friends (everywhere: tray, profile, lookup, highlights). ${EXPIRY}`,
          body: CreateStoryBody,
          response: { 201: StorySchema },
        },
      },
      async (request, reply) => {
        const story = await stories.createStory(deps, actorOf(request), request.body);
        return reply.status(201).header('Location', `/api/v1/stories/${story.id}`).send(story);
      },
    );

    app.get(
      '/stories/feed',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'listStoriesTray',
          summary: 'Stories tray',
          description:
            'One group per account with active stories, each oldest story first: the caller first, then accounts the caller follows with unseen stories, then those whose stories were all seen. Within each of the last two, the account that posted most recently comes first.',
          response: { 200: StoryTray },
        },
      },
      async (request) => stories.storyTray(deps, actorOf(request)),
    );

    // `/me/archive/stories` sits beside `/me/archive/posts`; the first path stays for clients using it.
    for (const [url, operationId] of [
      ['/me/archive/stories', 'listArchivedStories'],
      ['/me/stories/archive', 'listArchivedStoriesLegacy'],
    ] as const) {
      app.get(
        url,
        {
          config: auth,
          schema: {
            tags,
            operationId,
            summary: 'My story archive, most recent first',
            description:
              'Expired stories move here (the retention job runs hourly); they are kept, for highlights, and seen by no one else.' +
              (url === '/me/stories/archive'
                ? ' Same list as `GET /me/archive/stories`, kept for older clients.'
                : ''),
            ...(url === '/me/stories/archive' ? { deprecated: true } : {}),
            querystring: PageQuery,
            response: { 200: StoryPage },
          },
        },
        async (request) => stories.listArchivedStories(deps, actorOf(request), request.query),
      );
    }

    app.get(
      '/users/:username/stories',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'listUserStories',
          summary: "An account's active stories, oldest first",
          description: 'Private accounts: approved followers only (403 otherwise).',
          params: UsernameParams,
          querystring: PageQuery,
          response: { 200: StoryPage },
        },
      },
      async (request) =>
        stories.listUserStories(deps, actorOf(request), request.params.username, request.query),
    );

    app.get(
      '/stories/:id',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'getStory',
          summary: 'A story',
          description: `${EXPIRY} An expired story answers 404 to everyone but its author. Private accounts: approved followers only (403).`,
          params: IdParams,
          response: { 200: StorySchema },
        },
      },
      async (request) => stories.getStory(deps, actorOf(request), Number(request.params.id)),
    );

    app.delete(
      '/stories/:id',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'deleteStory',
          summary: 'Delete a story (author only)',
          description: 'Removes the story, its views and its media files.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await stories.deleteStory(deps, actorOf(request), Number(request.params.id), request.log);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/stories/:id/view',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'viewStory',
          summary: 'Record that the caller saw a story',
          description:
            'Idempotent: one view per viewer, the first time is kept. Viewing your own story records nothing. 404 once expired.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await stories.viewStory(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    for (const method of ['POST', 'DELETE'] as const) {
      app.route({
        method,
        url: '/stories/:id/like',
        config: auth,
        schema: {
          tags,
          operationId: method === 'POST' ? 'likeStory' : 'unlikeStory',
          summary: method === 'POST' ? 'Like a story' : 'Unlike a story',
          description:
            'Idempotent. The like is stored on the caller’s view (liking records the view). Authors cannot like their own story (403); 404 once expired.',
          params: IdParams,
          response: { 200: StorySchema },
        },
        handler: async (request) =>
          stories.setStoryLike(
            deps,
            actorOf(request),
            Number(request.params.id),
            method === 'POST',
          ),
      });
    }

    app.get(
      '/stories/:id/viewers',
      {
        config: auth,
        schema: {
          tags,
          operationId: 'listStoryViewers',
          summary: 'Who viewed a story (author only)',
          description:
            'Newest view first. The author keeps this list after the story expires; others get 403 (404 once it expired).',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: StoryViewerPage },
        },
      },
      async (request) =>
        stories.listViewers(deps, actorOf(request), Number(request.params.id), request.query),
    );
  };
