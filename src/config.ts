import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Type, { type TStringOptions } from 'typebox';
import { Format } from 'typebox/format';
import { type Env, readEnv, type Settings, type VariableOptions } from './env.js';

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

Format.Set('http-url', (value) => isHttpUrl(value));
Format.Set('database-url', (value) => parseDatabaseUrl(value) !== null);

const integer = (minimum: number, maximum: number, fallback: number) =>
  Type.Integer({ minimum, maximum, default: fallback });
const text = (options: TStringOptions & VariableOptions = {}) => Type.String(options);
const httpUrl = () => text({ format: 'http-url', expected: 'an http(s) URL' });

/**
 * Every environment variable the service reads, with its default. A variable appears in Config
 * under its camelCase name (PORT → port); the few whose default depends on another variable are
 * optional here and completed by loadConfig. README and .env.example document each.
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  PORT: integer(0, 65535, 3000),
  HOST: text({ default: '0.0.0.0' }),
  /** Default: http://localhost:$PORT. */
  PUBLIC_URL: Type.Optional(httpUrl()),
  TRUST_PROXY: text({ default: 'false' }),
  /**
   * Browser origins allowed to call the API: `*`, or a comma list of origins (a port may be `*`).
   * Default: PUBLIC_URL's origin, plus http://localhost:* and http://127.0.0.1:* outside production.
   */
  CORS_ORIGINS: Type.Optional(text()),
  /** Default: silent under NODE_ENV=test, else info. */
  LOG_LEVEL: Type.Optional(
    Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ),
  /** Default: pretty when stdout is a terminal outside production, else json (src/http/logging.ts). */
  LOG_FORMAT: Type.Optional(Type.Enum(['json', 'pretty'])),
  DATA_DIR: text({ default: './data' }),
  /** Default: sqlite:$DATA_DIR/photogram.db. */
  DATABASE_URL: Type.Optional(
    text({
      format: 'database-url',
      expected: 'sqlite:<file> or mysql://user:password@host:port/database',
    }),
  ),
  /**
   * Connections each process keeps to MySQL/MariaDB (SQLite has one). docs/BENCHMARKS.md has the
   * measurement behind the default; the database's max_connections must cover every process.
   */
  DATABASE_POOL_SIZE: integer(1, 1000, 10),
  /** Required on MySQL and in production; otherwise generated once into DATA_DIR. */
  JWT_SECRET: Type.Optional(
    text({ minLength: 32, expected: 'at least 32 characters', secret: true }),
  ),
  ACCESS_TOKEN_TTL_SECONDS: integer(30, 86_400, 900),
  /** Key of the HMAC that signs private and story media URLs; default: derived from JWT_SECRET. */
  MEDIA_URL_SECRET: Type.Optional(
    text({ minLength: 32, expected: 'at least 32 characters', secret: true }),
  ),
  /** How long a signed media URL works (private accounts' and stories' media). */
  MEDIA_URL_TTL_SECONDS: integer(60, 7 * 86_400, 3600),
  REFRESH_TOKEN_TTL_SECONDS: integer(60, 365 * 86_400, 30 * 86_400),
  /** Default: $DATA_DIR/media. */
  MEDIA_DIR: Type.Optional(text()),
  /** The built web app served at `/` (npm start builds it when missing or stale). */
  WEB_DIST_DIR: text({ default: 'web/dist' }),
  S3_BUCKET: Type.Optional(text()),
  S3_ENDPOINT: Type.Optional(httpUrl()),
  S3_REGION: text({ default: 'us-east-1' }),
  S3_ACCESS_KEY_ID: Type.Optional(text()),
  S3_SECRET_ACCESS_KEY: Type.Optional(text({ secret: true })),
  S3_PUBLIC_URL: Type.Optional(httpUrl()),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),
  REDIS_URL: Type.Optional(text({ pattern: '^rediss?://', expected: 'redis://host:port' })),
  /** Prefix of every Redis key this service writes (lets deployments and test runs share a Redis). */
  REDIS_KEY_PREFIX: text({ default: 'photogram:' }),
  AUTH_RATE_LIMIT_PER_MIN: integer(1, 100_000, 10),
  /** Writes (POST/PUT/PATCH/DELETE) per account per 5 minutes; 0: unlimited. */
  WRITE_RATE_LIMIT_PER_5MIN: integer(0, 1_000_000, 300),
  /** Uploads (POST /media, PUT /me/profile-image) per account per 30 minutes; 0: unlimited. */
  UPLOAD_RATE_LIMIT_PER_30MIN: integer(0, 1_000_000, 30),
  STORY_TTL_SECONDS: integer(1, 30 * 86_400, 86_400),
  TEST_CLOCK: Type.Boolean({ default: false }),
  /** Default: on unless NODE_ENV=production. */
  SERVER_TIMING: Type.Optional(Type.Boolean()),
  /** How GET /feed is computed: the materialised home timeline, or fan-out on read. */
  FEED_MODE: Type.Enum(['timeline', 'read'], { default: 'timeline' }),
  /** Authors with more accepted followers than this are merged into feeds at read time. */
  TIMELINE_FANOUT_MAX_FOLLOWERS: integer(0, 10_000_000, 10_000),
  /** Port of the separate Prometheus listener (GET /metrics); unset = no metrics. */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /** Background jobs this process runs at once (src/jobs/); 0 for a web-only replica. */
  JOB_CONCURRENCY: integer(0, 64, 2),
  /** Seconds between the comment lines that keep GET /notifications/stream open through proxies. */
  SSE_HEARTBEAT_SECONDS: integer(1, 3600, 25),
  /** How long POST /media waits for a video's transcode before answering 202 (processing). */
  MEDIA_SYNC_WAIT_MS: integer(0, 600_000, 10_000),
  /** Video transcodes this process runs at once (each uses about one core, reniced). */
  VIDEO_CONCURRENCY: integer(1, 16, 1),
  /** Where mail goes (verification, password reset); unset: written as .eml files to $DATA_DIR/mail. */
  SMTP_URL: Type.Optional(
    text({
      pattern: '^smtps?://',
      expected: 'smtp://user:password@host:587 or smtps://…:465',
      secret: true,
    }),
  ),
  MAIL_FROM: text({ minLength: 3, default: 'Photogram <no-reply@localhost>' }),
});

