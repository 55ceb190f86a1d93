import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import {
  IdParams,
  NoContent,
  Page,
  PageQuery,
  Problem,
  UsernameParams,
} from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import {
  CreateHighlightBody,
  HighlightDetailSchema,
  HighlightOrderBody,
  HighlightSchema,
  UpdateHighlightBody,
} from './highlights.schema.js';
import * as highlights from './highlights.service.js';

const tags = ['highlights'];
const config = { auth: 'required' } as const;
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const VISIBILITY =
  'Visible as the account’s posts are: a private account’s only to its approved followers (403), a blocked one’s to no one (404). Close-friends stories count only for their audience; a highlight with none left for the caller is 404 to them.';

export const highlightsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/highlights',
      {
        config: { ...config, idempotent: true },
        schema: {
          tags,
          operationId: 'createHighlight',
          summary: 'Create a highlight from your stories',
          description:
            'From your own stories, active or archived (someone else’s or an unknown id is 400 on `story_ids`; more than 100 is 400). It goes first in your highlights. Its stories never expire from it.',
          body: CreateHighlightBody,
          response: { 201: HighlightDetailSchema, ...errors },
        },
      },
      async (request, reply) => {
        const highlight = await highlights.createHighlight(deps, actorOf(request), request.body);
        return reply
          .status(201)
          .header('Location', `/api/v1/highlights/${highlight.id}`)
          .send(highlight);
      },
    );

    app.get(
      '/highlights/:id',
      {
        config,
        schema: {
          tags,
          operationId: 'getHighlight',
          summary: 'A highlight with its stories in order',
          description: `${VISIBILITY} Reading it records no story view.`,
          params: IdParams,
          response: { 200: HighlightDetailSchema, ...errors },
        },
      },
      async (request) => highlights.getHighlight(deps, actorOf(request), Number(request.params.id)),
    );

    app.patch(
      '/highlights/:id',
      {
        config,
        schema: {
          tags,
          operationId: 'updateHighlight',
          summary: 'Edit a highlight (owner only)',
          description:
            'Title, cover, and `story_ids`, which replaces the list (add, remove, reorder). Another person’s highlight is 403 (404 if you cannot see it).',
          params: IdParams,
          body: UpdateHighlightBody,
          response: { 200: HighlightDetailSchema, ...errors },
        },
      },
      async (request) =>
        highlights.updateHighlight(deps, actorOf(request), Number(request.params.id), request.body),
    );

    app.delete(
      '/highlights/:id',
      {
        config,
        schema: {
          tags,
          operationId: 'deleteHighlight',
          summary: 'Delete a highlight (owner only)',
          description: 'Its stories stay in your archive.',
          params: IdParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await highlights.deleteHighlight(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    app.put(
      '/me/highlights/order',
      {
        config,
        schema: {
          tags,
          operationId: 'reorderHighlights',
          summary: 'Reorder your highlights',
          description:
            'List every one of your highlights once, in the new order; a missing, foreign or unknown id is 400 on `ids` and nothing changes.',
          body: HighlightOrderBody,
          response: { 204: NoContent, 400: Problem, 401: Problem },
        },
      },
      async (request, reply) => {
        await highlights.reorderHighlights(deps, actorOf(request), request.body.ids);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/users/:username/highlights',
      {
        config,
        schema: {
          tags,
          operationId: 'listUserHighlights',
          summary: "A profile's highlights, in the owner's order",
          description: VISIBILITY,
          params: UsernameParams,
          querystring: PageQuery,
          response: { 200: Page(HighlightSchema, 'Highlight'), ...errors },
        },
      },
      async (request) =>
        highlights.listUserHighlights(
          deps,
          actorOf(request),
          request.params.username,
          request.query,
        ),
    );
  };
