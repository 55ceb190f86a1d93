import { type Static, Type } from 'typebox';
import { Id, Timestamp, UserSummary } from '../../common.schema.js';
import { exampleImage, exampleStory, exampleUser } from '../../openapi-examples.js';
import { MediaSchema } from '../media/media.schema.js';
import { StorySchema } from '../stories/stories.schema.js';

export const MAX_HIGHLIGHT_TITLE = 30;
export const MAX_HIGHLIGHT_STORIES = 100;

const exampleHighlight = {
  id: '77',
  title: 'Porto',
  owner: exampleUser,
  cover: exampleImage,
  story_count: 3,
  created_at: '2026-11-26T09:00:00.000Z',
  updated_at: '2026-11-27T10:30:00.000Z',
};

export const HighlightSchema = Type.Object(
  {
    id: Id,
    title: Type.String(),
    owner: UserSummary,
    cover: Type.Union([MediaSchema, Type.Null()], {
      description:
        'The chosen cover (`cover_media_id`), else the first story’s media; null when the caller sees none of its stories',
    }),
    story_count: Type.Integer({ description: 'Stories the caller may see in it' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Highlight', examples: [exampleHighlight] },
);
export type HighlightDto = Static<typeof HighlightSchema>;

export const HighlightDetailSchema = Type.Object(
  {
    ...HighlightSchema.properties,
    stories: Type.Array(StorySchema, {
      description:
        'In the highlight’s order. They never expire here (`expires_at` is when they left the tray); reading them records no view.',
    }),
  },
  {
    title: 'HighlightDetail',
    examples: [{ ...exampleHighlight, story_count: 1, stories: [exampleStory] }],
  },
);
export type HighlightDetailDto = Static<typeof HighlightDetailSchema>;

const Title = Type.String({
  minLength: 1,
  maxLength: MAX_HIGHLIGHT_TITLE,
  description: `1–${MAX_HIGHLIGHT_TITLE} characters`,
});
const StoryIds = Type.Array(Id, {
  minItems: 1,
  maxItems: MAX_HIGHLIGHT_STORIES,
  uniqueItems: true,
  description: `1–${MAX_HIGHLIGHT_STORIES} of the caller's own stories (active, expired or archived), in display order`,
});
const CoverMediaId = Type.Union([Id, Type.Null()], {
  description: 'The media of one of its stories; null (or absent) uses the first story’s',
});

export const CreateHighlightBody = Type.Object(
  { title: Title, story_ids: StoryIds, cover_media_id: Type.Optional(CoverMediaId) },
  {
    additionalProperties: false,
    examples: [{ title: 'Porto', story_ids: ['640', '652'], cover_media_id: exampleImage.id }],
  },
);
export type CreateHighlightInput = Static<typeof CreateHighlightBody>;

export const UpdateHighlightBody = Type.Object(
  {
    title: Type.Optional(Title),
    story_ids: Type.Optional({
      ...StoryIds,
      description:
        'The new list, replacing the old: stories left out are removed, new ones added, the order is the new order',
    }),
    cover_media_id: Type.Optional(CoverMediaId),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ title: 'Porto 2026', story_ids: ['652', '640', '701'] }],
  },
);
export type UpdateHighlightInput = Static<typeof UpdateHighlightBody>;

export const HighlightOrderBody = Type.Object(
  {
    ids: Type.Array(Id, {
      uniqueItems: true,
      maxItems: 1000,
      description: 'All of your highlights’ ids, in the new order (first is shown first)',
    }),
  },
  { additionalProperties: false, examples: [{ ids: ['77', '75', '76'] }] },
);
