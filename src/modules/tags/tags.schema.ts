import { type Static, Type } from 'typebox';
import { Id, Timestamp, UserSummary } from '../../common.schema.js';
import { exampleFollower, exampleImage, examplePost, exampleUser } from '../../openapi-examples.js';

const Coordinate = Type.Number({
  minimum: 0,
  maximum: 1,
  description: 'From the left (x) or top (y) edge, as a fraction of the image',
});

export const TagInput = Type.Object(
  {
    media_id: Id,
    username: Type.String({ minLength: 1, maxLength: 30, pattern: '^[A-Za-z0-9._]+$' }),
    x: Coordinate,
    y: Coordinate,
  },
  { additionalProperties: false },
);
export type TagInputDto = Static<typeof TagInput>;

export const MAX_TAGS_PER_IMAGE = 20;

export const TagsInput = Type.Array(TagInput, {
  maxItems: 200,
  description: `People on the post's images (at most ${MAX_TAGS_PER_IMAGE} per image, images only). Tagging someone who blocks you or whom you block is 400, unless they were already tagged on the post. On an edit, the post's tags become exactly these.`,
});

export const MediaTagSchema = Type.Object(
  { user: UserSummary, x: Type.Number(), y: Type.Number() },
  { title: 'MediaTag', examples: [{ user: exampleFollower, x: 0.42, y: 0.61 }] },
);

export const PendingTagSchema = Type.Object(
  {
    id: Id,
    post_id: Id,
    media_id: Id,
    tagged_by: UserSummary,
    x: Type.Number(),
    y: Type.Number(),
    created_at: Timestamp,
  },
  {
    title: 'PendingTag',
    examples: [
      {
        id: '77',
        post_id: examplePost.id,
        media_id: exampleImage.id,
        tagged_by: exampleUser,
        x: 0.42,
        y: 0.61,
        created_at: examplePost.created_at,
      },
    ],
  },
);
export type PendingTagDto = Static<typeof PendingTagSchema>;
