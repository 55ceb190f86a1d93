import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { actorOf } from '../../http/auth.js';
import * as mastodon from './mastodon.service.js';
import * as notifications from './notifications.js';
import { setLinks } from './paging.js';

/**
 * Mastodon's REST surface over Photogram's services. Inputs are lenient where Mastodon's are
 * (clients send parameters this server ignores: visibility, sensitive, language, …), so query
 * schemas allow unknown keys and bodies are read by the service, which accepts JSON and forms
 * alike (form values are strings). Hidden from /openapi.json: docs/MASTODON.md describes it.
 */
const IdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
const PageQuerySchema = Type.Object({
  max_id: Type.Optional(Type.String({ maxLength: 512 })),
  since_id: Type.Optional(Type.String({ maxLength: 40 })),
  min_id: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
});
const KindList = Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 });
const NotificationQuerySchema = Type.Object({
  ...PageQuerySchema.properties,
  types: Type.Optional(KindList),
  exclude_types: Type.Optional(KindList),
});
const AccountStatusesQuery = Type.Object({
  ...PageQuerySchema.properties,
  pinned: Type.Optional(Type.Boolean()),
  only_media: Type.Optional(Type.Boolean()),
  exclude_replies: Type.Optional(Type.Boolean()),
});

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body =>
  request.body && typeof request.body === 'object' ? (request.body as Body) : {};

const required = (scope: string) => ({ auth: 'required' as const, scope });
const optional = (scope: string) => ({ auth: 'optional' as const, scope });
const hide = { hide: true };

/** A status list's Link (next: older, by cursor; prev: newer than the first item). */
function sendPage<T extends { id: string }>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { items: T[]; nextCursor: string | null },
  statuses = true,
) {
  setLinks(request, reply, {
    nextCursor: page.items.length > 0 ? page.nextCursor : null,
    firstId: statuses ? page.items[0]?.id : undefined,
  });
  return page.items;
}

