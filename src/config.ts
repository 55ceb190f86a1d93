import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type DatabaseConfig =
  { dialect: 'sqlite'; file: string } | { dialect: 'mysql'; url: string };

export interface S3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  publicUrl?: string;
  forcePathStyle: boolean;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  databaseUrl: string;
  database: DatabaseConfig;
  dataDir: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  mediaDir: string;
  /** The built web app served at `/` (npm start builds it when missing or stale). */
  webDistDir: string;
  s3: S3Config | null;
  redisUrl: string | null;
  /** Prefix of every Redis key this service writes (lets deployments and test runs share a Redis). */
  redisKeyPrefix: string;
  publicUrl: string;
  authRateLimitPerMin: number;
  /** Writes (POST/PUT/PATCH/DELETE) per account per 5 minutes; 0: unlimited. */
  writeRateLimitPer5Min: number;
  /** Uploads (POST /media, PUT /me/profile-image) per account per 30 minutes; 0: unlimited. */
  uploadRateLimitPer30Min: number;
  storyTtlSeconds: number;
  testClock: boolean;
  /** Passed to fastify's trustProxy: false, true, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string;
  serverTiming: boolean;
  corsOrigin: string;
  /** How GET /feed is computed: the materialised home timeline, or fan-out on read. */
  feedMode: 'timeline' | 'read';
  /** Authors with more accepted followers than this are merged into feeds at read time. */
  timelineFanoutMaxFollowers: number;
  /** Port of the separate Prometheus listener (GET /metrics); null = no metrics. */
  metricsPort: number | null;
  /** Background jobs this process runs at once (src/jobs/); 0 for a web-only replica. */
  jobConcurrency: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses every setting once; reports all bad variables together rather than the first. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const str = (name: string, fallback: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = str(name, String(fallback));
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = str(name, fallback ? '1' : '0').toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name}: expected 1/0/true/false, got "${raw}"`);
    return fallback;
  };

  const nodeEnvRaw = str('NODE_ENV', 'development');
  const nodeEnv = (['development', 'production', 'test'] as const).find((e) => e === nodeEnvRaw);
  if (!nodeEnv)
    problems.push(`NODE_ENV: expected development, production or test, got "${nodeEnvRaw}"`);

  const dataDir = path.resolve(str('DATA_DIR', './data'));
  const databaseUrl = str('DATABASE_URL', `sqlite:${path.join(dataDir, 'photogram.db')}`);
  const database = parseDatabaseUrl(databaseUrl);
  if (!database) {
    problems.push(
      `DATABASE_URL: expected sqlite:<file> or mysql://user:password@host:port/database, got "${redact(databaseUrl)}"`,
    );
  }

  const port = int('PORT', 3000, 0, 65535);
  const publicUrl = str('PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl))
    problems.push(`PUBLIC_URL: expected an http(s) URL, got "${publicUrl}"`);

  const logLevel = str('LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(
      `LOG_LEVEL: expected fatal, error, warn, info, debug, trace or silent, got "${logLevel}"`,
    );
  }

  const jwtSecret = env.JWT_SECRET?.trim() ?? '';
  if (jwtSecret && jwtSecret.length < 32)
    problems.push('JWT_SECRET: must be at least 32 characters');
  if (!jwtSecret && (database?.dialect === 'mysql' || nodeEnv === 'production')) {
    problems.push('JWT_SECRET: required when running on MySQL or with NODE_ENV=production');
  }

  const s3Bucket = str('S3_BUCKET', '');
  const s3: S3Config | null = s3Bucket
    ? {
        bucket: s3Bucket,
        endpoint: env.S3_ENDPOINT?.trim() || undefined,
        region: str('S3_REGION', 'us-east-1'),
        accessKeyId: env.S3_ACCESS_KEY_ID?.trim() || undefined,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY?.trim() || undefined,
        publicUrl: env.S3_PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined,
        forcePathStyle: bool('S3_FORCE_PATH_STYLE', true),
      }
    : null;
  if (s3?.endpoint && !isHttpUrl(s3.endpoint))
    problems.push(`S3_ENDPOINT: expected an http(s) URL`);

  const redisUrl = str('REDIS_URL', '') || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push(`REDIS_URL: expected redis://host:port, got "${redact(redisUrl)}"`);
  }

  const config: Config = {
    nodeEnv: nodeEnv ?? 'development',
    port,
    host: str('HOST', '0.0.0.0'),
    logLevel,
    databaseUrl,
    database: database ?? { dialect: 'sqlite', file: ':memory:' },
    dataDir,
    jwtSecret,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    mediaDir: path.resolve(str('MEDIA_DIR', path.join(dataDir, 'media'))),
    webDistDir: path.resolve(str('WEB_DIST_DIR', 'web/dist')),
    s3,
    redisUrl,
    redisKeyPrefix: str('REDIS_KEY_PREFIX', 'photogram:'),
    publicUrl,
    authRateLimitPerMin: int('AUTH_RATE_LIMIT_PER_MIN', 10, 1, 100_000),
    writeRateLimitPer5Min: int('WRITE_RATE_LIMIT_PER_5MIN', 300, 0, 1_000_000),
    uploadRateLimitPer30Min: int('UPLOAD_RATE_LIMIT_PER_30MIN', 30, 0, 1_000_000),
    storyTtlSeconds: int('STORY_TTL_SECONDS', 86_400, 1, 30 * 86_400),
    testClock: bool('TEST_CLOCK', false),
    trustProxy: parseTrustProxy(str('TRUST_PROXY', 'false')),
    serverTiming: bool('SERVER_TIMING', nodeEnv !== 'production'),
    corsOrigin: str('CORS_ORIGIN', '*'),
    feedMode: 'timeline',
    timelineFanoutMaxFollowers: int('TIMELINE_FANOUT_MAX_FOLLOWERS', 10_000, 0, 10_000_000),
    metricsPort: str('METRICS_PORT', '') === '' ? null : int('METRICS_PORT', 0, 0, 65535),
    jobConcurrency: int('JOB_CONCURRENCY', 2, 0, 64),
  };
  const feedMode = str('FEED_MODE', 'timeline');
  if (feedMode === 'timeline' || feedMode === 'read') config.feedMode = feedMode;
  else problems.push(`FEED_MODE: expected timeline or read, got "${feedMode}"`);
  if (config.testClock && config.nodeEnv === 'production') {
    problems.push('TEST_CLOCK: must not be enabled with NODE_ENV=production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (!config.jwtSecret) config.jwtSecret = developmentJwtSecret(dataDir);
  return Object.freeze(config);
}

function parseDatabaseUrl(url: string): DatabaseConfig | null {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) return null;
    return { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    try {
      const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
      if (!parsed.hostname || parsed.pathname.length < 2) return null;
      return { dialect: 'mysql', url: parsed.toString() };
    } catch {
      return null;
    }
  }
  return null;
}

function parseTrustProxy(raw: string): boolean | number | string {
  const lower = raw.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function isHttpUrl(value: string) {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** Development convenience: a secret generated once and kept beside the SQLite file. */
function developmentJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
