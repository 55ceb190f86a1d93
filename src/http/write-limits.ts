import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Also counts against the per-account upload limit (UPLOAD_RATE_LIMIT_PER_30MIN). */
    upload?: boolean;
  }
}

export interface WriteLimitOptions {
  /** Writes per account per 5 minutes; 0: unlimited. */
  writesPer5Min: number;
  /** Uploads per account per 30 minutes; 0: unlimited. */
  uploadsPer30Min: number;
  /** Shared counters for all replicas; null: counted in this process. */
  redis: Redis | null;
  redisKeyPrefix: string;
}

interface Budget {
  name: string;
  minutes: number;
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
}
type Count = (request: FastifyRequest) => Promise<Budget | null>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MINUTE_MS = 60_000;

/**
 * Per-account write limits, as Mastodon counts them: every authenticated POST/PUT/PATCH/DELETE
 * counts against one budget per 5 minutes, and uploads (routes with `config.upload`) also
 * against one per 30 minutes. Registered after the auth hook (keyed by account, so it runs
 * once the caller is known) and before the body is read (a refused upload is not received).
 * Signup and login have no account yet: they keep their per-address limit (auth/rate-limit.ts).
 * Every answer of a counted request says where it stands (X-RateLimit-*; of two budgets, the
 * tighter one); past a budget it is a 429 `rate_limited` problem with Retry-After.
 */
export async function registerWriteLimits(
  app: FastifyInstance,
  options: WriteLimitOptions,
): Promise<void> {
  const writes = await accountCounter(app, 'write', options.writesPer5Min, 5 * MINUTE_MS, options);
  const uploads = await accountCounter(
    app,
    'upload',
    options.uploadsPer30Min,
    30 * MINUTE_MS,
    options,
  );
  if (!writes && !uploads) return;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.actor || !WRITE_METHODS.has(request.method)) return;
    const counted = await Promise.all([
      writes?.(request),
      request.routeOptions.config.upload ? uploads?.(request) : undefined,
    ]);
    const budget = tightest(counted.filter((b): b is Budget => !!b));
    if (!budget) return;
    reply.header('X-RateLimit-Limit', budget.max);
    reply.header('X-RateLimit-Remaining', budget.remaining);
    reply.header('X-RateLimit-Reset', budget.ttlInSeconds);
    if (!budget.isExceeded) return;
    reply.header('Retry-After', budget.ttlInSeconds);
    throw new AppError(
      429,
      'rate_limited',
      `Too many ${budget.name}s from your account: at most ${budget.max} per ${budget.minutes} minutes; try again in ${budget.ttlInSeconds} s.`,
    );
  });
}

/** Exceeded first, then fewest left; of equals, the one that frees up last binds longest. */
function tightest(budgets: Budget[]): Budget | undefined {
  return budgets.reduce<Budget | undefined>((tight, b) => {
    if (!tight) return b;
    if (b.isExceeded !== tight.isExceeded) return b.isExceeded ? b : tight;
    if (b.remaining !== tight.remaining) return b.remaining < tight.remaining ? b : tight;
    return b.ttlInSeconds > tight.ttlInSeconds ? b : tight;
  }, undefined);
}

/**
 * One budget per account through @fastify/rate-limit's store (in-process, or Redis under its own
 * key prefix). Each budget registers the plugin in a scope of its own, so its counters are keyed
 * `<prefix><name>-limit:<account id>` and never mix with the other budget's or the auth limits.
 */
async function accountCounter(
  app: FastifyInstance,
  name: string,
  max: number,
  timeWindow: number,
  options: WriteLimitOptions,
): Promise<Count | null> {
  if (max === 0) return null;
  let count: Count | null = null;
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      max,
      timeWindow,
      keyGenerator: (request) => String(request.actor?.id),
      ...(options.redis
        ? { redis: options.redis, nameSpace: `${options.redisKeyPrefix}${name}-limit:` }
        : {}),
      // A Redis outage lets writes through rather than refusing every one.
      skipOnError: true,
    });
    const limiter = scope.createRateLimit();
    count = async (request) => {
      const result = await limiter(request);
      return result.isAllowed ? null : { name, minutes: timeWindow / MINUTE_MS, ...result };
    };
  });
  return count;
}
