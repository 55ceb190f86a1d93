import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../deps.js';
import { NoContent, Page } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import {
  MarkReadBody,
  NotificationGroupSchema,
  NotificationListQuery,
  NotificationSchema,
  UnreadCount,
} from './notifications.schema.js';
import {
  listNotificationGroups,
  listNotifications,
  markNotificationsRead,
  openNotificationStream,
  unreadCount,
} from './notifications.service.js';

const tags = ['notifications'];

const StreamHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,18}$',
      description: 'The id of the last event received: the stream resumes after it',
    }),
  ),
});

export const notificationsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/notifications',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listNotifications',
          summary: 'What happened to me',
          description:
            'Newest first. Kinds: follow, follow_request, follow_accepted, like, comment, reply, comment_like, mention, tag, story_like. A notification whose actor is deactivated, or whose post the caller can no longer see, is not listed.',
          querystring: NotificationListQuery,
          response: { 200: Page(NotificationSchema, 'Notification') },
        },
      },
      async (request) => listNotifications(deps, actorOf(request), request.query),
    );

    app.get(
      '/notifications/grouped',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listNotificationGroups',
          summary: 'Notifications grouped by kind, subject and day',
          description:
            '"alice, bob and 12 others liked your post": one group per kind and subject (the post, the comment, the story; all follows) within a UTC day, the group with the newest notification first.',
          querystring: NotificationListQuery,
          response: { 200: Page(NotificationGroupSchema, 'NotificationGroup') },
        },
      },
      async (request) => listNotificationGroups(deps, actorOf(request), request.query),
    );

    app.get(
      '/notifications/unread-count',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'countUnreadNotifications',
          summary: 'How many notifications are unread',
          response: { 200: UnreadCount },
        },
      },
      async (request) => unreadCount(deps, actorOf(request)),
    );

    app.post(
      '/notifications/read',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'markNotificationsRead',
          summary: 'Mark notifications read',
          description: 'Marks `up_to_id` and every older notification of the caller read.',
          body: MarkReadBody,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await markNotificationsRead(deps, actorOf(request), Number(request.body.up_to_id));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/notifications/stream',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'streamNotifications',
          summary: 'New notifications, live (Server-Sent Events)',
          description: `Each new notification is an \`event: notification\` whose \`id\` is the notification id and whose \`data\` is the Notification as JSON. Reconnect with \`Last-Event-ID\` to get what was missed; without it the stream starts with what happens next. A comment line is sent every SSE_HEARTBEAT_SECONDS (25 by default). Works across replicas through Redis when REDIS_URL is set. Without a valid bearer token the answer is a 401 problem, before any stream starts.`,
          headers: StreamHeaders,
          response: {
            200: {
              description: 'An event stream',
              content: {
                'text/event-stream': {
                  schema: Type.String({
                    examples: [
                      'retry: 3000\n\nid: 9120\nevent: notification\ndata: {"id":"9120","type":"like",…}\n\n',
                    ],
                  }),
                },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const lastEventId = request.headers['last-event-id'];
        const stream = await openNotificationStream(
          deps,
          actorOf(request),
          lastEventId === undefined ? null : Number(lastEventId),
          request.log,
        );
        // A client that goes away ends the stream; a stream that ends (app closing) ends the answer.
        reply.raw.on('close', () => stream.destroy());
        stream.on('close', () => reply.raw.destroy());
        return (
          reply
            .header('content-type', 'text/event-stream; charset=utf-8')
            .header('cache-control', 'no-cache, no-transform')
            .header('x-accel-buffering', 'no')
            // A stream is sent as it is; the declared string schema only documents the events.
            .send(stream as unknown as string)
        );
      },
    );
  };
