import { Type, type TSchema } from 'typebox';
import { exampleCursor, exampleProblem, exampleUser } from './openapi-examples.js';

/** Shared schema atoms. Ids are decimal strings at the API edge, numbers inside. */
export const Id = Type.String({
  pattern: '^[1-9][0-9]{0,17}$',
  description: 'Opaque id',
  examples: ['42'],
});
export const Timestamp = Type.String({
  format: 'date-time',
  examples: ['2026-11-24T21:17:19.000Z'],
});
export const Username = Type.String({
  minLength: 1,
  maxLength: 30,
  // No leading, trailing or doubled dot: `.` and `..` would be path segments in every URL.
  pattern: '^(?!\\.)(?!.*\\.\\.)(?!.*\\.$)[a-z0-9._]+$',
  description:
    '1–30 of a-z 0-9 . _ (input is lowercased first); no dot at the start or end, no two dots in a row',
});
/**
 * The `{username}` path parameter of every route. Case-insensitive (lowercased by the
 * services), so capitals are allowed here; anything else a username cannot contain is a 400
 * saying so, rather than a 404 for a name that could never exist.
 */
export const UsernameParams = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      maxLength: 30,
      pattern: '^[A-Za-z0-9._]+$',
      description: 'Case-insensitive',
    }),
  },
  { additionalProperties: false },
);
export const Limit = Type.Integer({
  minimum: 1,
  maximum: 100,
  default: 20,
  description: 'Page size (1–100)',
});
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'Opaque cursor from next_cursor',
});

export const PageQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  {
    additionalProperties: false,
  },
);

export const Page = <T extends TSchema>(item: T, name: string) => {
  // A page of the item's example, so every list shows a real-looking answer.
  const example = (item as { examples?: unknown[] }).examples?.[0];
  return Type.Object(
    {
      data: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as ?cursor= to get the next page; null on the last page',
      }),
    },
    {
      title: `${name}Page`,
      ...(example === undefined
        ? {}
        : { examples: [{ data: [example], next_cursor: exampleCursor }] }),
    },
  );
};

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const UserSummary = Type.Object(
  {
    id: Id,
    username: Type.String(),
    name: Type.String(),
    profile_image_url: Type.Union([Type.String(), Type.Null()]),
    is_private: Type.Boolean(),
  },
  { title: 'User', examples: [exampleUser] },
);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
  },
  { title: 'Problem', description: 'RFC 9457 problem details', examples: [exampleProblem] },
);

export const NoContent = Type.Null({ description: 'No content' });
