import { Redis } from 'ioredis';

/**
 * The app's one Redis connection (REDIS_URL), shared by the rate limiters. Commands queue
 * while it (re)connects; each fails after one retry, and the limiters then let requests
 * through rather than lock everyone out.
 */
export function connectRedis(url: string, log: { warn(obj: object, msg: string): void }): Redis {
  const redis = new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
  // Without a listener ioredis reports connection trouble as unhandled errors.
  redis.on('error', (error: Error) => log.warn({ err: error }, 'redis error'));
  return redis;
}

export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
