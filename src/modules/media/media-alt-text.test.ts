import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { makeImage, multipartForm } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let alice: TestUser;
let image: Buffer;
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t);
  image = await makeImage('jpeg', 64, 48);
});
after(async () => t.close());

const upload = (
  fields: Record<string, string>,
  fieldsLast = false,
  user: TestUser | null = alice,
) => {
  const { payload, headers } = multipartForm(image, { fields, fieldsLast });
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload,
    headers: user ? { ...headers, ...user.headers } : headers,
  });
};
const mediaCount = async () => (await t.db.selectFrom('media').select('id').execute()).length;

test('requires authentication', async () => {
  assert.equal((await upload({ alt_text: 'x' }, false, null)).statusCode, 401);
});

test('alt_text is stored on the media row, before or after the file', async () => {
  const first = expectStatus(await upload({ alt_text: '  A heron on one leg  ' }), 201);
  assert.equal(first.alt_text, 'A heron on one leg');
  const row = await t.db
    .selectFrom('media')
    .select('alt_text')
    .where('id', '=', Number(first.id))
    .executeTakeFirstOrThrow();
  assert.equal(row.alt_text, 'A heron on one leg');
  const last = expectStatus(await upload({ alt_text: 'Ribeira à noite 🌙' }, true), 201);
  assert.equal(last.alt_text, 'Ribeira à noite 🌙');
  assert.equal(expectStatus(await upload({ alt_text: '   ' }), 201).alt_text, null);
  assert.equal(expectStatus(await upload({}), 201).alt_text, null);
  const full = '🌙'.repeat(1000); // 1,000 characters, 4,000 bytes
  assert.equal(expectStatus(await upload({ alt_text: full }), 201).alt_text, full);
});

test('too long alt_text and unknown fields are 400 naming the field; nothing is stored', async () => {
  const before = await mediaCount();
  const long = expectStatus(await upload({ alt_text: 'x'.repeat(1001) }), 400);
  assert.deepEqual(long.errors, [
    { field: 'alt_text', message: 'must be at most 1000 characters' },
  ]);
  const huge = expectStatus(await upload({ alt_text: 'x'.repeat(5000) }), 400);
  assert.equal(huge.errors[0].field, 'alt_text');
  const unknown = expectStatus(await upload({ caption: 'hi' }), 400);
  assert.equal(unknown.errors[0].field, 'caption');
  assert.equal(await mediaCount(), before);
  const temp = await readdir(join(t.config.dataDir, 'tmp')).catch(() => [] as string[]);
  assert.deepEqual(temp, [], 'no upload left behind');
});
