import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signAccessToken, verifyAccessToken } from './access-token.js';

const secret = 'unit-secret-unit-secret-unit-secret-0123';
const now = new Date('2026-05-01T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed by hand, so every field can be wrong on purpose. */
function forge(header: object, claims: object, key = secret) {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}
const valid = {
  iss: 'photogram',
  typ: 'access',
  sub: '7',
  sid: 3,
  iat: nowSeconds,
  exp: nowSeconds + 60,
};

test('tokens this module signs verify until they expire', async () => {
  const token = await signAccessToken(secret, 42, 900, now, 5);
  assert.deepEqual(await verifyAccessToken(secret, token, now), { userId: 42, sessionId: 5 });
  const later = new Date(now.getTime() + 899_000);
  assert.deepEqual(await verifyAccessToken(secret, token, later), { userId: 42, sessionId: 5 });
  assert.equal(await verifyAccessToken(secret, token, new Date(now.getTime() + 900_000)), null);
  assert.equal(await verifyAccessToken(`${secret}x`, token, now), null);
});

test('a hand-made token with the right fields verifies', async () => {
  assert.deepEqual(await verifyAccessToken(secret, forge({ alg: 'HS256' }, valid), now), {
    userId: 7,
    sessionId: 3,
  });
});

test('anything else is refused', async () => {
  const token = forge({ alg: 'HS256' }, valid);
  const [h, p, s] = token.split('.') as [string, string, string];
  const refused = [
    '',
    'garbage',
    `${h}.${p}`,
    `${h}.${p}.${s}.x`,
    `${h}.${p}.`,
    `${h}.${b64({ ...valid, sub: '8' })}.${s}`,
    `${h}.${p}.${s.slice(0, -2)}`,
    `${h}.${p}.${s}AA`,
    `${h}.${p}.${s.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
    forge({ alg: 'none' }, valid),
    forge({ alg: 'HS512' }, valid),
    forge({ alg: 'HS256', crit: ['x'] }, valid),
    forge({ alg: 'HS256' }, valid, 'another-secret'),
    forge({ alg: 'HS256' }, { ...valid, typ: 'refresh' }),
    forge({ alg: 'HS256' }, { ...valid, iss: 'someone-else' }),
    forge({ alg: 'HS256' }, { ...valid, exp: nowSeconds }),
    forge({ alg: 'HS256' }, { ...valid, exp: String(nowSeconds + 60) }),
    forge({ alg: 'HS256' }, { ...valid, nbf: nowSeconds + 10 }),
    forge({ alg: 'HS256' }, { ...valid, sub: '0' }),
    forge({ alg: 'HS256' }, { ...valid, sub: '1e3' }),
    forge({ alg: 'HS256' }, { ...valid, sub: 7 }),
    forge({ alg: 'HS256' }, { ...valid, sub: '99999999999999999999' }),
    // Every access token names its session (revocable at once): none, or a bad one, is refused.
    forge({ alg: 'HS256' }, { ...valid, sid: undefined }),
    forge({ alg: 'HS256' }, { ...valid, sid: '3' }),
    forge({ alg: 'HS256' }, { ...valid, sid: 0 }),
    forge({ alg: 'HS256' }, { ...valid, sid: 1.5 }),
    forge([], valid),
  ];
  for (const candidate of refused) {
    assert.equal(await verifyAccessToken(secret, candidate, now), null, candidate);
  }
});

test('a remembered token is still refused outside its time window', async () => {
  const token = forge({ alg: 'HS256' }, { ...valid, sub: '8', nbf: nowSeconds + 30 });
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  assert.equal(await verifyAccessToken(secret, token, now), null);
  assert.deepEqual(await verifyAccessToken(secret, token, at(30)), { userId: 8, sessionId: 3 });
  // Now remembered: the window is checked again on every use.
  assert.equal(await verifyAccessToken(secret, token, at(29)), null);
  assert.deepEqual(await verifyAccessToken(secret, token, at(59)), { userId: 8, sessionId: 3 });
  assert.equal(await verifyAccessToken(secret, token, at(60)), null);
  assert.equal(await verifyAccessToken('another-secret-another-secret-0123', token, at(40)), null);
});
