import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { progressBar } from '../../progress-bar.js';
import { rebuildTimelines } from './timeline.repository.js';

const USAGE = 'usage: npm run timeline:rebuild -- --user NAME | --all';
const READERS_PER_TRANSACTION = 200;

/**
 * Rebuilds home timelines from follows and posts by the writers' rule: a repair for timelines
 * that drifted (rows written around the services, a restore). Each block of readers is one
 * transaction, so a reader's feed is never seen half rebuilt and the app can keep serving.
 */
async function main() {
  const { values } = parseArgs({ options: { user: { type: 'string' }, all: { type: 'boolean' } } });
  if (!values.all === (values.user === undefined)) throw new Error(USAGE);
  const db = createDb(loadConfig().database);
  try {
    if (values.user !== undefined) {
      const username = values.user.toLowerCase();
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirst();
      if (!user) throw new Error(`No user named "${username}".`);
      await inTransaction(db, (trx) => rebuildTimelines(trx, user.id, user.id));
      const { rows } = await db
        .selectFrom('home_timeline')
        .select((eb) => eb.fn.countAll<number>().as('rows'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      return console.log(`Rebuilt the home timeline of ${username}: ${rows} posts.`);
    }
    const range = await db
      .selectFrom('users')
      .select((eb) => [eb.fn.min<number>('id').as('first'), eb.fn.max<number>('id').as('last')])
      .executeTakeFirstOrThrow();
    if (range.first === null) return console.log('No users: nothing to rebuild.');
    const [first, last] = [Number(range.first), Number(range.last)];
    const progress = progressBar('home timelines', last - first + 1);
    for (let from = first; from <= last; from += READERS_PER_TRANSACTION) {
      const to = Math.min(last, from + READERS_PER_TRANSACTION - 1);
      await inTransaction(db, (trx) => rebuildTimelines(trx, from, to));
      progress.advance(to - from + 1);
    }
    progress.done();
    console.log(`Rebuilt the home timelines of user ids ${first} to ${last}.`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
