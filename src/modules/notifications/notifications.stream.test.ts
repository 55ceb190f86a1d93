import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../../app.js';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * A live stream read over real HTTP (node:http without an agent: fetch's pool would open a spare
 * connection that keeps the server from closing), parsed into events as they arrive.
 */
async function openStream(base: string, user: TestUser | null, lastEventId?: string) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = http.get(
      `${base}/api/v1/notifications/stream`,
      {
        agent: false,
        headers: {
          ...(user ? user.headers : {}),
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      },
      resolve,
    );
    request.on('error', reject);
  });
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const pump = async () => {
    let buffer = '';
    response.setEncoding('utf8');
    for await (const chunk of response as AsyncIterable<string>) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) event.comment = line.slice(1).trim();
          const [, key, value] = /^(id|event|data): ?(.*)$/.exec(line) ?? [];
          if (key) event[key as 'id' | 'event' | 'data'] = value;
        }
        events.push(event);
        for (const wake of waiters.splice(0)) wake();
      }
    }
  };
  const done = pump().catch(() => undefined);
  /** Waits until `count` events match, or fails after `ms`. */
  const waitFor = async (match: (e: SseEvent) => boolean, count = 1, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (events.filter(match).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
    return events.filter(match);
  };
  const close = async () => {
    response.destroy();
    await done;
  };
  return { response, events, waitFor, close, done };
}

const notifications = (e: SseEvent) => e.event === 'notification';
const parsed = (e: SseEvent) => JSON.parse(e.data!) as { id: string; type: string };

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

const like = (app: App, postId: string, user: TestUser) =>
  app.inject({ method: 'POST', url: `/api/v1/posts/${postId}/like`, headers: user.headers });
const comment = (app: App, postId: string, user: TestUser, text: string) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/posts/${postId}/comments`,
    headers: user.headers,
    payload: { text },
  });

describe('GET /notifications/stream', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await buildTestApp({ env: { SSE_HEARTBEAT_SECONDS: '1' } });
    base = await listen(t.app);
  });
  after(async () => t.close());

  test('401 problem before any stream without a valid token', async () => {
    const anonymous = await openStream(base, null);
    assert.equal(anonymous.response.statusCode, 401);
    assert.match(String(anonymous.response.headers['content-type']), /application\/problem\+json/);
    await anonymous.done;
    const bad = await openStream(base, await createUser(t), 'x');
    assert.equal(bad.response.statusCode, 400);
    await bad.done;
  });

  test('new notifications arrive live; a reconnect with Last-Event-ID gets what it missed', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice);
    // Something from before the stream opened is not replayed without Last-Event-ID.
    assert.equal((await comment(t.app, post.id, bob, 'before')).statusCode, 201);
    const stream = await openStream(base, alice);
    assert.equal(stream.response.statusCode, 200);
    assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/);
    assert.equal((await like(t.app, post.id, bob)).statusCode, 200);
    const [event] = await stream.waitFor(notifications);
    assert.equal(parsed(event!).type, 'like');
    assert.equal(parsed(event!).id, event!.id);
    await stream.close();

    assert.equal((await comment(t.app, post.id, bob, 'missed 1')).statusCode, 201);
    assert.equal((await comment(t.app, post.id, bob, 'missed 2')).statusCode, 201);
    const resumed = await openStream(base, alice, event!.id);
    const missed = await resumed.waitFor(notifications, 2);
    assert.deepEqual(
      missed.map((e) => (JSON.parse(e.data!) as { comment: { text: string } }).comment.text),
      ['missed 1', 'missed 2'],
    );
    // Only alice's notifications reach alice's stream.
    const carol = await createUser(t);
    const carolsPost = await createPost(t, carol);
    assert.equal((await like(t.app, carolsPost.id, bob)).statusCode, 200);
    assert.equal((await like(t.app, post.id, carol)).statusCode, 200);
    const all = await resumed.waitFor(notifications, 3);
    assert.equal(parsed(all[2]!).type, 'like');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(resumed.events.filter(notifications).length, 3);
    await resumed.close();
  });

  test('heartbeats keep the stream open (every SSE_HEARTBEAT_SECONDS)', async () => {
    const alice = await createUser(t);
    const stream = await openStream(base, alice);
    const beats = await stream.waitFor((e) => e.comment === 'heartbeat', 2, 4000);
    assert.equal(beats.length, 2);
    await stream.close();
  });
});

describe('GET /notifications/stream across replicas (Redis pub/sub)', () => {
  let t: TestApp;
  let second: App;
  let bases: string[];
  before(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:` };
    t = await buildTestApp({ env });
    // A second replica: same configuration and database, its own process state.
    second = await buildApp(t.config, { db: t.db, clock: t.clock });
    bases = [await listen(t.app), await listen(second)];
  });
  after(async () => {
    await second.close();
    await t.close();
  });

  test('a like written through one replica reaches a stream open on the other', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const post = await createPost(t, alice);
    const onFirst = await openStream(bases[0]!, alice);
    const onSecond = await openStream(bases[1]!, alice);
    assert.equal((await like(second, post.id, bob)).statusCode, 200);
    assert.equal((await comment(t.app, post.id, bob, 'hi')).statusCode, 201);
    for (const stream of [onFirst, onSecond]) {
      const events = await stream.waitFor(notifications, 2);
      assert.deepEqual(
        events.map((e) => parsed(e).type),
        ['like', 'comment'],
      );
      await stream.close();
    }
  });
});