type EnvSettings = Settings<typeof EnvSchema>;

/** Settings loadConfig completes from other variables (or groups, like s3). */
interface DerivedSettings {
  databaseUrl: string;
  database: DatabaseConfig;
  publicUrl: string;
  logLevel: NonNullable<EnvSettings['logLevel']>;
  /** CORS_ORIGINS entries (src/http/cors.ts). */
  corsOrigins: string[];
  jwtSecret: string;
  mediaUrlSecret: string;
  dataDir: string;
  mediaDir: string;
  webDistDir: string;
  s3: S3Config | null;
  redisUrl: string | null;
  /** Passed to fastify's trustProxy: false, true, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string;
  serverTiming: boolean;
  /** null = no metrics listener. */
  metricsPort: number | null;
  /** null: mails are written to mailDir instead of sent. */
  smtpUrl: string | null;
  mailDir: string;
}

export type Config = Omit<EnvSettings, keyof DerivedSettings | `s3${string}`> & DerivedSettings;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every setting once; reports all bad variables together rather than the first. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const { settings, problems } = readEnv(EnvSchema, env);
  const production = settings.nodeEnv === 'production';
  const { dataDir, databaseUrl, database } = whereTheDatabaseIs(settings);

  if (!settings.jwtSecret && (database.dialect === 'mysql' || production)) {
    problems.push('JWT_SECRET: required when running on MySQL or with NODE_ENV=production');
  }
  if (settings.testClock && production) {
    problems.push('TEST_CLOCK: must not be enabled with NODE_ENV=production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const jwtSecret = settings.jwtSecret ?? developmentJwtSecret(dataDir);
  const publicUrl = (settings.publicUrl ?? `http://localhost:${settings.port}`).replace(/\/+$/, '');

  const {
    s3Bucket,
    s3Endpoint,
    s3Region,
    s3AccessKeyId,
    s3SecretAccessKey,
    s3PublicUrl,
    s3ForcePathStyle,
    ...rest
  } = settings;
  return Object.freeze({
    ...rest,
    databaseUrl,
    database,
    publicUrl,
    corsOrigins: settings.corsOrigins
      ? settings.corsOrigins
          .split(',')
          .map((entry) => entry.trim().replace(/\/+$/, ''))
          .filter(Boolean)
      : [
          new URL(publicUrl).origin,
          ...(production ? [] : ['http://localhost:*', 'http://127.0.0.1:*']),
        ],
    logLevel: settings.logLevel ?? (settings.nodeEnv === 'test' ? 'silent' : 'info'),
    jwtSecret,
    mediaUrlSecret: settings.mediaUrlSecret ?? jwtSecret,
    dataDir,
    mediaDir: path.resolve(settings.mediaDir ?? path.join(dataDir, 'media')),
    webDistDir: path.resolve(settings.webDistDir),
    s3: s3Bucket
      ? {
          bucket: s3Bucket,
          endpoint: s3Endpoint,
          region: s3Region,
          accessKeyId: s3AccessKeyId,
          secretAccessKey: s3SecretAccessKey,
          publicUrl: s3PublicUrl?.replace(/\/+$/, ''),
          forcePathStyle: s3ForcePathStyle,
        }
      : null,
    redisUrl: settings.redisUrl ?? null,
    trustProxy: parseTrustProxy(settings.trustProxy),
    serverTiming: settings.serverTiming ?? !production,
    metricsPort: settings.metricsPort ?? null,
    smtpUrl: settings.smtpUrl ?? null,
    mailDir: path.join(dataDir, 'mail'),
  });
}

export type DatabaseSettings = Pick<Config, 'dataDir' | 'databaseUrl' | 'database'>;

/**
 * Only what reaching the database needs (DATA_DIR, DATABASE_URL), for tools such as migrations
 * that must not require the server's other settings (JWT_SECRET).
 */
export function loadDatabaseConfig(env: Env = process.env): DatabaseSettings {
  const { settings, problems } = readEnv(Type.Pick(EnvSchema, ['DATA_DIR', 'DATABASE_URL']), env);
  if (problems.length > 0) throw new ConfigError(problems);
  return whereTheDatabaseIs(settings);
}

function whereTheDatabaseIs(settings: { dataDir: string; databaseUrl?: string }): DatabaseSettings {
  const dataDir = path.resolve(settings.dataDir);
  const databaseUrl = settings.databaseUrl ?? `sqlite:${path.join(dataDir, 'photogram.db')}`;
  // An invalid URL has been reported as a problem by then; the fallback only keeps types simple.
  const database = parseDatabaseUrl(databaseUrl) ?? { dialect: 'sqlite', file: ':memory:' };
  return { dataDir, databaseUrl, database };
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

/** Development convenience: a secret generated once and kept beside the SQLite file. */
function developmentJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  } catch (error) {
    throw new ConfigError([
      `DATA_DIR: cannot keep the development JWT secret in ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make ${dataDir} writable or set JWT_SECRET`,
    ]);
  }
}
