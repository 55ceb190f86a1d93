/**
 * The original project's ORM walkthrough, replayed through Photogram's own repositories: three
 * users with profiles, a location, three posts with media, then the queries, each printed with
 * the SQL it ran and its result. Runs on a throwaway SQLite file, or with --database-url on a
 * throwaway database created on that MySQL server; either way it is removed at the end.
 */
import { hash } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { LogEvent } from 'kysely';
import { createDb, type Db } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { toDbTime, toIso } from '../src/db/time.js';
import { inTransaction } from '../src/db/transaction.js';
import { insertFollow } from '../src/modules/follows/follows.repository.js';
import { insertLocation } from '../src/modules/locations/locations.repository.js';
import { attachToPost, insertMedia } from '../src/modules/media/media.repository.js';
import { insertComment } from '../src/modules/comments/comments.repository.js';
import { insertPostLike } from '../src/modules/likes/likes.repository.js';
import { adjustCommentCount, adjustLikeCount } from '../src/modules/posts/post-counters.js';
import {
  insertPost,
  postPage,
  type PostFilters,
  type PostOrder,
} from '../src/modules/posts/posts.repository.js';
import { findProfile, insertAccount } from '../src/modules/users/users.repository.js';
import { countFollows, countPost, lockAccounts } from '../src/modules/users/profile-counters.js';
import { loadUserSummaries } from '../src/modules/users/user-summary.js';

let printing = false;
const WIDTH = 100;

/** Words packed into lines of at most WIDTH characters; a longer single word is cut. */
function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const fits = line.length + 1 + word.length <= WIDTH;
    if (line.trim() && !fits) {
      lines.push(line);
      line = rest;
    }
    line += (line.trim() ? ' ' : '') + word;
  }
  lines.push(line);
  return lines.flatMap((l) => l.match(new RegExp(`.{1,${WIDTH}}`, 'g')) ?? []);
}

/** Rows as aligned columns (console.table adds an index column and quotes, too wide here). */
function printRows(rows: Record<string, unknown>[]) {
  if (!rows.length) return console.log('  (no rows)');
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? '-')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => '  ' + values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log([line(columns), ...cells.map(line)].join('\n').replace(/ +$/gm, ''));
}

const shorten = (value: unknown) =>
  typeof value === 'string' && value.length > 24 ? `${value.slice(0, 21)}…` : value;

const printQuery = (event: LogEvent) => {
  if (!printing) return;
  console.log(wrap(event.query.sql, '  SQL>', '       ').join('\n'));
  if (event.query.parameters.length) {
    const params = JSON.stringify(event.query.parameters.map(shorten));
    console.log(wrap(params, '       --', '         ').join('\n'));
  }
};

async function section<T>(title: string, run: () => Promise<T>): Promise<T> {
  console.log(`\n>>> ${title}`);
  printing = true;
  try {
    return await run();
  } finally {
    printing = false;
  }
}

async function main() {
  const urlArg = process.argv.indexOf('--database-url');
  const serverUrl = urlArg > 0 ? process.argv[urlArg + 1] : undefined;
  const target = await throwawayDatabase(serverUrl);
  console.log(`Photogram ORM walkthrough on ${target.label}`);
  const db = createDb(target.config, { onQuery: printQuery });
  try {
    console.log(wrap((await migrateToLatest(db)).join(', '), 'migrations:', '  ').join('\n'));
    await walkthrough(db);
  } finally {
    await db.destroy();
    await target.remove();
    console.log(`\nremoved ${target.label}`);
  }
}

