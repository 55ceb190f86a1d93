import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logFormat } from './logging.js';

test('pretty lines at a terminal outside production, JSON otherwise, LOG_FORMAT wins', () => {
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: undefined }, true), 'pretty');
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: undefined }, false), 'json');
  assert.equal(logFormat({ nodeEnv: 'production', logFormat: undefined }, true), 'json');
  assert.equal(logFormat({ nodeEnv: 'production', logFormat: 'pretty' }, false), 'pretty');
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: 'json' }, true), 'json');
});
