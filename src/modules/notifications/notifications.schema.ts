import { type Static, Type } from 'typebox';
import { Cursor, Id, Limit, Timestamp, UserSummary } from '../../common.schema.js';
import type { NotificationType } from '../../db/types.js';
import { exampleFollower, exampleImage, examplePost, exampleUser } from '../../openapi-examples.js';

export const NOTIFICATION_TYPES = [
  'follow',
  'follow_request',
  'follow_accepted',
  'like',
  'comment',
  'reply',
  'comment_like',
  'mention',
  'tag',
  'story_like',
] as const satisfies readonly NotificationType[];

const Kind = Type.Enum(NOTIFICATION_TYPES, { description: 'What happened' });

const PostRef = Type.Object({
  id: Id,
  thumbnail_url: Type.Union([Type.String(), Type.Null()]),
});
const CommentRef = Type.Object({ id: Id, text: Type.String() });
const StoryRef = Type.Object({ id: Id });

const exampleNotification = {
  id: '9120',
  type: 'like',
  created_at: '2026-11-24T21:44:10.000Z',
  read: false,
  actor: exampleFollower,
  post: { id: examplePost.id, thumbnail_url: exampleImage.thumbnail_url },
};

export const NotificationSchema = Type.Object(
  {
    id: Id,
    type: Kind,
    created_at: Timestamp,
    read: Type.Boolean(),
    actor: UserSummary,
    post: Type.Optional(PostRef),
    comment: Type.Optional(CommentRef),
    story: Type.Optional(StoryRef),
  },
  { title: 'Notification', examples: [exampleNotification] },
);
export type NotificationDto = Static<typeof NotificationSchema>;

export const NotificationGroupSchema = Type.Object(
  {
    type: Kind,
    post: Type.Optional(PostRef),
    comment: Type.Optional(CommentRef),
    story: Type.Optional(StoryRef),
    count: Type.Integer({ minimum: 1, description: 'Notifications in the group' }),
    latest_actors: Type.Array(UserSummary, {
      maxItems: 3,
      description: 'Up to three people, most recent first',
    }),
    latest_at: Timestamp,
    latest_id: Type.String({
      pattern: '^[1-9][0-9]{0,17}$',
      description: "The group's newest notification: POST /notifications/read up to it",
    }),
    read: Type.Boolean({ description: 'Every notification of the group is read' }),
  },
  {
    title: 'NotificationGroup',
    examples: [
      {
        type: 'like',
        post: exampleNotification.post,
        count: 14,
        latest_actors: [exampleFollower, exampleUser],
        latest_at: exampleNotification.created_at,
        latest_id: exampleNotification.id,
        read: false,
      },
    ],
  },
);
export type NotificationGroupDto = Static<typeof NotificationGroupSchema>;

const KindList = Type.String({
  minLength: 1,
  maxLength: 200,
  description: `Comma-separated kinds: ${NOTIFICATION_TYPES.join(', ')}`,
  examples: ['like,comment'],
});

export const NotificationListQuery = Type.Object(
  {
    types: Type.Optional(KindList),
    exclude_types: Type.Optional(KindList),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type NotificationListQueryInput = Static<typeof NotificationListQuery>;

export const UnreadCount = Type.Object(
  { count: Type.Integer({ minimum: 0 }) },
  { title: 'UnreadCount', examples: [{ count: 3 }] },
);

export const MarkReadBody = Type.Object(
  {
    up_to_id: Type.String({
      pattern: '^[1-9][0-9]{0,17}$',
      description: 'Marks this notification and every older one read',
    }),
  },
  { additionalProperties: false, examples: [{ up_to_id: exampleNotification.id }] },
);
