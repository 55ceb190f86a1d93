import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, Page } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { CreateLocationBody, LocationQuery, LocationSchema } from './locations.schema.js';
import { createLocation, getLocation, listLocations } from './locations.service.js';

const tags = ['locations'];

export const locationsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/locations',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'searchLocations',
          summary: 'Search locations',
          description:
            'Case-insensitive prefix match on the name (`%` and `_` are literal), oldest place first. Without `q`, all places.',
          querystring: LocationQuery,
          response: { 200: Page(LocationSchema, 'Location') },
        },
      },
      async (request) => listLocations(deps, request.actor?.id ?? null, request.query),
    );

    app.post(
      '/locations',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'createLocation',
          summary: 'Create a location',
          body: CreateLocationBody,
          response: { 201: LocationSchema },
        },
      },
      async (request, reply) => {
        const location = await createLocation(deps, actorOf(request), request.body);
        return reply
          .status(201)
          .header('Location', `/api/v1/locations/${location.id}`)
          .send(location);
      },
    );

    app.get(
      '/locations/:id',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'getLocation',
          summary: 'Get a location',
          description: '`posts_count` counts the posts at this place that the caller may see.',
          params: IdParams,
          response: { 200: LocationSchema },
        },
      },
      async (request) => getLocation(deps, request.actor?.id ?? null, Number(request.params.id)),
    );
  };
