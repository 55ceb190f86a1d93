import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  CLIENT_TYPES_FILE,
  DOCUMENT_FILE,
  renderClientTypes,
} from '../../scripts/openapi-files.js';
import { shareAPhoto } from '../../openapi/client/example.js';
import { createPhotogramClient } from '../../openapi/client/index.js';
import { makeImage } from '../helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let baseUrl: string;
before(async () => {
  t = await buildTestApp();
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => t.close());

describe('typed client (openapi/client)', () => {
  test('schema.ts is what openapi-typescript generates from the checked-in document', async () => {
    const document = await readFile(DOCUMENT_FILE, 'utf8');
    const expected = await renderClientTypes(document);
    const actual = await readFile(CLIENT_TYPES_FILE, 'utf8');
    assert.ok(
      actual === expected,
      'openapi/client/schema.ts is stale: run `npm run openapi` and commit the result',
    );
  });

  test("the README's example is example.ts, and it logs in, uploads, posts and reads the feed", async () => {
    const readme = await readFile(
      new URL('../../openapi/client/README.md', import.meta.url),
      'utf8',
    );
    const example = await readFile(
      new URL('../../openapi/client/example.ts', import.meta.url),
      'utf8',
    );
    assert.ok(
      readme.includes('```ts\n' + example + '```\n'),
      'openapi/client/README.md must show openapi/client/example.ts verbatim in a ts block',
    );

    const guest = createPhotogramClient({ baseUrl });
    const signup = await guest.POST('/api/v1/auth/signup', {
      body: { username: 'ada', email: 'ada@example.com', password: 'correct-horse' },
    });
    assert.equal(signup.response.status, 201);
    const photo = new Blob([await makeImage('jpeg', 640, 480)], { type: 'image/jpeg' });

    const { post, feed } = await shareAPhoto(baseUrl, 'ada', 'correct-horse', photo);
    assert.equal(post.author.username, 'ada');
    assert.deepEqual(post.hashtags, ['sea']);
    assert.equal(post.media[0]?.type, 'image');
    assert.deepEqual(
      feed.map((p) => p.id),
      [post.id],
    );
  });

  test('an error answer is the typed problem; the token is sent as a bearer header', async () => {
    const guest = createPhotogramClient({ baseUrl });
    const login = await guest.POST('/api/v1/auth/login', {
      body: { username: 'nobody', password: 'wrong-password' },
    });
    assert.equal(login.response.status, 401);
    assert.equal(login.error?.code, 'not_authenticated');

    const anonymous = await guest.GET('/api/v1/me');
    assert.equal(anonymous.error?.status, 401);
    const session: { token?: string } = {};
    const api = createPhotogramClient({ baseUrl: `${baseUrl}/`, accessToken: () => session.token });
    const tokens = await api.POST('/api/v1/auth/login', {
      body: { username: 'ada', password: 'correct-horse' },
    });
    session.token = tokens.data?.access_token;
    const me = await api.GET('/api/v1/me');
    assert.equal(me.data?.username, 'ada');
  });

  test('index.ts imports nothing Node-only, so a browser bundle can use it', async () => {
    const source = await readFile(
      new URL('../../openapi/client/index.ts', import.meta.url),
      'utf8',
    );
    const imported = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(imported.sort(), ['./schema.js', 'openapi-fetch']);
  });
});
