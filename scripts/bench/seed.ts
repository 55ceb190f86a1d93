import { hash } from '@node-rs/argon2';
import { pathToFileURL } from 'node:url';
import { type Config, loadConfig } from '../../src/config.js';
import { loadEnvFile } from '../../src/env.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { toDbTime } from '../../src/db/time.js';
import { tableColumns } from '../../src/db/types.js';
import { rebuildTimelines } from '../../src/modules/timeline/timeline.repository.js';
import { recountCounters } from '../../src/modules/users/users.repository.js';
import { assertKnown, intArg, parseArgs, stringArg } from './args.js';
import { storeBenchImage } from './bench-image.js';
import {
  analyzeOnMysql,
  countRows,
  countUsers,
  databaseBytes,
  emptyAllTables,
  finishBulkLoad,
  insertRows,
  prepareForBulkLoad,
} from './bulk.js';
import {
  anchorOf,
  BENCH_PASSWORD,
  createPostGenerator,
  DEFAULT_SHAPE,
  fanCount,
  fanFollowRows,
  followRows,
  hashtagRows,
  locationRows,
  type SeedShape,
  userRows,
} from './dataset.js';
import { progressBar } from '../../src/progress-bar.js';

export interface SeedOptions {
  config: Readonly<Config>;
  shape: SeedShape;
  reset?: boolean;
  quiet?: boolean;
  /** Fixes the time anchor (tests); defaults to now. */
  now?: Date;
}

export interface SeedResult {
  seconds: number;
  bytes: number;
  rows: Record<string, number>;
}

/** Users per transaction: ~1,000 posts with their media, likes and comments. */
const USERS_PER_BLOCK = 50;
/** Readers per timeline INSERT … SELECT: ~150,000 rows at the default shape. */
const TIMELINE_READERS_PER_BLOCK = 50;
/** Profiles per counter UPDATE: ~320 index entries each at the default shape. */
const COUNTER_USERS_PER_BLOCK = 500;

export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  const { config, shape } = options;
  validateShape(shape);
  const started = performance.now();
  // One MySQL connection: the seed is sequential, and the bulk-load session settings must stick.
  const db = createDb(config.database, { mysqlPoolSize: 1 });
  try {
    await migrateToLatest(db);
    if ((await countUsers(db)) > 0) {
      if (!options.reset) {
        throw new Error(
          'The database already has users; pass --reset to empty it first (this deletes everything).',
        );
      }
      await emptyAllTables(db);
    }
    await prepareForBulkLoad(db);
    const rows = await fill(db, options);
    await finishBulkLoad(db);
    const bytes = await databaseBytes(db, config.database);
    return { seconds: (performance.now() - started) / 1000, bytes, rows };
  } finally {
    await db.destroy();
  }
}