export const mastodonRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Accounts ----------------------------------------------------------------------------
    app.get(
      '/api/v1/accounts/verify_credentials',
      { config: required('read:accounts'), schema: hide },
      async (request) => mastodon.verifyCredentials(deps, actorOf(request)),
    );
    app.patch(
      '/api/v1/accounts/update_credentials',
      { config: { ...required('write:accounts'), upload: true }, schema: hide },
      async (request) => mastodon.updateCredentials(deps, actorOf(request), bodyOf(request)),
    );
    app.get(
      '/api/v1/accounts/lookup',
      {
        config: optional('read:accounts'),
        schema: { ...hide, querystring: Type.Object({ acct: Type.String({ maxLength: 300 }) }) },
      },
      async (request) => mastodon.lookupAccount(deps, request.actor, request.query.acct),
    );
    app.get(
      '/api/v1/accounts/relationships',
      {
        config: required('read:follows'),
        schema: {
          ...hide,
          querystring: Type.Object({
            id: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })),
          }),
        },
      },
      async (request) => mastodon.relationships(deps, actorOf(request), request.query.id ?? []),
    );
    app.get(
      '/api/v1/accounts/:id',
      { config: optional('read:accounts'), schema: { ...hide, params: IdParams } },
      async (request) => mastodon.getAccount(deps, request.actor, request.params.id),
    );
    app.get(
      '/api/v1/accounts/:id/statuses',
      {
        config: optional('read:statuses'),
        schema: { ...hide, params: IdParams, querystring: AccountStatusesQuery },
      },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.accountStatuses(deps, request.actor, request.params.id, request.query),
        ),
    );
    for (const side of ['followers', 'following'] as const) {
      app.get(
        `/api/v1/accounts/:id/${side}`,
        {
          config: optional('read:accounts'),
          schema: { ...hide, params: IdParams, querystring: PageQuerySchema },
        },
        async (request, reply) =>
          sendPage(
            request,
            reply,
            await mastodon.accountFollows(
              deps,
              request.actor,
              request.params.id,
              side,
              request.query,
            ),
            false,
          ),
      );
    }
    for (const [action, following] of [
      ['follow', true],
      ['unfollow', false],
    ] as const) {
      app.post(
        `/api/v1/accounts/:id/${action}`,
        { config: required('write:follows'), schema: { ...hide, params: IdParams } },
        async (request) => mastodon.setFollow(deps, actorOf(request), request.params.id, following),
      );
    }

    app.get(
      '/api/v1/follow_requests',
      { config: required('read:follows'), schema: { ...hide, querystring: PageQuerySchema } },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.followRequests(deps, actorOf(request), request.query),
          false,
        ),
    );
    for (const [action, accept] of [
      ['authorize', true],
      ['reject', false],
    ] as const) {
      app.post(
        `/api/v1/follow_requests/:id/${action}`,
        { config: required('write:follows'), schema: { ...hide, params: IdParams } },
        async (request) =>
          mastodon.answerFollowRequest(deps, actorOf(request), request.params.id, accept),
      );
    }

    for (const [action, on, scope] of [
      ['block', true, 'write:blocks'],
      ['unblock', false, 'write:blocks'],
      ['mute', true, 'write:mutes'],
      ['unmute', false, 'write:mutes'],
    ] as const) {
      app.post(
        `/api/v1/accounts/:id/${action}`,
        { config: required(scope), schema: { ...hide, params: IdParams } },
        async (request) =>
          action.endsWith('block')
            ? mastodon.setBlock(deps, actorOf(request), request.params.id, on)
            : mastodon.setMute(deps, actorOf(request), request.params.id, on),
      );
    }
    app.get(
      '/api/v1/blocks',
      { config: required('read:blocks'), schema: { ...hide, querystring: PageQuerySchema } },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.blockedAccounts(deps, actorOf(request), request.query),
          false,
        ),
    );
    app.get(
      '/api/v1/mutes',
      { config: required('read:mutes'), schema: { ...hide, querystring: PageQuerySchema } },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.mutedAccounts(deps, actorOf(request), request.query),
          false,
        ),
    );

    // Notifications -----------------------------------------------------------------------
    // The native API has /api/v1/notifications too: OAuth tokens (Mastodon apps) get these.
    const oauthOnly = { constraints: { oauthToken: 'yes' } };
    app.get(
      '/api/v1/notifications',
      {
        ...oauthOnly,
        config: required('read:notifications'),
        schema: { ...hide, querystring: NotificationQuerySchema },
      },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await notifications.listNotifications(deps, actorOf(request), request.query),
        ),
    );
    app.get(
      '/api/v2/notifications',
      {
        config: required('read:notifications'),
        schema: {
          ...hide,
          querystring: Type.Object({
            ...NotificationQuerySchema.properties,
            grouped_types: Type.Optional(KindList),
          }),
        },
      },
      async (request, reply) => {
        const page = await notifications.listNotificationGroups(
          deps,
          actorOf(request),
          request.query,
        );
        setLinks(request, reply, { nextCursor: page.nextCursor, firstId: page.firstId });
        return page.body;
      },
    );
    app.get(
      '/api/v1/notifications/unread_count',
      { ...oauthOnly, config: required('read:notifications'), schema: hide },
      async (request) => notifications.notificationsUnreadCount(deps, actorOf(request)),
    );
    app.get(
      '/api/v1/notifications/:id',
      {
        ...oauthOnly,
        config: required('read:notifications'),
        schema: { ...hide, params: IdParams },
      },
      async (request) =>
        notifications.getOneNotification(deps, actorOf(request), request.params.id),
    );
    app.post(
      '/api/v1/notifications/clear',
      { ...oauthOnly, config: required('write:notifications'), schema: hide },
      async (request) => notifications.clearNotifications(deps, actorOf(request)),
    );
    app.post(
      '/api/v1/notifications/:id/dismiss',
      {
        ...oauthOnly,
        config: required('write:notifications'),
        schema: { ...hide, params: IdParams },
      },
      async (request) =>
        notifications.dismissNotification(deps, actorOf(request), request.params.id),
    );

    // Statuses ----------------------------------------------------------------------------
    app.post(
      '/api/v1/statuses',
      { config: { ...required('write:statuses'), idempotent: true }, schema: hide },
      async (request) => mastodon.createStatus(deps, actorOf(request), bodyOf(request)),
    );
    app.get(
      '/api/v1/statuses/:id',
      { config: optional('read:statuses'), schema: { ...hide, params: IdParams } },
      async (request) => mastodon.getStatus(deps, request.actor, request.params.id),
    );
    app.put(
      '/api/v1/statuses/:id',
      { config: required('write:statuses'), schema: { ...hide, params: IdParams } },
      async (request) =>
        mastodon.editStatus(deps, actorOf(request), request.params.id, bodyOf(request)),
    );
    app.delete(
      '/api/v1/statuses/:id',
      { config: required('write:statuses'), schema: { ...hide, params: IdParams } },
      async (request) =>
        mastodon.deleteStatus(deps, actorOf(request), request.params.id, (err, keys) =>
          request.log.error({ err, keys }, 'could not delete the files of a deleted post'),
        ),
    );
    app.get(
      '/api/v1/statuses/:id/context',
      { config: optional('read:statuses'), schema: { ...hide, params: IdParams } },
      async (request) => mastodon.statusContext(deps, request.actor, request.params.id),
    );
    app.get(
      '/api/v1/statuses/:id/history',
      { config: optional('read:statuses'), schema: { ...hide, params: IdParams } },
      async (request) => mastodon.statusHistory(deps, request.actor, request.params.id),
    );
    app.get(
      '/api/v1/statuses/:id/favourited_by',
      {
        config: optional('read:accounts'),
        schema: { ...hide, params: IdParams, querystring: PageQuerySchema },
      },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.favouritedBy(deps, request.actor, request.params.id, request.query),
          false,
        ),
    );
    app.get(
      '/api/v1/statuses/:id/reblogged_by',
      { config: optional('read:accounts'), schema: { ...hide, params: IdParams } },
      async () => [],
    );
    for (const [action, on] of [
      ['favourite', true],
      ['unfavourite', false],
    ] as const) {
      app.post(
        `/api/v1/statuses/:id/${action}`,
        { config: required('write:favourites'), schema: { ...hide, params: IdParams } },
        async (request) => mastodon.setFavourite(deps, actorOf(request), request.params.id, on),
      );
    }
    for (const [action, on] of [
      ['bookmark', true],
      ['unbookmark', false],
    ] as const) {
      app.post(
        `/api/v1/statuses/:id/${action}`,
        { config: required('write:bookmarks'), schema: { ...hide, params: IdParams } },
        async (request) => mastodon.setBookmark(deps, actorOf(request), request.params.id, on),
      );
    }
    for (const action of ['reblog', 'unreblog']) {
      app.post(
        `/api/v1/statuses/:id/${action}`,
        { config: required('write:statuses'), schema: { ...hide, params: IdParams } },
        async (_request, reply) =>
          reply.status(422).send({
            error:
              'Photogram has no reposts (boosts): share a post by linking to it, or bookmark it.',
          }),
      );
    }
    // The caller's own lists of posts (bookmarks and favourites page by opaque cursor only).
    const ownLists = [
      ['/api/v1/bookmarks', 'read:bookmarks', mastodon.bookmarks],
      ['/api/v1/favourites', 'read:favourites', mastodon.favourites],
      ['/api/v1/timelines/home', 'read:statuses', mastodon.homeTimeline],
    ] as const;
    for (const [path, scope, list] of ownLists) {
      app.get(
        path,
        { config: required(scope), schema: { ...hide, querystring: PageQuerySchema } },
        async (request, reply) =>
          sendPage(
            request,
            reply,
            await list(deps, actorOf(request), request.query),
            list === mastodon.homeTimeline,
          ),
      );
    }

    // Timelines ---------------------------------------------------------------------------
    app.get(
      '/api/v1/timelines/public',
      { config: optional('read:statuses'), schema: { ...hide, querystring: PageQuerySchema } },
      async (request, reply) =>
        sendPage(request, reply, await mastodon.publicTimeline(deps, request.actor, request.query)),
    );
    app.get(
      '/api/v1/timelines/tag/:hashtag',
      {
        config: optional('read:statuses'),
        schema: {
          ...hide,
          params: Type.Object({ hashtag: Type.String({ maxLength: 101 }) }),
          querystring: PageQuerySchema,
        },
      },
      async (request, reply) =>
        sendPage(
          request,
          reply,
          await mastodon.tagTimeline(deps, request.actor, request.params.hashtag, request.query),
        ),
    );

    // Media -------------------------------------------------------------------------------
    for (const version of ['v1', 'v2']) {
      app.post(
        `/api/${version}/media`,
        {
          // The native API has POST /api/v1/media too: OAuth tokens (Mastodon apps) get this one.
          ...(version === 'v1' ? { constraints: { oauthToken: 'yes' } } : {}),
          config: { ...required('write:media'), upload: true },
          schema: hide,
        },
        async (request, reply) => {
          const attachment = await mastodon.uploadMastodonMedia(
            deps,
            actorOf(request),
            bodyOf(request),
          );
          // 202 while a video transcodes; the client polls GET /api/v1/media/:id.
          return reply.code(attachment.url === null ? 202 : 200).send(attachment);
        },
      );
    }
    app.get(
      '/api/v1/media/:id',
      {
        // The native API has GET /api/v1/media/:id too: Mastodon apps, which send an OAuth
        // token, get this one (src/modules/mastodon/mastodon.plugin.ts).
        constraints: { oauthToken: 'yes' },
        config: required('write:media'),
        schema: { ...hide, params: IdParams },
      },
      async (request, reply) => {
        const attachment = await mastodon.getMastodonMedia(
          deps,
          actorOf(request),
          request.params.id,
        );
        // 206 Partial Content until processing ends, as Mastodon answers.
        return reply.code(attachment.url === null ? 206 : 200).send(attachment);
      },
    );
    app.put(
      '/api/v1/media/:id',
      { config: required('write:media'), schema: { ...hide, params: IdParams } },
      async (request) =>
        mastodon.updateMastodonMedia(deps, actorOf(request), request.params.id, bodyOf(request)),
    );

    // Trends ------------------------------------------------------------------------------
    const TrendsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1 })) });
    app.get(
      '/api/v1/trends/statuses',
      { config: required('read:statuses'), schema: { ...hide, querystring: TrendsQuery } },
      async (request) => mastodon.trendingStatuses(deps, actorOf(request), request.query),
    );
    for (const path of ['/api/v1/trends', '/api/v1/trends/tags']) {
      app.get(
        path,
        { config: required('read:statuses'), schema: { ...hide, querystring: TrendsQuery } },
        async (request) => mastodon.trendingTags(deps, actorOf(request), request.query),
      );
    }

    // Markers -----------------------------------------------------------------------------
    app.get(
      '/api/v1/markers',
      {
        config: required('read:statuses'),
        schema: {
          ...hide,
          querystring: Type.Object({
            timeline: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 5 })),
          }),
        },
      },
      async (request) => mastodon.getMarkers(deps, actorOf(request), request.query.timeline ?? []),
    );
    app.post(
      '/api/v1/markers',
      { config: required('write:statuses'), schema: hide },
      async (request) => mastodon.saveMarkers(deps, actorOf(request), bodyOf(request)),
    );

    // Search ------------------------------------------------------------------------------
    app.get(
      '/api/v2/search',
      {
        config: required('read:search'),
        schema: {
          ...hide,
          querystring: Type.Object({
            q: Type.String({ maxLength: 200 }),
            type: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (request) => mastodon.search(deps, actorOf(request), request.query),
    );
  };
