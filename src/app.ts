import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { type Clock, createClock } from './clock.js';
import type { Config } from './config.js';
import { type Db, createDb, onStatement } from './db/client.js';
import type { AppDeps } from './deps.js';
import { type Authenticate, registerAuth } from './http/auth.js';
import { frameworkErrorOptions, registerErrorHandling } from './http/error-handler.js';
import { registerCors } from './http/cors.js';
import { registerIdempotency } from './http/idempotency.js';
import { type Metrics, registerRequestMetrics } from './http/metrics.js';
import { registerOpenApi } from './http/openapi.js';
import { registerPasswordAttemptLimits } from './http/password-attempts.js';
import { trackInFlightRequests } from './http/in-flight.js';
import { loggerOptions, OneLinePerRequest } from './http/logging.js';
import { originOf, registerSecurityHeaders } from './http/security-headers.js';
import { registerQueryStats } from './http/server-timing.js';
import { registerValidation } from './http/validation.js';
import { registerWebApp } from './http/web-app.js';
import { registerWriteLimits } from './http/write-limits.js';
import { verifyAccessToken } from './modules/auth/access-token.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { createSessionCheck } from './modules/auth/session-check.js';
import { blocksRoutes } from './modules/blocks/blocks.routes.js';
import { closeFriendsRoutes } from './modules/close-friends/close-friends.routes.js';
import { commentsRoutes } from './modules/comments/comments.routes.js';
import { feedRoutes } from './modules/feed/feed.routes.js';
import { followsRoutes } from './modules/follows/follows.routes.js';
import { hashtagsRoutes } from './modules/hashtags/hashtags.routes.js';
import { insightsRoutes } from './modules/insights/insights.routes.js';
import { highlightsRoutes } from './modules/highlights/highlights.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import {
  idempotencyStore,
  idempotencyJobHandlers,
  PRUNE_IDEMPOTENCY_KEYS,
} from './modules/idempotency/idempotency.service.js';
import { mastodonApi } from './modules/mastodon/mastodon.plugin.js';
import { authenticateOAuthToken, isOAuthToken } from './modules/oauth/oauth.service.js';
import { likesRoutes } from './modules/likes/likes.routes.js';
import { locationsRoutes } from './modules/locations/locations.routes.js';
import { mediaFileRoutes } from './modules/media/media-files.routes.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import { mediaJobHandlers, SWEEP_MEDIA } from './modules/media/media.jobs.js';
import { moderationRoutes } from './modules/moderation/moderation.routes.js';
import { createNotificationBus } from './modules/notifications/notification-bus.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { postsRoutes } from './modules/posts/posts.routes.js';
import { reelsRoutes } from './modules/reels/reels.routes.js';
import { savesRoutes } from './modules/saves/saves.routes.js';
import { storiesRoutes } from './modules/stories/stories.routes.js';
import { ARCHIVE_EXPIRED_STORIES, storiesJobHandlers } from './modules/stories/stories.jobs.js';
import { tagsRoutes } from './modules/tags/tags.routes.js';
import { testClockRoutes } from './modules/testing/test-clock.routes.js';
import { createMediaSigner } from './media/signed-url.js';
import { createStorage, type Storage } from './media/storage.js';
import { queueByKind } from './jobs/jobs.repository.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { toDbTime, toIso } from './db/time.js';
import { jobsRetentionHandlers, PRUNE_FINISHED_JOBS, startSchedule } from './jobs/schedule.js';
import { authJobHandlers, PRUNE_REFRESH_TOKENS } from './modules/auth/auth.jobs.js';
import { mailJobHandlers } from './modules/mail/mail.jobs.js';
import { PRUNE_REELS_SERVED, reelsJobHandlers } from './modules/reels/reels.jobs.js';
import { createMailer } from './modules/mail/mailer.js';
import { hiddenWordsRoutes } from './modules/hidden-words/hidden-words.routes.js';
import { timelineJobHandlers } from './modules/timeline/timeline.jobs.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { closeRedis, connectRedis } from './redis.js';

/** Within close-with-grace's 10 s (src/server.ts), leaving time for the rest of the close. */
const REQUEST_DRAIN_MS = 8_000;
const HOUR_MS = 3600_000;

export interface BuildAppOptions {
  /** Supply an existing database (tests); otherwise one is opened from config and closed with the app. */
  db?: Db;
  clock?: Clock;
  storage?: Storage;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
  /** Request and SQL metrics to record (src/server.ts serves them on METRICS_PORT). */
  metrics?: Metrics;
}

