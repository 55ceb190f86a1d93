import { Type } from 'typebox';
import { Id, Timestamp, Username, UserSummary } from '../../common.schema.js';
import { exampleTokenPair, exampleUser } from '../../openapi-examples.js';

export const Password = Type.String({
  minLength: 8,
  maxLength: 512,
  description:
    'At least 8 characters as typed and 8–128 Unicode characters after NFKC normalisation, not only spaces or invisible characters, ' +
    'not one of the 10,000 most common passwords, not containing the username; never trimmed',
});

export const SignupBody = Type.Object(
  {
    username: Username,
    email: Type.String({ format: 'email', maxLength: 254, description: 'Stored lowercase' }),
    password: Password,
    name: Type.Optional(Type.String({ maxLength: 50 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        username: exampleUser.username,
        email: 'ada@example.com',
        password: 'correct-horse-battery',
        name: exampleUser.name,
      },
    ],
  },
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email' }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  {
    additionalProperties: false,
    examples: [{ username: exampleUser.username, password: 'correct-horse-battery' }],
  },
);

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false, examples: [{ refresh_token: exampleTokenPair.refresh_token }] },
);

export const TokenPair = Type.Object(
  {
    user: UserSummary,
    access_token: Type.String({ description: 'Send as Authorization: Bearer <access_token>' }),
    refresh_token: Type.String({
      description: 'Opaque; works once: /auth/refresh returns a new one',
    }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  },
  { title: 'TokenPair', examples: [exampleTokenPair] },
);

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 512 }),
    new_password: Password,
  },
  {
    additionalProperties: false,
    examples: [{ current_password: 'correct-horse-battery', new_password: 'staple-of-the-horse' }],
  },
);

export const Session = Type.Object(
  {
    id: Id,
    user_agent: Type.Union([Type.String(), Type.Null()], { description: 'As the login sent it' }),
    ip_address: Type.Union([Type.String(), Type.Null()], {
      description: 'Client address at login',
    }),
    created_at: Timestamp,
    last_used_at: Type.String({
      format: 'date-time',
      description: 'The login, or the last refresh of its tokens',
    }),
    current: Type.Boolean({ description: 'The session of the token making this request' }),
  },
  {
    title: 'Session',
    examples: [
      {
        id: '31',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
        ip_address: '203.0.113.7',
        created_at: '2026-11-20T08:00:00.000Z',
        last_used_at: '2026-11-24T21:05:00.000Z',
        current: true,
      },
    ],
  },
);

const MailedToken = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The token from the mail (the `token` parameter of its link)',
});

export const VerifyEmailBody = Type.Object(
  { token: MailedToken },
  {
    additionalProperties: false,
    examples: [{ token: 'pZ3x0mQmJ1c2VfXq9rS8tUvWxYz0123456789abcdEf' }],
  },
);

export const PasswordResetBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254, description: 'Compared lowercase' }),
  },
  { additionalProperties: false, examples: [{ email: 'ada@example.com' }] },
);

export const PasswordResetConfirmBody = Type.Object(
  { token: MailedToken, new_password: Password },
  {
    additionalProperties: false,
    examples: [
      {
        token: 'pZ3x0mQmJ1c2VfXq9rS8tUvWxYz0123456789abcdEf',
        new_password: 'staple-of-the-horse',
      },
    ],
  },
);
