import { type Static, Type } from 'typebox';
import { Id } from '../../common.schema.js';
import { exampleFollower } from '../../openapi-examples.js';

export const MentionSchema = Type.Object(
  { id: Id, username: Type.String() },
  { title: 'Mention', examples: [{ id: exampleFollower.id, username: exampleFollower.username }] },
);
export type MentionDto = Static<typeof MentionSchema>;

export const Mentions = Type.Array(MentionSchema, {
  description:
    'Accounts mentioned as `@username` (case-insensitive; not the @ of an e-mail address), in order of first appearance',
});
