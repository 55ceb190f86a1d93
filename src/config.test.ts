import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'photogram-config-'));

test('with no configuration it runs on SQLite in the data folder with local media', () => {
  const dir = dataDir();
  const config = loadConfig({ DATA_DIR: dir });
  assert.deepEqual(config.database, { dialect: 'sqlite', file: path.join(dir, 'photogram.db') });
  assert.equal(config.mediaDir, path.join(dir, 'media'));
  assert.equal(config.port, 3000);
  assert.equal(config.authRateLimitPerMin, 10);
  assert.equal(config.writeRateLimitPer5Min, 300);
  assert.equal(config.uploadRateLimitPer30Min, 30);
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

test('METRICS_PORT: unset is off, a port turns metrics on, anything else is named', () => {
  assert.equal(loadConfig({ DATA_DIR: dataDir() }).metricsPort, null);
  assert.equal(loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: '9464' }).metricsPort, 9464);
  assert.throws(
    () => loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: 'prometheus' }),
    (e: ConfigError) => e.problems.some((p) => p.startsWith('METRICS_PORT: expected an integer')),
  );
});
