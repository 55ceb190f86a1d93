import { type Static, Type } from 'typebox';
import { Id } from '../../common.schema.js';

const Count = Type.Integer({ minimum: 0 });

export const PostInsightsSchema = Type.Object(
  {
    post_id: Id,
    likes: Count,
    comments: Type.Integer({ minimum: 0, description: 'Comments and replies' }),
    saves: Type.Integer({ minimum: 0, description: 'How many accounts saved it (never who)' }),
    views: Type.Union([Count, Type.Null()], {
      description: 'Posts with a video: views (one per viewer and day); null for photos only',
    }),
  },
  {
    title: 'PostInsights',
    examples: [{ post_id: '1201', likes: 128, comments: 14, saves: 9, views: 2310 }],
  },
);
export type PostInsightsDto = Static<typeof PostInsightsSchema>;

export const StoryInsightsSchema = Type.Object(
  {
    story_id: Id,
    viewers: Type.Integer({
      minimum: 0,
      description: 'Accounts that viewed it (the author not counted)',
    }),
    likes: Count,
  },
  { title: 'StoryInsights', examples: [{ story_id: '640', viewers: 57, likes: 12 }] },
);
export type StoryInsightsDto = Static<typeof StoryInsightsSchema>;

const exampleDay = {
  date: '2026-12-05',
  new_followers: 3,
  posts_published: 1,
  likes_received: 41,
  comments_received: 6,
};

const InsightsDay = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'A UTC day, YYYY-MM-DD' }),
    new_followers: Count,
    posts_published: Count,
    likes_received: Count,
    comments_received: Count,
  },
  { title: 'InsightsDay', examples: [exampleDay] },
);

export const AccountInsightsSchema = Type.Object(
  {
    days: Type.Integer({ description: 'The window: the last 7 or 30 UTC days, today included' }),
    followers_count: Type.Integer({ minimum: 0, description: 'Followers now' }),
    follower_change: Type.Integer({
      description:
        'Followers gained over the window who still follow (an unfollow leaves no dated trace, so it is not subtracted by day)',
    }),
    posts_published: Count,
    likes_received: Type.Integer({
      minimum: 0,
      description: 'Likes by others on your posts in the window',
    }),
    comments_received: Type.Integer({
      minimum: 0,
      description: 'Comments and replies by others on your posts in the window',
    }),
    per_day: Type.Array(InsightsDay, { description: 'One entry per day, oldest first' }),
  },
  {
    title: 'AccountInsights',
    examples: [
      {
        days: 7,
        followers_count: 1204,
        follower_change: 3,
        posts_published: 1,
        likes_received: 41,
        comments_received: 6,
        per_day: [exampleDay],
      },
    ],
  },
);
export type AccountInsightsDto = Static<typeof AccountInsightsSchema>;

export const AccountInsightsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Union([Type.Literal(7), Type.Literal(30)], {
        default: 7,
        description: 'The window: 7 or 30 days',
      }),
    ),
  },
  { additionalProperties: false },
);
