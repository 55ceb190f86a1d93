import { Type } from 'typebox';
import { Id, Timestamp, UserSummary } from '../../common.schema.js';
import { exampleFollower } from '../../openapi-examples.js';

export const FollowResult = Type.Object(
  {
    status: Type.Union([Type.Literal('following'), Type.Literal('requested')], {
      description: '"requested" when the account is private and has not approved yet',
    }),
  },
  { title: 'FollowResult', examples: [{ status: 'requested' }] },
);

export const FollowListUser = Type.Object(
  {
    ...UserSummary.properties,
    is_following: Type.Boolean({ description: 'The caller follows this account' }),
  },
  { title: 'FollowListUser', examples: [{ ...exampleFollower, is_following: false }] },
);

export const FollowRequest = Type.Object(
  { id: Id, user: UserSummary, created_at: Timestamp },
  {
    title: 'FollowRequest',
    examples: [{ id: '88', user: exampleFollower, created_at: '2026-11-23T18:05:00.000Z' }],
  },
);
