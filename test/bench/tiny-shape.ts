import type { SeedShape } from '../../scripts/bench/dataset.js';

/** A bench data set small enough for a test to seed in a second or two. */
export const TINY_SHAPE: SeedShape = {
  users: 12,
  follows: 4,
  posts: 3,
  media: 2,
  likes: 5,
  comments: 2,
  locations: 3,
  popular: 0,
};
