import type { Db } from '../../src/db/client.js';
import { toDbTime } from '../../src/db/time.js';
import { tableColumns } from '../../src/db/types.js';
import { insertRows } from './bulk.js';
import { username } from './dataset.js';
import type { Fixture } from './scenarios.js';

/** Marks the media rows the bench made for post creation. */
const POOL_ALT_TEXT = 'bench media pool';
/** Accounts each bench user toggles its follow of. */
const FOLLOW_TARGETS = 8;

/** Ids of bench_1 … bench_n, in that order (the seed numbers them so, but --no-seed need not). */
export async function benchUserIds(db: Db, n: number): Promise<number[]> {
  const names = Array.from({ length: n }, (_, i) => username(i + 1));
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', names)
    .execute();
  const idOf = new Map(rows.map((r) => [r.username, Number(r.id)]));
  return names.map((name) => {
    const id = idOf.get(name);
    if (id === undefined) throw new Error(`no user ${name}`);
    return id;
  });
}

/**
 * Gives each logged-in user `perUser` unattached image media rows (copies of a seeded one: the
 * same stored file), so post creation measures the post, not the upload. Fills
 * `fixture.media` with every such row not yet used.
 */
export async function fillMediaPool(db: Db, fixture: Fixture, ids: number[], perUser: number) {
  const template = await db
    .selectFrom('media')
    .selectAll()
    .where('kind', '=', 'image')
    .where('status', '=', 'ready')
    .limit(1)
    .executeTakeFirst();
  if (!template) throw new Error('post creation needs a seeded image media row to copy');
  const overrides: Partial<Record<(typeof tableColumns.media)[number], unknown>> = {
    id: null,
    post_id: null,
    story_id: null,
    position: 0,
    created_at: toDbTime(new Date()),
    alt_text: POOL_ALT_TEXT,
  };
  const row = (owner: number) =>
    tableColumns.media.map((column) =>
      column === 'owner_id' ? owner : column in overrides ? overrides[column] : template[column],
    );
  await db.transaction().execute((trx) =>
    insertRows(
      trx,
      'media',
      tableColumns.media,
      ids.flatMap((owner) => Array.from({ length: perUser }, () => row(owner))),
    ),
  );
  const unused = await db
    .selectFrom('media')
    .select(['id', 'owner_id'])
    .where('alt_text', '=', POOL_ALT_TEXT)
    .where('post_id', 'is', null)
    .where('owner_id', 'in', ids)
    .execute();
  fixture.media = ids.map((owner) =>
    unused.filter((m) => Number(m.owner_id) === owner).map((m) => String(m.id)),
  );
}

/**
 * For each logged-in user, up to 8 bench accounts to follow and unfollow: ones it does not
 * follow yet (then the toggle follows first), else ones it does (then it unfollows first).
 * bench_1 is left out: a follower more would lift it over TIMELINE_FANOUT_MAX_FOLLOWERS.
 */
export async function followTargets(db: Db, ids: number[], users: number) {
  const rows = await db
    .selectFrom('follows')
    .select(['follower_id', 'following_id'])
    .where('follower_id', 'in', ids)
    .execute();
  return ids.map((id, t) => {
    const followed = new Set(
      rows.filter((r) => Number(r.follower_id) === id).map((r) => Number(r.following_id)),
    );
    const others = Array.from({ length: users }, (_, j) => ((t + 1 + j) % users) + 1).filter(
      (j) => j !== 1 && j !== t + 1,
    );
    const fresh = others.filter((j) => !followed.has(ids[j - 1] ?? j));
    const pick = (fresh.length > 0 ? fresh : others).slice(0, FOLLOW_TARGETS);
    return pick.map((j) => ({ username: username(j), following: fresh.length === 0 }));
  });
}
