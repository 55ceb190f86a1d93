import { Type } from 'typebox';
import { Cursor, Limit, Timestamp, Username, UserSummary } from '../../common.schema.js';
import { exampleMe, exampleProfile } from '../../openapi-examples.js';

const profileFields = {
  ...UserSummary.properties,
  nickname: Type.String(),
  bio: Type.String(),
  website: Type.Union([Type.String(), Type.Null()]),
  posts_count: Type.Integer(),
  followers_count: Type.Integer({ description: 'Accepted followers with active accounts' }),
  following_count: Type.Integer(),
  is_following: Type.Boolean({ description: 'The caller follows this account (false logged out)' }),
  follows_you: Type.Boolean({ description: 'This account follows the caller' }),
  follow_requested: Type.Boolean({ description: 'The caller has a pending follow request' }),
  blocking: Type.Boolean({
    description: 'The caller blocks this account (its content is hidden from the caller)',
  }),
  muting: Type.Boolean({ description: "The caller mutes this account's posts or stories" }),
  created_at: Timestamp,
};

export const ProfileSchema = Type.Object(profileFields, {
  title: 'Profile',
  examples: [exampleProfile],
});
const TagApproval = Type.Enum(['auto', 'manual'], {
  description:
    '`manual`: tags of you on photos wait in GET /me/pending-tags until you approve them',
});

export const MeSchema = Type.Object(
  {
    ...profileFields,
    email: Type.String({ format: 'email' }),
    email_verified: Type.Boolean({
      description:
        'The email was confirmed with the mailed token (POST /auth/verify-email); false after a change',
    }),
    tag_approval: TagApproval,
    role: Type.Enum(['user', 'moderator', 'admin'], {
      description: 'moderator and admin may use the /admin routes',
    }),
  },
  { title: 'Me', examples: [exampleMe] },
);

export const Website = Type.Union(
  [
    Type.String({
      maxLength: 200,
      pattern: '^[hH][tT][tT][pP][sS]?://[^\\s/?#]+',
      description: 'An http(s) URL',
    }),
    Type.Null(),
  ],
  { description: 'An http(s) URL, or null to clear it' },
);

export const UpdateMeBody = Type.Object(
  {
    username: Type.Optional(Username),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description:
          'A new email (stored lowercase): unverified until the link mailed to it is used; the ' +
          'old address is told of the change. Needs `current_password` (missing: 400, wrong: ' +
          '403). In use by another account: 409 `conflict`.',
      }),
    ),
    current_password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Your password: required with `email` (attempts are rate-limited)',
      }),
    ),
    tag_approval: Type.Optional(TagApproval),
    name: Type.Optional(Type.String({ maxLength: 50 })),
    nickname: Type.Optional(Type.String({ maxLength: 30 })),
    bio: Type.Optional(Type.String({ maxLength: 500 })),
    website: Type.Optional(Website),
    is_private: Type.Optional(
      Type.Boolean({
        description:
          'Going private keeps existing followers; going public accepts every pending request',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ bio: exampleProfile.bio, website: exampleProfile.website, is_private: false }],
  },
);

export const DeleteMeBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false, examples: [{ password: 'correct-horse-battery' }] },
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'Prefix of a username or a name (case-insensitive; % and _ are literal)',
    }),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