async function fill(db: Db, { config, shape, quiet, now }: SeedOptions) {
  const anchor = anchorOf(now ?? new Date());
  const [passwordHash, image] = await Promise.all([
    // A fixed salt: every bench account shares one public password anyway, and two seeds
    // stay byte-identical.
    hash(BENCH_PASSWORD, { salt: new TextEncoder().encode('photogram-bench-salt') }),
    storeBenchImage(config),
  ]);
  const rows: Record<string, number> = {};
  const count = (table: string, n: number) => (rows[table] = (rows[table] ?? 0) + n);
  const blocks = (total: number, size: number) =>
    Array.from({ length: Math.ceil(total / size) }, (_, b) => {
      const from = b * size + 1;
      return [from, Math.min(total, from + size - 1)] as const;
    });

  const accounts = shape.users + fanCount(shape);
  const people = progressBar('users + follows', accounts, quiet);
  for (const [from, to] of blocks(accounts, 500)) {
    await db.transaction().execute(async (trx) => {
      const [users, profiles] = userRows(from, to, passwordHash, anchor);
      await insertRows(trx, 'users', tableColumns.users, users!);
      await insertRows(trx, 'profiles', tableColumns.profiles, profiles!);
      count('users', users!.length);
      count('profiles', profiles!.length);
    });
    people.advance(to - from + 1);
  }
  for (const [from, to] of blocks(shape.users, 500)) {
    const follows = followRows(from, to, shape, anchor);
    await db
      .transaction()
      .execute((trx) => insertRows(trx, 'follows', tableColumns.follows, follows));
    count('follows', follows.length);
  }
  const fans = fanFollowRows(shape, anchor);
  await db.transaction().execute((trx) => insertRows(trx, 'follows', tableColumns.follows, fans));
  count('follows', fans.length);
  people.done();

  await db.transaction().execute(async (trx) => {
    const locations = locationRows(shape, anchor);
    await insertRows(trx, 'locations', tableColumns.locations, locations);
    await insertRows(trx, 'hashtags', tableColumns.hashtags, hashtagRows());
    count('locations', locations.length);
    count('hashtags', hashtagRows().length);
  });

  const postsOf = createPostGenerator(shape, image, anchor);
  const posting = progressBar('posts', shape.users * shape.posts, quiet);
  for (const [from, to] of blocks(shape.users, USERS_PER_BLOCK)) {
    const block = postsOf(from, to);
    await db.transaction().execute(async (trx) => {
      await insertRows(trx, 'posts', tableColumns.posts, block.posts);
      await insertRows(trx, 'media', tableColumns.media, block.media);
      await insertRows(trx, 'post_hashtags', tableColumns.post_hashtags, block.postHashtags);
      await insertRows(trx, 'post_likes', tableColumns.post_likes, block.likes);
      await insertRows(trx, 'comments', tableColumns.comments, block.comments);
    });
    count('posts', block.posts.length);
    count('media', block.media.length);
    count('post_hashtags', block.postHashtags.length);
    count('post_likes', block.likes.length);
    count('comments', block.comments.length);
    posting.advance(block.posts.length);
  }
  posting.done();

  if (Math.min(shape.follows, shape.users - 1) > config.timelineFanoutMaxFollowers) {
    const now = toDbTime(new Date(anchor));
    const everyone = Array.from({ length: shape.users }, (_, i) => [i + 1, now]);
    await insertRows(db, 'timeline_merge_authors', tableColumns.timeline_merge_authors, everyone);
  }
  await analyzeOnMysql(db, ['users', 'follows', 'posts', 'timeline_merge_authors']);
  const timelines = progressBar('home timelines', accounts, quiet);
  for (const [from, to] of blocks(accounts, TIMELINE_READERS_PER_BLOCK)) {
    await db.transaction().execute((trx) => rebuildTimelines(trx, from, to));
    timelines.advance(to - from + 1);
  }
  timelines.done();
  count('home_timeline', await countRows(db, 'home_timeline'));

  // Rows went in past the writers that keep profile counters: count them once, from the rows.
  for (const [from, to] of blocks(accounts, COUNTER_USERS_PER_BLOCK)) {
    await db.transaction().execute((trx) => recountCounters(trx, from, to));
  }
  return rows;
}

function validateShape(shape: SeedShape) {
  if (shape.users < 1) throw new Error('--users must be at least 1');
}

export const formatBytes = (bytes: number) =>
  bytes >= 1 << 30
    ? `${(bytes / (1 << 30)).toFixed(2)} GiB`
    : `${(bytes / (1 << 20)).toFixed(1)} MiB`;

export const SHAPE_FLAGS = Object.keys(DEFAULT_SHAPE) as (keyof SeedShape)[];

/** Reads --users … --popular, each defaulting to the data set (or to `defaults`). */
export function shapeFromArgs(
  args: ReturnType<typeof parseArgs>,
  defaults: SeedShape = DEFAULT_SHAPE,
): SeedShape {
  const shape = { ...defaults };
  for (const flag of SHAPE_FLAGS)
    shape[flag] = intArg(args, flag, defaults[flag], flag === 'users' ? 1 : 0);
  return shape;
}

async function main(argv: string[]) {
  const args = parseArgs(argv, ['reset', 'help']);
  if (args.has('help')) {
    console.log(
      'usage: npm run bench:seed -- [--users 2000] [--follows 150] [--posts 20] [--media 3] [--likes 30]\n' +
        '  [--comments 5] [--locations 100] [--popular 0 (followers of bench_1)] [--database-url sqlite:<file>|mysql://…] [--reset]',
    );
    return;
  }
  assertKnown(args, [...SHAPE_FLAGS, 'database-url', 'reset', 'help']);
  loadEnvFile();
  const databaseUrl = stringArg(args, 'database-url');
  const config = loadConfig(
    databaseUrl ? { ...process.env, DATABASE_URL: databaseUrl } : process.env,
  );
  const shape = shapeFromArgs(args);
  const result = await seedDatabase({ config, shape, reset: args.has('reset') });
  const summary = Object.entries(result.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  console.log(`seeded ${summary}`);
  console.log(
    `took ${result.seconds.toFixed(1)} s; database size ${formatBytes(result.bytes)} (${config.database.dialect})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
