import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Executor } from '../../db/transaction.js';
import { isLiveSession } from './auth.repository.js';

/**
 * The auth hook's check that an access token's session is live and its account active.
 *
 * With Redis, a session found live is remembered by this process, so its further requests cost
 * no statement; every path that ends sessions or deactivates an account calls `ended` after its
 * commit, which drops the account's sessions here and, through one pub/sub channel, on every
 * replica. The cache is used only while this process's subscription is in place: a replica
 * that cannot hear revocations asks the database every time. Without Redis there is no cache
 * (another replica's revocation could not reach it): one primary-key statement per request.
 */
export interface SessionCheck {
  isLive(userId: number, sessionId: number): Promise<boolean>;
  /** After the commit that ended these accounts' sessions (or deactivated or suspended them). */
  ended(userIds: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * A bound on a remembered session, for the one case pub/sub cannot cover: a replica that ended a
 * session could not publish (its own link to Redis was down while others' were up). A refresh
 * costs one statement per session per period, nothing measurable.
 */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 50_000;

export function createSessionCheck(
  db: Executor,
  redis: Redis | null,
  channel: string,
  log: Log,
): SessionCheck {
  if (!redis) {
    return {
      isLive: (userId, sessionId) => isLiveSession(db, userId, sessionId),
      ended: async () => undefined,
      close: async () => undefined,
    };
  }

  /** Live sessions by id: their account and until when (performance.now()) to trust them. */
  const live = new Map<number, { userId: number; until: number }>();
  /**
   * Bumped by every drop: a database answer read before a revocation was heard must not be
   * remembered after it (it may predate the revocation's commit).
   */
  let generation = 0;
  let subscribed = false;
  const forget = (userIds: readonly number[] | null) => {
    generation++;
    if (userIds === null) return live.clear();
    const ended = new Set(userIds);
    for (const [sessionId, entry] of live) if (ended.has(entry.userId)) live.delete(sessionId);
  };

  // A connection in subscriber mode runs no other command. Subscribed by hand on each (re)connect
  // (not ioredis's autoResubscribe) so the cache is trusted only once the subscription is back;
  // whatever was published while it was down is unknown, hence everything is forgotten.
  const subscriber = redis.duplicate({ autoResubscribe: false, connectionName: channel });
  subscriber.on('error', (err: Error) => log.warn({ err }, 'redis session subscriber error'));
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        forget(null);
        subscribed = true;
      },
      (err: unknown) => log.warn({ err }, 'could not subscribe to session revocations'),
    );
  });
  subscriber.on('close', () => {
    subscribed = false;
    forget(null);
  });
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      forget(JSON.parse(message) as number[]);
    } catch (err) {
      log.warn({ err, message }, 'unreadable session revocation');
      forget(null);
    }
  });

  return {
    async isLive(userId, sessionId) {
      const now = performance.now();
      const hit = subscribed ? live.get(sessionId) : undefined;
      if (hit && hit.userId === userId && hit.until > now) return true;
      const seen = generation;
      const result = await isLiveSession(db, userId, sessionId);
      if (result && subscribed && seen === generation) {
        live.delete(sessionId);
        if (live.size >= MAX_ENTRIES) live.delete(live.keys().next().value!);
        live.set(sessionId, { userId, until: now + MAX_AGE_MS });
      }
      return result;
    },
    async ended(userIds) {
      if (userIds.length === 0) return;
      forget(userIds);
      await redis.publish(channel, JSON.stringify([...new Set(userIds)])).catch((err: unknown) => {
        log.error(
          { err, userIds },
          `could not publish a session revocation: other replicas may accept its tokens for up to ${MAX_AGE_MS / 1000} s`,
        );
      });
    },
    async close() {
      subscribed = false;
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