async function walkthrough(db: Db) {
  const now = () => toDbTime(new Date());
  const passwordHash = await hash('demo-password');
  const [alice, bob, carol] = await section('create three users with profiles', async () => {
    const ids: number[] = [];
    for (const [username, name] of [
      ['alice', 'Alice'],
      ['bob', 'Bob'],
      ['carol', 'Carol'],
    ]) {
      ids.push(
        await inTransaction(db, (trx) =>
          insertAccount(trx, {
            username: username!,
            email: `${username}@example.com`,
            password_hash: passwordHash,
            name: name!,
            now: now(),
          }),
        ),
      );
    }
    return ids as [number, number, number];
  });

  const seoul = await section('create a location', () =>
    insertLocation(db, {
      name: 'Seoul Forest',
      address: 'Seongdong-gu, Seoul',
      lat: 37.5444,
      lng: 127.0374,
      created_by: alice,
      created_at: now(),
    }),
  );

  const posts: [number, 'post' | 'reel', string, number | null, 'image' | 'video'][] = [
    [alice, 'post', 'Sunset over the river #sunset', seoul, 'image'],
    [bob, 'reel', 'Skateboarding in the park', null, 'video'],
    [carol, 'post', 'Morning coffee and a sunset sky', seoul, 'image'],
  ];
  await section('create three posts, each with a media row attached', async () => {
    for (const [author, type, caption, location, kind] of posts) {
      await inTransaction(db, async (trx) => {
        const key = (ext: string) => {
          const h = randomBytes(32).toString('hex');
          return `${h.slice(0, 2)}/${h.slice(2, 4)}/${h}.${ext}`;
        };
        const mediaId = await insertMedia(trx, {
          owner_id: author,
          kind,
          storage_key: key(kind === 'image' ? 'jpg' : 'mp4'),
          thumbnail_key: key('jpg'),
          poster_key: kind === 'video' ? key('jpg') : null,
          mime: kind === 'image' ? 'image/jpeg' : 'video/mp4',
          width: 1080,
          height: kind === 'image' ? 1080 : 1920,
          duration_ms: kind === 'video' ? 12_000 : null,
          blurhash: null,
          bytes: 250_000,
          created_at: now(),
        });
        const postId = await insertPost(trx, {
          author_id: author,
          type,
          caption,
          location_id: location,
          created_at: now(),
          updated_at: now(),
        });
        await attachToPost(trx, postId, author, [mediaId]);
        await countPost(trx, author, 1);
      });
    }
  });

  await section('bob and carol follow alice (with the profile counters)', async () => {
    for (const follower of [bob, carol]) {
      await inTransaction(db, async (trx) => {
        const accounts = await lockAccounts(trx, [follower, alice]);
        if (await insertFollow(trx, follower, alice, 'accepted', now())) {
          await countFollows(trx, accounts, [[follower, alice]], 1);
        }
      });
    }
  });

  await section('bob and carol like and comment (with the post counters)', async () => {
    const reactions: [post: number, likers: number[], comments: number][] = [
      [1, [bob, carol], 1],
      [2, [alice], 3],
      [3, [alice, bob], 2],
    ];
    for (const [postId, likers, comments] of reactions) {
      await inTransaction(db, async (trx) => {
        for (const liker of likers) {
          if (await insertPostLike(trx, postId, liker, now()))
            await adjustLikeCount(trx, postId, 1);
        }
        for (let i = 0; i < comments; i++) {
          await insertComment(trx, {
            post_id: postId,
            author_id: carol,
            parent_id: null,
            text: `comment ${i + 1}`,
            mentions: null,
            created_at: now(),
          });
          await adjustCommentCount(trx, postId, 1);
        }
      });
    }
  });

  const showPosts = async (title: string, filters: PostFilters, order?: PostOrder) => {
    const rows = await section(title, async () => {
      const page = await postPage(db, null, filters, null, 20, order);
      const authors = await loadUserSummaries(
        db,
        page.map((p) => p.author_id),
      );
      return page.map((p) => ({
        id: p.id,
        author: authors.get(p.author_id)?.username,
        type: p.type,
        caption: String(shorten(p.caption)),
        location: p.location_id,
        likes: p.like_count,
        comments: p.comment_count,
        created_at: toIso(p.created_at).slice(11, 23),
      }));
    });
    printRows(rows);
  };
  await showPosts('all posts with their authors (newest first)', {});
  await showPosts('posts filtered by author: bob', { author: 'bob' });
  await showPosts('posts filtered by type: post', { type: 'post' });
  await showPosts('posts whose caption contains "sunset"', { captionContains: 'sunset' });
  await showPosts('posts at the location Seoul Forest', { locationId: seoul });
  // The original's django-filter set: GET /posts?min_likes&max_likes&min_comments&ordering
  await showPosts('posts with 2 likes or more (?min_likes=2)', { minLikes: 2 });
  await showPosts('posts with 1 to 1 likes and 2 comments or more', {
    minLikes: 1,
    maxLikes: 1,
    minComments: 2,
  });
  await showPosts(
    'most liked first, ties by newest (?ordering=-like_count)',
    {},
    { column: 'like_count', direction: 'desc' },
  );
  await showPosts(
    'most commented first (?ordering=-comment_count)',
    {},
    { column: 'comment_count', direction: 'desc' },
  );

  const profile = await section("alice's profile with counts, as bob sees it", () =>
    findProfile(db, bob, { username: 'alice' }),
  );
  for (const [field, value] of Object.entries(profile ?? {})) {
    const shown = field === 'created_at' ? toIso(String(value)) : JSON.stringify(value);
    console.log(`  ${field.padEnd(24)} ${shown}`);
  }
}

interface Throwaway {
  label: string;
  config: { dialect: 'sqlite'; file: string } | { dialect: 'mysql'; url: string };
  remove(): Promise<void>;
}

async function throwawayDatabase(serverUrl: string | undefined): Promise<Throwaway> {
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'photogram-demo-'));
    const file = path.join(dir, 'demo.db');
    return {
      label: `SQLite ${file}`,
      config: { dialect: 'sqlite', file },
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!/^(mysql|mariadb):\/\//.test(serverUrl))
    throw new Error('--database-url must be mysql://user:password@host:port/any');
  const server = new URL(serverUrl.replace(/^mariadb:/, 'mysql:'));
  const name = `photogram_demo_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ uri: server.toString() });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    label: `MySQL database ${name} on ${server.host}`,
    config: { dialect: 'mysql', url: url.toString() },
    async remove() {
      const c = await createConnection({ uri: server.toString() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
