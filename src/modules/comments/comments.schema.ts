import { type Static, Type } from 'typebox';
import { Cursor, Id, Limit, Timestamp, UserSummary } from '../../common.schema.js';
import { exampleComment } from '../../openapi-examples.js';
import { Mentions } from '../mentions/mentions.schema.js';

export const CommentSchema = Type.Object(
  {
    id: Id,
    post_id: Id,
    author: UserSummary,
    text: Type.String(),
    mentions: Mentions,
    parent_id: Type.Union([Id, Type.Null()], {
      description: 'The top-level comment this replies to; null for a top-level comment',
    }),
    reply_count: Type.Integer(),
    like_count: Type.Integer(),
    liked_by_me: Type.Boolean(),
    created_at: Timestamp,
  },
  { title: 'Comment', examples: [exampleComment] },
);
export type CommentDto = Static<typeof CommentSchema>;

export const CreateCommentBody = Type.Object(
  {
    text: Type.String({
      minLength: 1,
      maxLength: 2200,
      description: '`@username`s become mentions (at most 20)',
    }),
    parent_id: Type.Optional(
      Type.Union([Id, Type.Null()], {
        description:
          'Reply to this comment of the same post. A reply to a reply is attached to its top-level comment.',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ text: 'Portra 400, pushed one stop.', parent_id: exampleComment.id }],
  },
);
export type CreateCommentInput = Static<typeof CreateCommentBody>;

export const CommentListQuery = Type.Object(
  {
    ordering: Type.Optional(
      Type.Union([Type.Literal('created_at'), Type.Literal('-created_at')], {
        default: 'created_at',
        description:
          '`created_at`: oldest first (the default); `-created_at`: newest first, as a post page shows them',
      }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type CommentListQueryInput = Static<typeof CommentListQuery>;