export type App = FastifyInstance;

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's job workers (src/jobs/). */
    jobs: JobRunner;
  }
}

/** Builds the whole service without listening: infrastructure, then app plugins, then routes. */
export async function buildApp(
  config: Readonly<Config>,
  options: BuildAppOptions = {},
): Promise<App> {
  const app = Fastify({
    logger: {
      ...(await loggerOptions(config)),
      ...(options.logStream && { stream: options.logStream }),
    },
    logController: new OneLinePerRequest(),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: config.trustProxy as boolean | string,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    ...frameworkErrorOptions,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = options.db ?? createDb(config.database, { mysqlPoolSize: config.databasePoolSize });
  // Every database, whoever opened it (src/server.ts opens its own to wait and migrate first).
  const stopLoggingSqlErrors = onStatement(db, (event) => {
    if (event.level === 'error') {
      app.log.warn({ err: event.error, sql: event.query.sql }, 'sql statement failed');
    }
  });
  app.addHook('onClose', async () => stopLoggingSqlErrors());
  if (options.metrics) {
    const stopCountingStatements = onStatement(db, options.metrics.observeStatement);
    app.addHook('onClose', async () => stopCountingStatements());
    registerRequestMetrics(app, options.metrics);
  }
  const storage = options.storage ?? createStorage(config);
  const clock = options.clock ?? createClock();
  const mediaSigner = createMediaSigner(config.mediaUrlSecret, config.mediaUrlTtlSeconds);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, app.log) : null;
  const deps: AppDeps = {
    config,
    db,
    clock,
    storage,
    // Disk: an HMAC the file route checks; S3: a presigned GET (plain without static keys).
    mediaUrl: (key, signed = false) => {
      if (!signed) return storage.url(key);
      if (storage.driver === 'disk')
        return `${storage.url(key)}?${mediaSigner.sign(key, clock.now())}`;
      const { signedAt, expiresSeconds } = mediaSigner.window(clock.now());
      return storage.presignedUrl?.(key, signedAt, expiresSeconds) ?? storage.url(key);
    },
    mediaSigner,
    jobs: { wake: () => jobs.wake(), runNow: (ids) => jobs.runNow(ids) },
    redis,
    notifications: createNotificationBus(redis, `${config.redisKeyPrefix}notifications`, app.log),
    sessions: createSessionCheck(db, redis, `${config.redisKeyPrefix}sessions:ended`, app.log),
  };
  const mailer = createMailer(config, app.log);
  if (!config.smtpUrl && config.nodeEnv === 'production') {
    app.log.warn(`SMTP_URL is not set: mails are written to ${config.mailDir} instead of sent.`);
  }
  app.addHook('onClose', async () => mailer.close());
  const jobs = createJobRunner({
    db,
    handlers: {
      ...mailJobHandlers({ config, mailer }),
      ...timelineJobHandlers(deps),
      ...mediaJobHandlers(deps, app.log),
      ...authJobHandlers(deps),
      ...idempotencyJobHandlers(deps),
      ...storiesJobHandlers(deps),
      ...reelsJobHandlers(deps),
      ...jobsRetentionHandlers(db, () => clock.now()),
    },
    concurrency: config.jobConcurrency,
    now: () => clock.now(),
    onError: (err, job) => app.log.error({ err, job }, 'background job failed'),
    onRun: options.metrics?.observeJob,
  });
  options.metrics?.watchQueue(async () => {
    const now = clock.now();
    return (await queueByKind(db, toDbTime(now))).map((state) => ({
      kind: state.kind,
      depth: state.depth,
      oldestAgeSeconds:
        state.oldestDue === null
          ? 0
          : Math.max(0, (now.getTime() - new Date(toIso(state.oldestDue)).getTime()) / 1000),
    }));
  });
  app.decorate('jobs', jobs);
  if (!options.db) app.addHook('onClose', async () => db.destroy());
  if (redis) app.addHook('onClose', async () => closeRedis(redis));
  if (!options.storage) app.addHook('onClose', async () => storage.close());
  // Running requests and running jobs finish before the database closes (preClose also covers
  // a database closed by the caller's own hook). New requests are already answered 503 by then;
  // no new job is claimed: queued jobs wait in the table for another process or the restart.
  const requests = trackInFlightRequests(app);
  // Live streams never end by themselves: they end first, so requests can drain.
  app.addHook('preClose', async () => deps.notifications.close());
  app.addHook('onClose', async () => deps.sessions.close());
  app.addHook('preClose', async () => {
    const [drained] = await Promise.all([
      requests.drained(REQUEST_DRAIN_MS),
      jobs.stop(REQUEST_DRAIN_MS),
    ]);
    if (!drained) {
      app.log.warn(`requests still running after ${REQUEST_DRAIN_MS} ms; closing anyway`);
    }
  });

  // Infrastructure, in a fixed order.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  // Before Server-Timing: its onSend (storing the answer to a key) is then counted in the header.
  registerIdempotency(app, { store: idempotencyStore(deps), now: () => clock.now() });
  registerQueryStats(app, config.serverTiming);
  registerErrorHandling(app);
  registerValidation(app);
  // Where the web app loads media from: plain URLs, and on S3 presigned ones (the bucket's own
  // endpoint, which differs from S3_PUBLIC_URL behind a CDN).
  const sampleKey = `00/00/${'0'.repeat(64)}.jpg`;
  registerSecurityHeaders(app, [
    ...originOf(storage.url('x')),
    ...originOf(storage.presignedUrl?.(sampleKey, clock.now(), 60) ?? ''),
  ]);
  await registerCors(app, config.corsOrigins);
  await registerOpenApi(app);

  // App plugins.
  const authenticate: Authenticate = async (token) => {
    if (isOAuthToken(token)) return authenticateOAuthToken(db, token);
    const claims = await verifyAccessToken(config.jwtSecret, token, deps.clock.now());
    // A deactivated or suspended account's unexpired tokens, and those of a session that was
    // logged out, revoked or ended by a password change, stop working at once on every replica:
    // one statement per request, or none while the session is cached (src/modules/auth/session-check.ts).
    if (!claims || !(await deps.sessions.isLive(claims.userId, claims.sessionId))) return null;
    return { id: claims.userId, sessionId: claims.sessionId };
  };
  registerAuth(app, authenticate);
  if (config.testClock) {
    app.log.warn(
      "TEST_CLOCK=1: POST /api/v1/test/clock can move this server's time. Never enable this in production.",
    );
  }

  // Routes.
  await app.register(healthRoutes(deps));
  await app.register(mediaFileRoutes(deps));
  await app.register(
    async (api) => {
      // Before the routes, after the auth hook: counted per account.
      await registerWriteLimits(api, {
        writesPer5Min: config.writeRateLimitPer5min,
        uploadsPer30Min: config.uploadRateLimitPer30min,
        redis,
        redisKeyPrefix: config.redisKeyPrefix,
      });
      await registerPasswordAttemptLimits(api, {
        perMinute: config.authRateLimitPerMin,
        redis,
        redisKeyPrefix: config.redisKeyPrefix,
      });
      if (config.testClock) await api.register(testClockRoutes(deps));
      await api.register(authRoutes(deps));
      await api.register(usersRoutes(deps));
      await api.register(followsRoutes(deps));
      await api.register(storiesRoutes(deps));
      await api.register(closeFriendsRoutes(deps));
      await api.register(highlightsRoutes(deps));
      await api.register(insightsRoutes(deps));
      await api.register(mediaRoutes(deps));
      await api.register(postsRoutes(deps));
      await api.register(locationsRoutes(deps));
      await api.register(likesRoutes(deps));
      await api.register(savesRoutes(deps));
      await api.register(commentsRoutes(deps));
      await api.register(feedRoutes(deps));
      await api.register(reelsRoutes(deps));
      await api.register(notificationsRoutes(deps));
      await api.register(blocksRoutes(deps));
      await api.register(hashtagsRoutes(deps));
      await api.register(tagsRoutes(deps));
      await api.register(hiddenWordsRoutes(deps));
      await api.register(moderationRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
  await app.register(mastodonApi(deps));
  await registerWebApp(app, config.webDistDir);

  // Retention, queued as jobs by whichever replica's tick comes first; stopped with the app.
  const stopSchedule = startSchedule(
    db,
    [
      SWEEP_MEDIA,
      PRUNE_REFRESH_TOKENS,
      PRUNE_IDEMPOTENCY_KEYS,
      PRUNE_FINISHED_JOBS,
      ARCHIVE_EXPIRED_STORIES,
      PRUNE_REELS_SERVED,
    ].map((kind) => ({
      kind,
      everyMs: HOUR_MS,
    })),
    {
      now: () => clock.now(),
      onQueued: () => jobs.wake(),
      onError: (err) => app.log.error({ err }, 'job schedule: could not queue retention jobs'),
    },
  );
  app.addHook('preClose', stopSchedule);
  return app;
}
