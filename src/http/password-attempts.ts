import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route checks a password (an argon2 hash each time): its attempts are limited per
     * account and per client address (PASSWORD_ATTEMPTS_PER_MIN = AUTH_RATE_LIMIT_PER_MIN).
     */
    verifiesPassword?: boolean | ((request: FastifyRequest) => boolean);
  }
}

export interface PasswordAttemptOptions {
  perMinute: number;
  redis: Redis | null;
  redisKeyPrefix: string;
}

/**
 * The account a password attempt is against: the caller, or on login the name or email typed
 * (lowercased by the route), whether or not such an account exists.
 */
function accountKey(request: FastifyRequest): string | null {
  if (request.actor) return `user:${request.actor.id}`;
  const body = request.body as { username?: unknown } | undefined;
  return typeof body?.username === 'string' ? `login:${body.username}` : null;
}

/**
 * Every route that verifies a password counts its attempts twice, per account and per client
 * address, each against PER_MIN in a minute: guessing one account's password from many
 * addresses, or many accounts' from one address, stops after that many tries, and a burst of
 * wrong passwords cannot keep the server busy hashing. Runs as a preHandler (the body names the
 * account on login), before the handler hashes anything. Routes that already count per address
 * (`config.rateLimit`, login) are only counted here per account.
 */
export async function registerPasswordAttemptLimits(
  app: FastifyInstance,
  options: PasswordAttemptOptions,
): Promise<void> {
  type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
  let byAccount: Limiter | undefined;
  let byAddress: Limiter | undefined;
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      max: options.perMinute,
      timeWindow: 60_000,
      ...(options.redis
        ? { redis: options.redis, nameSpace: `${options.redisKeyPrefix}password-limit:` }
        : {}),
      // A Redis outage must not lock everyone out of their accounts.
      skipOnError: true,
    });
    byAccount = scope.createRateLimit({ keyGenerator: (r) => accountKey(r) ?? '' });
    byAddress = scope.createRateLimit({ keyGenerator: (r) => `ip:${r.ip}` });
  });

  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config;
    const verifies = config.verifiesPassword;
    if (!verifies || (typeof verifies === 'function' && !verifies(request))) return;
    const results = await Promise.all([
      accountKey(request) === null ? undefined : byAccount!(request),
      config.rateLimit ? undefined : byAddress!(request),
    ]);
    // isAllowed means "on the allow list"; isExceeded is the verdict.
    const refused = results.find((result) => result && !result.isAllowed && result.isExceeded);
    if (!refused || refused.isAllowed) return;
    reply.header('Retry-After', refused.ttlInSeconds);
    throw new AppError(
      429,
      'rate_limited',
      `Too many password attempts; try again in ${refused.ttlInSeconds} s.`,
    );
  });
}
