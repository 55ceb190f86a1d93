import { type Static, Type } from 'typebox';
import { Cursor, Limit } from '../../common.schema.js';

const exampleHashtag = { name: 'porto', post_count: 1284, is_following: false };

export const HashtagSchema = Type.Object(
  {
    name: Type.String({ description: 'Lowercased, NFKC-folded (`#ｃａｔ` is `cat`)' }),
    post_count: Type.Integer({ minimum: 0 }),
    is_following: Type.Boolean({ description: 'Following hashtags is not offered yet: false' }),
  },
  { title: 'Hashtag', examples: [exampleHashtag] },
);
export type HashtagDto = Static<typeof HashtagSchema>;

export const HashtagSummarySchema = Type.Object(
  { name: Type.String(), post_count: Type.Integer({ minimum: 0 }) },
  { title: 'HashtagSummary', examples: [{ name: 'porto', post_count: 1284 }] },
);
export type HashtagSummaryDto = Static<typeof HashtagSummarySchema>;

const TagName = Type.String({
  pattern: '^#?[\\p{L}\\p{M}\\p{N}_]{1,100}$',
  description: 'With or without `#`, any case or width',
});

export const HashtagParams = Type.Object({ name: TagName }, { additionalProperties: false });

export const HashtagSearchQuery = Type.Object(
  {
    q: Type.String({
      pattern: '^#?[\\p{L}\\p{M}\\p{N}_]{1,100}$',
      description: 'Prefix of the tag name (with or without `#`)',
    }),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type HashtagSearchQueryInput = Static<typeof HashtagSearchQuery>;

export const HashtagPostsQuery = Type.Object(
  {
    ordering: Type.Optional(
      Type.Enum(['recent', 'top'], {
        default: 'recent',
        description: '`recent`: newest first; `top`: by likes + 2 × comments over the last 30 days',
      }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type HashtagPostsQueryInput = Static<typeof HashtagPostsQuery>;
