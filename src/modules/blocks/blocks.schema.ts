import { Type, type Static } from 'typebox';
import { Timestamp, UserSummary } from '../../common.schema.js';
import { exampleFollower } from '../../openapi-examples.js';

export const BlockedUser = Type.Object(
  { user: UserSummary, created_at: Timestamp },
  {
    title: 'BlockedUser',
    examples: [{ user: exampleFollower, created_at: '2026-11-23T18:05:00.000Z' }],
  },
);

export const MuteBody = Type.Object(
  {
    posts: Type.Optional(
      Type.Boolean({ default: true, description: 'Leave your home feed (default true)' }),
    ),
    stories: Type.Optional(
      Type.Boolean({ default: true, description: 'Leave your story tray (default true)' }),
    ),
  },
  { additionalProperties: false, examples: [{ posts: true, stories: false }] },
);

export const MuteState = Type.Object(
  {
    posts: Type.Boolean({ description: "The account's posts are muted" }),
    stories: Type.Boolean({ description: "The account's stories are muted" }),
  },
  { title: 'MuteState', examples: [{ posts: true, stories: false }] },
);

export const MutedUser = Type.Object(
  { user: UserSummary, posts: Type.Boolean(), stories: Type.Boolean(), created_at: Timestamp },
  {
    title: 'MutedUser',
    examples: [
      {
        user: exampleFollower,
        posts: true,
        stories: false,
        created_at: '2026-11-23T18:05:00.000Z',
      },
    ],
  },
);

export type BlockedUserDto = Static<typeof BlockedUser>;
export type MutedUserDto = Static<typeof MutedUser>;
