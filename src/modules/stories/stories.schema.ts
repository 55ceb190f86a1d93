import { type Static, Type } from 'typebox';
import { Id, Page, Timestamp, UserSummary } from '../../common.schema.js';
import { MediaSchema } from '../media/media.schema.js';
import { exampleFollower, exampleStory, exampleUser } from '../../openapi-examples.js';

export const StoryAudienceSchema = Type.Enum(['everyone', 'close_friends'], {
  description:
    '`close_friends`: seen only by its author and the accounts on their close friends list (`PUT /me/close-friends`); clients draw a green ring',
  default: 'everyone',
});

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
    audience: StoryAudienceSchema,
  },
  { title: 'Story', examples: [exampleStory] },
);
export type StoryDto = Static<typeof StorySchema>;

export const CreateStoryBody = Type.Object(
  {
    media_id: Type.String({
      pattern: '^[1-9][0-9]{0,17}$',
      description: 'An unattached image or video the caller uploaded',
    }),
    audience: Type.Optional(StoryAudienceSchema),
  },
  { additionalProperties: false, examples: [{ media_id: exampleStory.media.id }] },
);

const exampleTrayGroup = {
  user: exampleUser,
  stories: [exampleStory],
  has_unseen: true,
  has_close_friends: false,
};

export const StoryTrayGroup = Type.Object(
  {
    user: UserSummary,
    stories: Type.Array(StorySchema, { description: 'Active stories, oldest first' }),
    has_unseen: Type.Boolean(),
    has_close_friends: Type.Boolean({
      description: 'One of the active stories is for close friends only (a green ring)',
    }),
  },
  { title: 'StoryTrayGroup', examples: [exampleTrayGroup] },
);
export const StoryTray = Type.Array(StoryTrayGroup, { examples: [[exampleTrayGroup]] });

export const StoryViewer = Type.Object(
  { user: UserSummary, viewed_at: Timestamp, liked: Type.Boolean() },
  {
    title: 'StoryViewer',
    examples: [{ user: exampleFollower, viewed_at: '2026-11-25T08:12:44.000Z', liked: true }],
  },
);
export const StoryViewerPage = Page(StoryViewer, 'StoryViewer');
export type StoryViewerDto = Static<typeof StoryViewer>;

export const StoryPage = Page(StorySchema, 'Story');
