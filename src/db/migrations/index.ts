import type { Migration } from 'kysely';
import * as initial from './0001_initial.js';
import * as homeTimeline from './0002_home_timeline.js';
import * as followCountIndexes from './0003_follow_count_indexes.js';
import * as profileCounters from './0004_profile_counters.js';
import * as idempotencyKeys from './0005_idempotency_keys.js';
import * as jobs from './0006_jobs.js';
import * as postPopularityIndexes from './0007_post_popularity_indexes.js';
import * as mediaProcessing from './0008_media_processing.js';
import * as notifications from './0009_notifications.js';
import * as mentionsTags from './0009b_mentions_tags.js';
import * as peopleTags from './0009c_people_tags.js';
import * as trustSafety from './0010_trust_safety.js';
import * as oauth from './0011_oauth.js';
import * as postsStoriesSecondRound from './0012_posts_stories_second_round.js';
import * as moderation from './0013_moderation.js';
import * as accountEmail from './0014_account_email.js';
import * as oauthSessions from './0016_oauth_sessions.js';
import * as mediaKeyIndex from './0017_media_key_index.js';
import * as reelsServed from './0018_reels_served.js';

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
  '0007_post_popularity_indexes': postPopularityIndexes,
  '0008_media_processing': mediaProcessing,
  '0009_notifications': notifications,
  '0009b_mentions_tags': mentionsTags,
  '0009c_people_tags': peopleTags,
  '0010_trust_safety': trustSafety,
  '0011_oauth': oauth,
  '0012_posts_stories_second_round': postsStoriesSecondRound,
  '0013_moderation': moderation,
  '0014_account_email': accountEmail,
  '0016_oauth_sessions': oauthSessions,
  '0017_media_key_index': mediaKeyIndex,
  '0018_reels_served': reelsServed,
};
