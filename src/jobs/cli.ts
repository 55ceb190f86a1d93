import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { toDbTime } from '../db/time.js';
import { listFailedJobs, queueStats, requeueFailedJobs } from './jobs.repository.js';

const USAGE = `usage: npm run jobs -- [--failed | --retry ID[,ID…] | --all-failed]
  (no flag)     queue depth and the oldest due job
  --failed      jobs that ran out of attempts, with their last error
  --retry IDS   run these failed jobs again from a fresh attempt count
  --all-failed  run every failed job again`;

/** Operators' view of the jobs table (src/jobs/). */
async function main() {
  const { values } = parseArgs({
    options: {
      failed: { type: 'boolean' },
      retry: { type: 'string' },
      'all-failed': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const db = createDb(loadConfig().database);
  const now = toDbTime(new Date());
  try {
    if (values.failed) {
      const failed = await listFailedJobs(db, 1000);
      if (failed.length === 0) return console.log('No failed jobs.');
      for (const job of failed) {
        console.log(
          `${job.id}\t${job.kind}\tattempts ${job.attempts}\tfailed ${job.finished_at}\t${job.payload}\n\t${job.last_error}`,
        );
      }
      return;
    }
    if (values.retry !== undefined || values['all-failed']) {
      const ids = values['all-failed'] ? 'all' : parseIds(values.retry!);
      const count = await requeueFailedJobs(db, ids, now);
      return console.log(`${count} failed job${count === 1 ? '' : 's'} queued again.`);
    }
    const stats = await queueStats(db, now);
    console.log(
      `${stats.queued} job${stats.queued === 1 ? '' : 's'} due` +
        (stats.oldestCreatedAt ? `; the oldest was queued at ${stats.oldestCreatedAt} UTC` : ''),
    );
  } finally {
    await db.destroy();
  }
}

function parseIds(list: string): number[] {
  const ids = list.split(',').map((part) => Number(part.trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id < 1)) {
    throw new Error(`--retry expects job ids such as 12 or 12,15; got "${list}"\n${USAGE}`);
  }
  return ids;
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
