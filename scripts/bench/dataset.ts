import { toDbTime } from '../../src/db/time.js';
import { distinctFrom, mulberry32, randomInt } from './prng.js';
import type { Row } from './bulk.js';

/** The bench data set's shape (`npm run bench:seed` flags). */
export interface SeedShape {
  users: number;
  follows: number;
  posts: number;
  media: number;
  likes: number;
  comments: number;
  locations: number;
  /**
   * Followers of bench_1, the popular account (0: as many as anyone else). The followers
   * beyond the regular follows are extra accounts bench_{users+1}… that follow only bench_1
   * and post nothing.
   */
  popular: number;
}

export const DEFAULT_SHAPE: SeedShape = {
  users: 2000,
  follows: 150,
  posts: 20,
  media: 3,
  likes: 30,
  comments: 5,
  locations: 100,
  popular: 0,
};

export const BENCH_PASSWORD = 'bench-password';
export const HASHTAG_POOL = 50;
export const PRNG_SEED = 20_240_601;

const DAY = 86_400_000;
export const username = (i: number) => `bench_${i}`;
export const hashtagName = (n: number) => `tag${n}`;

/**
 * Fixed points in time: the data set is anchored at the start of the current UTC day, so two
 * seeds on the same day are byte-identical while posts stay within "the last 30 days".
 */
export const anchorOf = (now: Date) => Math.floor(now.getTime() / DAY) * DAY;

/** Accounts user `i` follows: i+1 … i+F, wrapping around, never itself. */
export function followedBy(i: number, shape: SeedShape): number[] {
  const count = Math.min(shape.follows, shape.users - 1);
  return Array.from({ length: count }, (_, k) => ((i - 1 + k + 1) % shape.users) + 1);
}

export function userRows(from: number, to: number, hash: string, anchor: number): Row[][] {
  const users: Row[] = [];
  const profiles: Row[] = [];
  for (let i = from; i <= to; i++) {
    const created = toDbTime(new Date(anchor - 60 * DAY + i * 1000));
    users.push([
      i,
      username(i),
      `${username(i)}@example.com`,
      hash,
      1,
      created,
      'user',
      null,
      null,
      1,
      null,
    ]);
    // Counters start at 0; the seed counts them once every row is in.
    profiles.push([
      i,
      i,
      `Bench User ${i}`,
      '',
      '',
      null,
      null,
      0,
      created,
      created,
      0,
      0,
      0,
      'auto',
    ]);
  }
  return [users, profiles];
}

export function followRows(from: number, to: number, shape: SeedShape, anchor: number): Row[] {
  const rows: Row[] = [];
  const created = toDbTime(new Date(anchor - 45 * DAY));
  const perUser = Math.min(shape.follows, shape.users - 1);
  for (let i = from; i <= to; i++) {
    followedBy(i, shape).forEach((target, k) => {
      rows.push([(i - 1) * perUser + k + 1, i, target, 'accepted', created]);
    });
  }
  return rows;
}

/** Accounts added only to follow bench_1 (ids users+1 … users+n). */
export function fanCount(shape: SeedShape): number {
  return Math.max(0, shape.popular - Math.min(shape.follows, shape.users - 1));
}

/** The fans' follows of bench_1, numbered after the regular follows. */
export function fanFollowRows(shape: SeedShape, anchor: number): Row[] {
  const created = toDbTime(new Date(anchor - 45 * DAY));
  const first = shape.users * Math.min(shape.follows, shape.users - 1);
  return Array.from({ length: fanCount(shape) }, (_, k) => [
    first + k + 1,
    shape.users + k + 1,
    1,
    'accepted',
    created,
  ]);
}

export function locationRows(shape: SeedShape, anchor: number): Row[] {
  const random = mulberry32(PRNG_SEED ^ 0x10c);
  const created = toDbTime(new Date(anchor - 50 * DAY));
  return Array.from({ length: shape.locations }, (_, k) => {
    const lat = Math.round((random() * 160 - 80) * 1e6) / 1e6;
    const lng = Math.round((random() * 340 - 170) * 1e6) / 1e6;
    const creator = (k % shape.users) + 1;
    return [k + 1, `Bench place ${k + 1}`, `${k + 1} Bench Street`, lat, lng, creator, created];
  });
}

export const hashtagRows = (): Row[] =>
  Array.from({ length: HASHTAG_POOL }, (_, k) => [k + 1, hashtagName(k + 1)]);

/** The stored image every media row points at (one file, many rows). */
export interface BenchImage {
  storageKey: string;
  thumbnailKey: string;
  mime: string;
  width: number;
  height: number;
  blurhash: string;
  bytes: number;
}

export interface PostBlock {
  posts: Row[];
  media: Row[];
  postHashtags: Row[];
  likes: Row[];
  comments: Row[];
}

/**
 * Generates posts (and their media, tags, likes, comments) user by user. One PRNG stream is
 * consumed in post-id order, so the rows do not depend on how the work is split into blocks.
 */
export function createPostGenerator(shape: SeedShape, image: BenchImage, anchor: number) {
  const random = mulberry32(PRNG_SEED);
  let likeId = 0;
  let commentId = 0;
  const since = anchor - 30 * DAY;

  return function postsOf(from: number, to: number): PostBlock {
    const block: PostBlock = { posts: [], media: [], postHashtags: [], likes: [], comments: [] };
    for (let i = from; i <= to; i++) {
      for (let j = 1; j <= shape.posts; j++) {
        const postId = (i - 1) * shape.posts + j;
        const createdMs = since + randomInt(random, 30 * DAY);
        const created = toDbTime(new Date(createdMs));
        const tagA = randomInt(random, HASHTAG_POOL);
        const tagB = (tagA + 1 + randomInt(random, HASHTAG_POOL - 1)) % HASHTAG_POOL;
        const location =
          postId % 4 === 0 && shape.locations > 0 ? 1 + randomInt(random, shape.locations) : null;
        const likers = distinctFrom(random, shape.users, shape.likes);
        const commenters = distinctFrom(random, shape.users, shape.comments);
        const caption = `post ${j} of ${username(i)} #${hashtagName(tagA + 1)} #${hashtagName(tagB + 1)}`;
        block.posts.push([
          postId,
          i,
          'post',
          caption,
          location,
          likers.length,
          commenters.length,
          created,
          created,
          null, // deleted_at
          null, // edited_at
          null, // archived_at
          0, // comments_disabled
          0, // hide_like_count
          0, // view_count
          null, // mentions
        ]);
        for (let position = 0; position < shape.media; position++) {
          block.media.push([
            (postId - 1) * shape.media + position + 1,
            i,
            postId,
            null,
            position,
            'image',
            image.storageKey,
            image.thumbnailKey,
            null,
            image.mime,
            image.width,
            image.height,
            null,
            image.blurhash,
            image.bytes,
            created,
            null, // alt_text
            'ready',
            null,
            null,
          ]);
        }
        block.postHashtags.push([postId, tagA + 1], [postId, tagB + 1]);
        likers.forEach((user, k) => {
          block.likes.push([
            ++likeId,
            postId,
            user,
            toDbTime(new Date(createdMs + (k + 1) * 1000)),
          ]);
        });
        commenters.forEach((user, k) => {
          const at = toDbTime(new Date(createdMs + (k + 1) * 60_000));
          const text = `comment ${k + 1} by ${username(user)} on post ${j} of ${username(i)}`;
          block.comments.push([++commentId, postId, user, null, text, 0, 0, at, null]);
        });
      }
    }
    return block;
  };
}
