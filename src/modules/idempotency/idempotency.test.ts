import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createMedia, createUser, type TestUser } from '../../../test/helpers/factories.js';
import { bearer, expectStatus, queryCount } from '../../../test/helpers/http.js';
import { makeImage, multipartForm } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import Fastify from 'fastify';
import {
  IDEMPOTENCY_WAIT_MS,
  type IdempotencyStore,
  registerIdempotency,
} from '../../http/idempotency.js';
import { signAccessToken } from '../auth/access-token.js';
import { uploadTempDir } from '../media/receive-upload.js';
import { pruneExpiredIdempotencyKeys } from './idempotency.service.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let keys = 0;
const newKey = () => `key-${process.pid}-${++keys}`;

before(async () => {
  t = await buildTestApp({ env: { TEST_CLOCK: '1' } });
  alice = await createUser(t);
  bob = await createUser(t);
});
after(async () => t.close());

const createPost = async (user: TestUser, body: object, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: { ...user.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body,
  });

const postBody = async (user: TestUser, caption = 'hello') => ({
  media_ids: [String(await createMedia(t, user))],
  caption,
});

const countRows = async (table: 'posts' | 'comments' | 'stories' | 'media', ownerId: number) => {
  const column = table === 'media' ? 'owner_id' : 'author_id';
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', ownerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

function assertReplayOf(replay: LightMyRequestResponse, first: LightMyRequestResponse) {
  assert.equal(replay.statusCode, first.statusCode);
  assert.equal(replay.body, first.body);
  assert.equal(replay.headers.location, first.headers.location);
  assert.equal(replay.headers['content-type'], first.headers['content-type']);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
}

describe('Idempotency-Key', () => {
  test('a repeated key returns the first answer and creates one post, for two statements', async () => {
    const user = await createUser(t);
    const plain = await createPost(user, await postBody(user));
    expectStatus(plain, 201);
    assert.equal(plain.headers['idempotent-replayed'], undefined);

    const key = newKey();
    const body = await postBody(user);
    const first = await createPost(user, body, key);
    const created = expectStatus(first, 201);
    assert.equal(first.headers.location, `/api/v1/posts/${created.id}`);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    // The claim and the stored answer; a request without the header pays neither.
    assert.equal(queryCount(first), queryCount(plain) + 2);

    const replay = await createPost(user, body, key);
    assertReplayOf(replay, first);
    assert.equal(queryCount(replay), 3, 'the account check, the refused claim, the stored answer');
    assert.equal(await countRows('posts', user.id), 2);
  });

  test('the body is compared as JSON: the same fields in another order are the same request', async () => {
    const key = newKey();
    const media = String(await createMedia(t, alice));
    const first = await createPost(alice, { media_ids: [media], caption: 'same' }, key);
    expectStatus(first, 201);
    const reordered = await createPost(alice, { caption: 'same', media_ids: [media] }, key);
    assertReplayOf(reordered, first);
  });

  test('the same key with another request is a 422 problem, and nothing is written', async () => {
    const user = await createUser(t);
    const key = newKey();
    expectStatus(await createPost(user, await postBody(user, 'first'), key), 201);
    const reused = await createPost(user, await postBody(user, 'second'), key);
    assert.equal(reused.statusCode, 422);
    assert.match(String(reused.headers['content-type']), /^application\/problem\+json/);
    assert.equal(reused.json().code, 'idempotency_key_reused');
    assert.match(reused.json().detail, /different request/);

    // Another route with the same key is another request too.
    const post = (
      await t.db
        .selectFrom('posts')
        .select('id')
        .where('author_id', '=', user.id)
        .executeTakeFirstOrThrow()
    ).id;
    const comment = await t.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${post}/comments`,
      headers: { ...user.headers, 'idempotency-key': key },
      payload: { text: 'hi' },
    });
    assert.equal(comment.statusCode, 422);
    assert.equal(await countRows('posts', user.id), 1);
    assert.equal(await countRows('comments', user.id), 0);
  });

  test('another account may use the same key independently', async () => {
    const key = newKey();
    const a = expectStatus(await createPost(alice, await postBody(alice), key), 201);
    const b = await createPost(bob, await postBody(bob), key);
    expectStatus(b, 201);
    assert.equal(b.headers['idempotent-replayed'], undefined);
    assert.notEqual(b.json().id, a.id);
    assert.equal(b.json().author.id, String(bob.id));
  });

  test('two requests with one key at once create exactly one post', async () => {
    const user = await createUser(t);
    const key = newKey();
    const body = await postBody(user);
    const [a, b] = await Promise.all([createPost(user, body, key), createPost(user, body, key)]);
    expectStatus(a, 201);
    expectStatus(b, 201);
    assert.equal(a.body, b.body);
    assert.deepEqual(
      [a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].sort(),
      ['true', undefined].sort(),
    );
    assert.equal(await countRows('posts', user.id), 1);
  });

  test('over real sockets too, five requests with one key at once create one post', async () => {
    const user = await createUser(t);
    const key = newKey();
    const body = JSON.stringify(await postBody(user));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const send = () =>
      fetch(`http://127.0.0.1:${port}/api/v1/posts`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json', 'idempotency-key': key },
        body,
      });
    const answers = await Promise.all([send(), send(), send(), send(), send()]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    assert.deepEqual(
      answers.map((r) => r.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(bodies).size, 1);
    assert.equal(answers.filter((r) => r.headers.get('idempotent-replayed') === null).length, 1);
    assert.equal(await countRows('posts', user.id), 1);
  });

  test('a 4xx answer is stored and replayed (what the first attempt decided)', async () => {
    const key = newKey();
    const foreign = { media_ids: [String(await createMedia(t, bob))] };
    const first = await createPost(alice, foreign, key);
    assert.equal(first.statusCode, 400);
    const replay = await createPost(alice, foreign, key);
    assertReplayOf(replay, first);
  });

  test('an invalid body is refused before the key is claimed, so the key stays usable', async () => {
    const key = newKey();
    const invalid = await createPost(alice, { media_ids: [] }, key);
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().code, 'validation_failed');
    expectStatus(await createPost(alice, await postBody(alice), key), 201);
  });

  test('keys are 1–255 visible ASCII characters; anything else is a 400 naming the header', async () => {
    for (const [key, message] of [
      ['', /must not be empty/],
      ['k'.repeat(256), /at most 255 characters; got 256/],
      ['has space', /visible ASCII/],
      ['caf\u00e9', /visible ASCII/],
    ] as const) {
      const response = await createPost(alice, await postBody(alice), key);
      assert.equal(response.statusCode, 400, JSON.stringify(key));
      assert.equal(response.json().code, 'validation_failed');
      assert.equal(response.json().errors[0].field, 'Idempotency-Key');
      assert.match(response.json().detail, message);
    }
    expectStatus(await createPost(alice, await postBody(alice), 'k'.repeat(255)), 201);
  });

  test('comments and stories honour the key too', async () => {
    const user = await createUser(t);
    const post = expectStatus(await createPost(user, await postBody(user)), 201);
    const comment = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${post.id}/comments`,
        headers: { ...user.headers, 'idempotency-key': 'comment-1' },
        payload: { text: 'nice' },
      });
    const firstComment = await comment();
    expectStatus(firstComment, 201);
    assertReplayOf(await comment(), firstComment);
    assert.equal(await countRows('comments', user.id), 1);

    const media = String(await createMedia(t, user));
    const story = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/stories',
        headers: { ...user.headers, 'idempotency-key': 'story-1' },
        payload: { media_id: media },
      });
    const firstStory = await story();
    expectStatus(firstStory, 201);
    assertReplayOf(await story(), firstStory);
    assert.equal(await countRows('stories', user.id), 1);
  });

  test('an upload is fingerprinted by its bytes: the same file replays, another is a 422', async () => {
    const user = await createUser(t);
    const upload = (data: Buffer) => {
      // A new multipart boundary each time, as a client's retry would have.
      const { payload, headers } = multipartForm(data);
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/media',
        headers: { ...user.headers, ...headers, 'idempotency-key': 'upload-1' },
        payload,
      });
    };
    const image = await makeImage('png', 40, 30);
    const first = await upload(image);
    expectStatus(first, 201);
    assertReplayOf(await upload(image), first);
    const other = await upload(await makeImage('png', 41, 30));
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().code, 'idempotency_key_reused');
    assert.equal(await countRows('media', user.id), 1);
    const left = await readdir(uploadTempDir(t.config)).catch(() => []);
    assert.deepEqual(
      left.filter((name) => name.startsWith('upload-')),
      [],
      'replayed and refused uploads leave no temp files',
    );
  });

  test('after 24 hours a key answers no more: it creates anew and is pruned', async () => {
    const user = await createUser(t);
    const key = newKey();
    const body = await postBody(user);
    const first = expectStatus(await createPost(user, body, key), 201);
    const shift = (offset_ms: number) =>
      t.app.inject({ method: 'POST', url: '/api/v1/test/clock', payload: { offset_ms } });
    // Access tokens expire within the hour: sign one at the shifted time.
    const atNow = async (u: TestUser): Promise<TestUser> => {
      const token = await signAccessToken(
        t.config.jwtSecret,
        u.id,
        900,
        t.clock.now(),
        u.sessionId,
      );
      return { ...u, token, headers: bearer(token) };
    };
    try {
      expectStatus(await shift(24 * 3_600_000 - 60_000), 204);
      const replay = await createPost(await atNow(user), body, key);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.json().id, first.id);

      expectStatus(await shift(24 * 3_600_000 + 60_000), 204);
      const later = await atNow(user);
      const again = await createPost(later, await postBody(later, 'a day later'), key);
      const second = expectStatus(again, 201);
      assert.equal(again.headers['idempotent-replayed'], undefined);
      assert.notEqual(second.id, first.id);

      expectStatus(await shift(48 * 3_600_000 + 120_000), 204);
      assert.ok((await pruneExpiredIdempotencyKeys({ db: t.db, clock: t.clock })) >= 1);
      const left = await t.db.selectFrom('idempotency_keys').select('id').execute();
      assert.deepEqual(left, [], 'every key of this file is more than a day old by now');
    } finally {
      expectStatus(await shift(0), 204);
    }
  });
});

test('the OpenAPI document declares the header, its problems and the rate-limit headers', async () => {
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  for (const path of [
    '/api/v1/media',
    '/api/v1/posts',
    '/api/v1/posts/{id}/comments',
    '/api/v1/stories',
  ]) {
    const operation = document.paths[path].post;
    const header = operation.parameters.find(
      (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
    );
    assert.equal(header?.schema.maxLength, 255, path);
    for (const status of ['409', '422', '429']) {
      assert.ok(
        operation.responses[status].content['application/problem+json'],
        `${path} ${status}`,
      );
    }
    const created = operation.responses['201'].headers;
    assert.ok(created['X-RateLimit-Remaining'] && created['Idempotent-Replayed'], path);
    assert.ok(operation.responses['429'].headers['Retry-After'], path);
  }
  const patchMe = document.paths['/api/v1/me'].patch;
  assert.equal(
    patchMe.parameters?.some((p: { name: string }) => p.name === 'Idempotency-Key') ?? false,
    false,
  );
  assert.ok(patchMe.responses['200'].headers['X-RateLimit-Limit']);
  assert.equal(document.paths['/api/v1/me'].get.responses['429'], undefined);
});

describe('Idempotency-Key mechanism (routes opting in with config.idempotent)', () => {
  let m: TestApp;
  let user: TestUser;
  let failures = 0;
  let release: () => void = () => undefined;
  let entered: Promise<void> = Promise.resolve();
  let enter: () => void = () => undefined;
  let effects = 0;

  before(async () => {
    m = await buildTestApp({
      extend: (app) => {
        app.post(
          '/api/v1/test/flaky',
          { config: { auth: 'required', idempotent: true } },
          async (_request, reply) => {
            if (failures-- > 0) throw new Error('boom');
            effects++;
            return reply.status(201).send({ effects });
          },
        );
        app.post(
          '/api/v1/test/slow',
          { config: { auth: 'required', idempotent: true } },
          async (_request, reply) => {
            enter();
            await new Promise<void>((resolve) => (release = resolve));
            effects++;
            return reply.status(201).send({ effects });
          },
        );
      },
    });
    user = await createUser(m);
  });
  after(async () => m.close());

  // inject() sends when awaited: .then() starts it now.
  const send = (path: string, key: string) =>
    m.app
      .inject({
        method: 'POST',
        url: `/api/v1/test/${path}`,
        headers: { ...user.headers, 'idempotency-key': key },
        payload: {},
      })
      .then((response) => response);

  /** Starts a slow request; resolves (not with its answer) once its handler runs, the key claimed. */
  const startSlow = async (key: string) => {
    entered = new Promise((resolve) => (enter = resolve));
    const response = send('slow', key);
    await entered;
    return { response };
  };

  test('a 5xx releases the key, so a retry runs the request', async () => {
    failures = 1;
    const before = effects;
    const failed = await send('flaky', 'flaky-1');
    assert.equal(failed.statusCode, 500);
    const retried = await send('flaky', 'flaky-1');
    expectStatus(retried, 201);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assertReplayOf(await send('flaky', 'flaky-1'), retried);
    assert.equal(effects, before + 1);
  });

  test('a retry waits for a running first request, then is told to come back (409, Retry-After)', async () => {
    const before = effects;
    const { response: first } = await startSlow('slow-1');
    const started = Date.now();
    const waited = await send('slow', 'slow-1');
    assert.ok(Date.now() - started >= IDEMPOTENCY_WAIT_MS - 50, 'it waited for the first request');
    assert.equal(waited.statusCode, 409);
    assert.equal(waited.json().code, 'idempotency_key_in_progress');
    assert.equal(waited.headers['retry-after'], '1');
    release();
    const done = await first;
    expectStatus(done, 201);
    assertReplayOf(await send('slow', 'slow-1'), done);
    assert.equal(effects, before + 1);
  });

  test('a retry that arrives while the first runs gets its answer once it is done', async () => {
    const { response: first } = await startSlow('slow-2');
    const retry = send('slow', 'slow-2');
    setTimeout(() => release(), 200);
    const [a, b] = await Promise.all([first, retry]);
    expectStatus(a, 201);
    assertReplayOf(b, a);
  });

  test('a route cannot opt in without required auth (the key belongs to an account)', async () => {
    const app = Fastify();
    registerIdempotency(app, { store: {} as IdempotencyStore, now: () => new Date() });
    await assert.rejects(async () => {
      app.post('/open', { config: { idempotent: true } }, async () => ({}));
      await app.ready();
    }, /idempotent routes need auth: 'required'/);
    await app.close();
  });
});
