import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grants } from '../../http/auth.js';
import { parseScopes, withinScopes } from './scopes.js';

test('a parent scope covers its sub-scopes; follow covers the follow-related ones', () => {
  assert.equal(grants(['read'], 'read:statuses'), true);
  assert.equal(grants(['read:statuses'], 'read:statuses'), true);
  assert.equal(grants(['read:statuses'], 'read:accounts'), false);
  assert.equal(grants(['read'], 'write:statuses'), false);
  assert.equal(grants(['follow'], 'write:follows'), true);
  assert.equal(grants(['follow'], 'write:statuses'), false);
  assert.equal(grants(['read:accounts'], 'profile'), true);
  assert.equal(grants(['write'], undefined), false, 'a route without a scope refuses OAuth tokens');
});

test('scopes parse from spaces, pluses already decoded, or arrays; unknown ones fail', () => {
  assert.deepEqual(parseScopes('read write:media'), ['read', 'write:media']);
  assert.deepEqual(parseScopes(['read', 'follow']), ['read', 'follow']);
  assert.deepEqual(parseScopes(''), ['read'], 'Mastodon’s default');
  assert.deepEqual(parseScopes('read read'), ['read']);
  assert.equal(parseScopes('read admin:read'), null);
  assert.equal(withinScopes(['read', 'write'], ['read:statuses', 'write:media']), true);
  assert.equal(withinScopes(['read'], ['write:media']), false);
});
