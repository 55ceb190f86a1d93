import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { MediaSigner } from './media/signed-url.js';
import type { Storage } from './media/storage.js';
import type { JobRunner } from './jobs/runner.js';
import type { SessionCheck } from './modules/auth/session-check.js';
import type { NotificationBus } from './modules/notifications/notification-bus.js';
import type { MediaUrl } from './modules/users/user-summary.js';

/** What services and routes receive explicitly, instead of reaching for globals. */
export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  clock: Clock;
  storage: Storage;
  mediaUrl: MediaUrl;
  /** Signs and checks the expiring URLs of private and story media (GET /media/*). */
  mediaSigner: MediaSigner;
  /** The job workers of this process: services wake them (or run a job now) after commit. */
  jobs: Pick<JobRunner, 'wake' | 'runNow'>;
  /** The shared Redis connection when REDIS_URL is set (rate limits across replicas). */
  redis: Redis | null;
  /** Wakes live notification streams (across replicas through Redis when it is configured). */
  notifications: NotificationBus;
  /**
   * The auth hook's session check; every path that ends sessions or deactivates an account
   * calls `ended` after its commit (cached per process, dropped on every replica via Redis).
   */
  sessions: SessionCheck;
}
