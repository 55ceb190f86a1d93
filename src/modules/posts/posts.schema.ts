import { type Static, Type } from 'typebox';
import { Cursor, Id, Limit, Timestamp, UserSummary } from '../../common.schema.js';
import { AltText, MediaSchema } from '../media/media.schema.js';
import { Mentions } from '../mentions/mentions.schema.js';
import { MediaTagSchema, TagsInput } from '../tags/tags.schema.js';
import { LocationSchema } from '../locations/locations.schema.js';
import { exampleImage, exampleLocation, examplePost } from '../../openapi-examples.js';

export const PostTypeSchema = Type.Enum(['post', 'reel'], {
  description: '`reel`: exactly one video',
});
export const MAX_CAPTION_LENGTH = 2200;
const Caption = Type.String({
  maxLength: MAX_CAPTION_LENGTH,
  description:
    'Up to 2,200 characters; `#tags` become hashtags, `@username`s mentions (at most 20)',
});

/** A post's media item, with the people tagged on it. */
export const PostMediaSchema = Type.Object(
  {
    ...MediaSchema.properties,
    tags: Type.Array(MediaTagSchema, {
      description: 'People tagged on this image (approved tags only); empty for videos',
    }),
  },
  { title: 'PostMedia', examples: [{ ...exampleImage, tags: [] }] },
);

export const PostSchema = Type.Object(
  {
    id: Id,
    type: PostTypeSchema,
    caption: Type.String(),
    author: UserSummary,
    media: Type.Array(PostMediaSchema, { description: 'In carousel order' }),
    location: Type.Union([LocationSchema, Type.Null()]),
    hashtags: Type.Array(Type.String(), {
      description: 'Lowercased, in order of first appearance in the caption',
    }),
    mentions: Mentions,
    like_count: Type.Union([Type.Integer(), Type.Null()], {
      description: 'null when the author hides it (`hide_like_count`) from everyone but themselves',
    }),
    comment_count: Type.Integer({ description: 'Comments and replies' }),
    view_count: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Posts with a video: views (one per viewer and day); null for photos only',
    }),
    liked_by_me: Type.Boolean(),
    saved_by_me: Type.Boolean(),
    comments_disabled: Type.Boolean({ description: 'Nobody may comment while true' }),
    hide_like_count: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    edited_at: Type.Union([Timestamp, Type.Null()], {
      description: 'Last change of caption, location or media; null if never edited',
    }),
    archived_at: Type.Union([Timestamp, Type.Null()], {
      description: 'Set while archived: then only the author sees the post',
    }),
  },
  { title: 'Post', examples: [examplePost] },
);
export type PostDto = Static<typeof PostSchema>;

const AltTexts = Type.Array(
  Type.Object(
    { media_id: Id, alt_text: Type.Union([AltText, Type.Null()]) },
    { additionalProperties: false },
  ),
  {
    maxItems: 10,
    description: "Alt text per media item of the post; null or '' clears one",
  },
);

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
    comments_disabled: Type.Optional(Type.Boolean({ default: false })),
    hide_like_count: Type.Optional(Type.Boolean({ default: false })),
    alt_texts: Type.Optional(AltTexts),
    tags: Type.Optional(TagsInput),
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
    media_ids: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 10,
        uniqueItems: true,
        description:
          "The post's media in their new order: ids it has keep their files, the caller's unattached uploads are added, the ones left out are deleted. A reel stays exactly one video.",
      }),
    ),
    alt_texts: Type.Optional(AltTexts),
    comments_disabled: Type.Optional(Type.Boolean()),
    hide_like_count: Type.Optional(Type.Boolean()),
    tags: Type.Optional(TagsInput),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [
      {
        caption: 'Morning light over the Douro #porto',
        location_id: null,
        media_ids: ['1188', '1187'],
        alt_texts: [{ media_id: '1187', alt_text: 'Tiled rooftops at sunset' }],
      },
    ],
  },
);

export const PostVersionSchema = Type.Object(
  {
    caption: Type.String(),
    location_id: Type.Union([Id, Type.Null()]),
    media_ids: Type.Array(Id, { description: 'In the carousel order of that version' }),
    edited_at: Timestamp,
    current: Type.Boolean(),
  },
  {
    title: 'PostVersion',
    description:
      '`edited_at`: when this version was written (the first version: when the post was created)',
    examples: [
      {
        caption: 'Morning light #porto',
        location_id: null,
        media_ids: ['1187', '1188'],
        edited_at: '2026-11-24T21:17:19.000Z',
        current: false,
      },
    ],
  },
);
export type PostVersionDto = Static<typeof PostVersionSchema>;

export type UpdatePostInput = Static<typeof UpdatePostBody>;

export const HashtagParam = Type.String({
  pattern: '^#?[\\p{L}\\p{M}\\p{N}_]{1,100}$',
  description: 'With or without `#`, any case',
});

export const POST_ORDERINGS = [
  '-created_at',
  'created_at',
  '-like_count',
  'like_count',
  '-comment_count',
] as const;
export type PostOrdering = (typeof POST_ORDERINGS)[number];

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
    min_likes: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Only posts with at least this many likes' }),
    ),
    max_likes: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Only posts with at most this many likes' }),
    ),
    min_comments: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Only posts with at least this many comments' }),
    ),
    ordering: Type.Optional(
      Type.Union(
        POST_ORDERINGS.map((o) => Type.Literal(o)),
        {
          default: '-created_at',
          description:
            'Sort key, `-` for descending; ties are broken by id in the same direction. A cursor belongs to the ordering that produced it.',
        },
      ),
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
