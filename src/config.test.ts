import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, EnvSchema, loadConfig } from './config.js';
import { camelCase } from './env.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'photogram-config-'));

test('with no configuration it runs on SQLite in the data folder with local media', () => {
  const dir = dataDir();
  const config = loadConfig({ DATA_DIR: dir });
  assert.deepEqual(config.database, { dialect: 'sqlite', file: path.join(dir, 'photogram.db') });
  assert.equal(config.mediaDir, path.join(dir, 'media'));
  assert.equal(config.port, 3000);
  assert.equal(config.authRateLimitPerMin, 10);
  assert.equal(config.writeRateLimitPer5min, 300);
  assert.equal(config.uploadRateLimitPer30min, 30);
  assert.equal(config.storyTtlSeconds, 86_400);
  assert.equal(config.testClock, false);
  assert.equal(config.s3, null);
  assert.ok(Object.isFrozen(config));
});

test('the development JWT secret is generated once and kept in the data folder', () => {
  const dir = dataDir();
  const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
  assert.ok(first.length >= 32);
  assert.equal(loadConfig({ DATA_DIR: dir }).jwtSecret, first);
});

test('every invalid variable is reported at once, by name', () => {
  const error = (() => {
    try {
      loadConfig({
        DATA_DIR: dataDir(),
        DATABASE_URL: 'postgres://nope',
        PORT: 'eighty',
        AUTH_RATE_LIMIT_PER_MIN: '0',
        WRITE_RATE_LIMIT_PER_5MIN: '-1',
        LOG_LEVEL: 'loud',
        TEST_CLOCK: 'maybe',
      });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConfigError);
  const names = error.problems.map((p) => p.split(':')[0]);
  assert.deepEqual(names.sort(), [
    'AUTH_RATE_LIMIT_PER_MIN',
    'DATABASE_URL',
    'LOG_LEVEL',
    'PORT',
    'TEST_CLOCK',
    'WRITE_RATE_LIMIT_PER_5MIN',
  ]);
});

test('MySQL requires an explicit JWT_SECRET and hides the password in messages', () => {
  assert.throws(
    () =>
      loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://app:hunter2@db:3306/photogram' }),
    (e: ConfigError) =>
      e.problems.some((p) => p.startsWith('JWT_SECRET')) && !e.message.includes('hunter2'),
  );
  const config = loadConfig({
    DATA_DIR: dataDir(),
    DATABASE_URL: 'mysql://app:hunter2@db:3306/photogram',
    JWT_SECRET: 'x'.repeat(40),
  });
  assert.equal(config.database.dialect, 'mysql');
});

test('TEST_CLOCK cannot be combined with production', () => {
  assert.throws(
    () =>
      loadConfig({
        DATA_DIR: dataDir(),
        NODE_ENV: 'production',
        TEST_CLOCK: '1',
        JWT_SECRET: 'y'.repeat(40),
      }),
    /TEST_CLOCK/,
  );
});

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

test('each problem says what was expected and what was given', () => {
  assert.deepEqual(
    problemsOf({
      PORT: 'eighty',
      FEED_MODE: 'sideways',
      SERVER_TIMING: 'maybe',
      STORY_TTL_SECONDS: '3.5',
    }).sort(),
    [
      'FEED_MODE: expected timeline or read, got "sideways"',
      'PORT: expected an integer from 0 to 65535, got "eighty"',
      'SERVER_TIMING: expected one of 1/true/yes/on/0/false/no/off, got "maybe"',
      'STORY_TTL_SECONDS: expected an integer from 1 to 2592000, got "3.5"',
    ],
  );
});

test('secrets never appear in messages, and URL passwords are masked', () => {
  const problems = problemsOf({
    JWT_SECRET: 'short-secret',
    REDIS_URL: 'http://user:hunter2@cache:6379',
  });
  assert.deepEqual(problems.sort(), [
    'JWT_SECRET: expected at least 32 characters',
    'REDIS_URL: expected redis://host:port, got "http://user:***@cache:6379"',
  ]);
});

test('values are trimmed, blank means unset, and booleans accept yes/no/on/off', () => {
  const config = loadConfig({
    DATA_DIR: dataDir(),
    PORT: ' 8080 ',
    HOST: '',
    TEST_CLOCK: 'Yes',
    S3_FORCE_PATH_STYLE: 'off',
    S3_BUCKET: 'photos',
    SERVER_TIMING: 'OFF',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.testClock, true);
  assert.equal(config.serverTiming, false);
  assert.deepEqual(config.s3, {
    bucket: 'photos',
    endpoint: undefined,
    region: 'us-east-1',
    accessKeyId: undefined,
    secretAccessKey: undefined,
    publicUrl: undefined,
    forcePathStyle: false,
  });
});

test('defaults that follow other variables', () => {
  const dir = dataDir();
  const development = loadConfig({ DATA_DIR: dir, PORT: '4000' });
  assert.equal(development.publicUrl, 'http://localhost:4000');
  assert.equal(development.logLevel, 'info');
  assert.equal(development.serverTiming, true);
  assert.equal(development.databaseUrl, `sqlite:${path.join(dir, 'photogram.db')}`);
  assert.equal(loadConfig({ DATA_DIR: dir, NODE_ENV: 'test' }).logLevel, 'silent');
  const production = loadConfig({
    DATA_DIR: dir,
    NODE_ENV: 'production',
    JWT_SECRET: 'z'.repeat(40),
    PUBLIC_URL: 'https://photos.example.com//',
    TRUST_PROXY: '2',
  });
  assert.equal(production.serverTiming, false);
  assert.equal(production.publicUrl, 'https://photos.example.com');
  assert.equal(production.trustProxy, 2);
  assert.equal(loadConfig({ DATA_DIR: dir, TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
});

test('every variable of the schema is a setting under its camelCase name', () => {
  const config = loadConfig({ DATA_DIR: dataDir() });
  for (const name of Object.keys(EnvSchema.properties)) {
    if (name.startsWith('S3_')) continue; // grouped under config.s3
    assert.ok(camelCase(name) in config, `${name} → ${camelCase(name)}`);
  }
  assert.equal(camelCase('WRITE_RATE_LIMIT_PER_5MIN'), 'writeRateLimitPer5min');
});

test('an unwritable data folder without JWT_SECRET is a configuration error naming DATA_DIR', () => {
  const file = path.join(dataDir(), 'a-file');
  writeFileSync(file, '');
  assert.deepEqual(
    problemsOf({ DATA_DIR: path.join(file, 'data') }).map((p) => p.split(':')[0]),
    ['DATA_DIR'],
  );
});

test('METRICS_PORT: unset is off, a port turns metrics on, anything else is named', () => {
  assert.equal(loadConfig({ DATA_DIR: dataDir() }).metricsPort, null);
  assert.equal(loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: '9464' }).metricsPort, 9464);
  assert.throws(
    () => loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: 'prometheus' }),
    (e: ConfigError) => e.problems.some((p) => p.startsWith('METRICS_PORT: expected an integer')),
  );
});

test('mail: files in DATA_DIR/mail without SMTP_URL; a bad SMTP_URL is named, never echoed', () => {
  const dir = dataDir();
  const local = loadConfig({ DATA_DIR: dir });
  assert.equal(local.smtpUrl, null);
  assert.equal(local.mailDir, path.join(dir, 'mail'));
  assert.equal(local.mailFrom, 'Photogram <no-reply@localhost>');
  const smtp = loadConfig({
    DATA_DIR: dir,
    SMTP_URL: 'smtps://user:pw@smtp.example.com:465',
    MAIL_FROM: 'Photogram <hi@example.com>',
  });
  assert.equal(smtp.smtpUrl, 'smtps://user:pw@smtp.example.com:465');
  assert.equal(smtp.mailFrom, 'Photogram <hi@example.com>');
  assert.throws(
    () => loadConfig({ DATA_DIR: dir, SMTP_URL: 'http://user:hunter2@smtp.example.com' }),
    (e: ConfigError) =>
      e.problems.some((p) => p.startsWith('SMTP_URL: expected smtp://')) &&
      !e.message.includes('hunter2'),
  );
});
