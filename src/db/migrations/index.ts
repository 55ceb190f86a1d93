import type { Migration } from 'kysely';
import * as initial from './0001_initial.js';
import * as homeTimeline from './0002_home_timeline.js';
import * as followCountIndexes from './0003_follow_count_indexes.js';
import * as profileCounters from './0004_profile_counters.js';
import * as idempotencyKeys from './0005_idempotency_keys.js';
import * as jobs from './0006_jobs.js';
import * as mediaProcessing from './0008_media_processing.js';

/**
 * Ordered list of migrations. Imported statically (not read from disk) so the same list
 * works from TypeScript sources and from the compiled dist/ build.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_home_timeline': homeTimeline,
  '0003_follow_count_indexes': followCountIndexes,
  '0004_profile_counters': profileCounters,
  '0005_idempotency_keys': idempotencyKeys,
  '0006_jobs': jobs,
  '0008_media_processing': mediaProcessing,
};
