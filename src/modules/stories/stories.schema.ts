import { type Static, Type } from 'typebox';
import { Id, Page, Timestamp, UserSummary } from '../../common.schema.js';
import { MediaSchema } from '../media/media.schema.js';

export const StorySchema = Type.Object(
  {
    id: Id,
    author: UserSummary,
    media: MediaSchema,
    created_at: Timestamp,
    expires_at: Timestamp,
    seen_by_me: Type.Boolean({
      description: 'The caller has viewed it (always true on the caller’s own stories)',
    }),
    liked_by_me: Type.Boolean(),
  },
  { title: 'Story' },
);
export type StoryDto = Static<typeof StorySchema>;

export const CreateStoryBody = Type.Object(
  {
    media_id: Type.String({
      pattern: '^[1-9][0-9]{0,17}$',
      description: 'An unattached image or video the caller uploaded',
    }),
  },
  { additionalProperties: false },
);

export const StoryTrayGroup = Type.Object(
  {
    user: UserSummary,
    stories: Type.Array(StorySchema, { description: 'Active stories, oldest first' }),
    has_unseen: Type.Boolean(),
  },
  { title: 'StoryTrayGroup' },
);
export const StoryTray = Type.Array(StoryTrayGroup);

export const StoryViewer = Type.Object(
  { user: UserSummary, viewed_at: Timestamp, liked: Type.Boolean() },
  { title: 'StoryViewer' },
);
export const StoryViewerPage = Page(StoryViewer, 'StoryViewer');
export type StoryViewerDto = Static<typeof StoryViewer>;

export const StoryPage = Page(StorySchema, 'Story');
