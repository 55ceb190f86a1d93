import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';

/**
 * Per-client-address limits for signup and login (routes opt in with `config.rateLimit`).
 * The address is request.ip, which honours X-Forwarded-For only when TRUST_PROXY says so.
 * With REDIS_URL the counters live in Redis, so all replicas share one budget per address.
 * Each limited route has its own budget (signup and login are counted separately).
 */
export async function registerAuthRateLimit(
  app: FastifyInstance,
  config: Readonly<Config>,
  redis: Redis | null,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: config.authRateLimitPerMin,
    timeWindow: 60_000,
    ...(redis ? { redis, nameSpace: `${config.redisKeyPrefix}rate-limit:` } : {}),
    // A Redis outage must not lock everyone out of their accounts.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        429,
        'rate_limited',
        `Too many attempts from your address; try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
}
