import { type Static, Type } from 'typebox';
import { Cursor, Id, Limit, Timestamp, UserSummary } from '../../common.schema.js';
import { MediaSchema } from '../media/media.schema.js';
import { Mentions } from '../mentions/mentions.schema.js';
import { LocationSchema } from '../locations/locations.schema.js';
import { exampleLocation, examplePost } from '../../openapi-examples.js';

export const PostTypeSchema = Type.Enum(['post', 'reel'], {
  description: '`reel`: exactly one video',
});
export const MAX_CAPTION_LENGTH = 2200;
const Caption = Type.String({
  maxLength: MAX_CAPTION_LENGTH,
  description:
    'Up to 2,200 characters; `#tags` become hashtags, `@username`s mentions (at most 20)',
});

export const PostSchema = Type.Object(
  {
    id: Id,
    type: PostTypeSchema,
    caption: Type.String(),
    author: UserSummary,
    media: Type.Array(MediaSchema, { description: 'In carousel order' }),
    location: Type.Union([LocationSchema, Type.Null()]),
    hashtags: Type.Array(Type.String(), {
      description: 'Lowercased, in order of first appearance in the caption',
    }),
    mentions: Mentions,
    like_count: Type.Integer(),
    comment_count: Type.Integer({ description: 'Comments and replies' }),
    liked_by_me: Type.Boolean(),
    saved_by_me: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Post', examples: [examplePost] },
);
export type PostDto = Static<typeof PostSchema>;

export const CreatePostBody = Type.Object(
  {
    type: Type.Optional(PostTypeSchema),
    caption: Type.Optional(Caption),
    media_ids: Type.Array(Id, {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: "1–10 of the caller's unattached media, in display order",
    }),
    location_id: Type.Optional(Id),
  },
  {
    additionalProperties: false,
    examples: [
      {
        caption: examplePost.caption,
        media_ids: examplePost.media.map((m) => m.id),
        location_id: exampleLocation.id,
      },
    ],
  },
);
export type CreatePostInput = Static<typeof CreatePostBody>;

export const UpdatePostBody = Type.Object(
  {
    caption: Type.Optional(Caption),
    location_id: Type.Optional(
      Type.Union([Id, Type.Null()], { description: 'null clears the location' }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ caption: 'Morning light over the Douro #porto', location_id: null }],
  },
);
export type UpdatePostInput = Static<typeof UpdatePostBody>;

export const HashtagParam = Type.String({
  pattern: '^#?[\\p{L}\\p{M}\\p{N}_]{1,100}$',
  description: 'With or without `#`, any case',
});

export const PostListQuery = Type.Object(
  {
    author: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._]{1,30}$',
        description: 'Username (any case), or a user id',
      }),
    ),
    location_id: Type.Optional(Id),
    hashtag: Type.Optional(HashtagParam),
    type: Type.Optional(PostTypeSchema),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Caption contains this text (case-insensitive; % and _ are literal)',
      }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type PostListQueryInput = Static<typeof PostListQuery>;

export const UserPostsQuery = Type.Object(
  {
    type: Type.Optional(PostTypeSchema),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type UserPostsQueryInput = Static<typeof UserPostsQuery>;
