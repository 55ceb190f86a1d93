import { Type } from 'typebox';
import { Id, Timestamp, UserSummary } from '../../common.schema.js';

export const FollowResult = Type.Object(
  {
    status: Type.Union([Type.Literal('following'), Type.Literal('requested')], {
      description: '"requested" when the account is private and has not approved yet',
    }),
  },
  { title: 'FollowResult' },
);

export const FollowListUser = Type.Object(
  {
    ...UserSummary.properties,
    is_following: Type.Boolean({ description: 'The caller follows this account' }),
  },
  { title: 'FollowListUser' },
);

export const FollowRequest = Type.Object(
  { id: Id, user: UserSummary, created_at: Timestamp },
  { title: 'FollowRequest' },
);
