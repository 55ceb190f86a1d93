import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeImage, makeVideo } from '../helpers/media-fixtures.js';
import { startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * One user's day against the real server process on a real port (no inject): signup, upload a
 * photo and a video, post a carousel, follow someone, read the feed, post and watch a story,
 * then a graceful SIGTERM. Runs on SQLite, or on MySQL when TEST_DATABASE_URL is set.
 */
let dir: string;
let server: ChildProcess;
let base: string;
let dropDatabase: () => Promise<void>;
let logs = () => '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-e2e-'));
  const database = await freshDatabase(dir);
  dropDatabase = database.drop;
  const started = await startServerProcess({
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    LOG_LEVEL: 'info',
  });
  ({ process: server, base, logs } = started);
});

after(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await dropDatabase();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, url: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let payload: FormData | string | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${base}/api/v1${url}`, { method, headers, body: payload });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

async function upload(token: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await call('POST', '/media', token, form);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { id: string; url: string; type: string };
}

test("a user's day over real HTTP, then a graceful shutdown", async () => {
  const signup = async (username: string) => {
    const response = await call('POST', '/auth/signup', undefined, {
      username,
      email: `${username}@example.com`,
      password: 'a-long-password',
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.access_token as string;
  };
  const ada = await signup('ada');
  const grace = await signup('grace');

  const photo = await upload(ada, await makeImage('jpeg', 1600, 1200), 'photo.jpg');
  const clip = await upload(
    ada,
    await readFile(await makeVideo(dir, 'clip.mp4', { container: 'mp4', seconds: 1 })),
    'clip.mp4',
  );
  assert.deepEqual([photo.type, clip.type], ['image', 'video']);
  const served = await fetch(photo.url);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/jpeg');
  assert.match(served.headers.get('cache-control') ?? '', /immutable/);

  const post = await call('POST', '/posts', ada, {
    media_ids: [photo.id, clip.id],
    caption: 'first day #hello',
  });
  assert.equal(post.status, 201);
  assert.deepEqual(
    post.body.media.map((m: { id: string }) => m.id),
    [photo.id, clip.id],
  );
  assert.deepEqual(post.body.hashtags, ['hello']);

  assert.deepEqual((await call('POST', '/users/ada/follow', grace)).body, { status: 'following' });
  const feed = await call('GET', '/feed', grace);
  assert.equal(feed.status, 200);
  assert.deepEqual(
    feed.body.data.map((p: { id: string }) => p.id),
    [post.body.id],
  );
  assert.equal((await call('POST', `/posts/${post.body.id}/like`, grace)).body.like_count, 1);

  const storyMedia = await upload(ada, await makeImage('png', 720, 1280), 'story.png');
  const story = await call('POST', '/stories', ada, { media_id: storyMedia.id });
  assert.equal(story.status, 201);
  const tray = await call('GET', '/stories/feed', grace);
  assert.deepEqual(
    tray.body.map((g: { user: { username: string } }) => g.user.username),
    ['ada'],
  );
  assert.equal(tray.body[0].has_unseen, true);
  assert.equal((await call('POST', `/stories/${story.body.id}/view`, grace)).status, 204);
  const viewers = await call('GET', `/stories/${story.body.id}/viewers`, ada);
  assert.deepEqual(
    viewers.body.data.map((v: { user: { username: string } }) => v.user.username),
    ['grace'],
  );

  const profile = await call('GET', '/users/ada', grace);
  assert.equal(profile.body.posts_count, 1);
  assert.equal(profile.body.followers_count, 1);
  assert.equal(profile.body.is_following, true);

  server.kill('SIGTERM');
  const [code] = (await once(server, 'exit')) as [number | null];
  assert.equal(code, 0, logs());
  assert.match(logs(), /SIGTERM received/);
  await writeFile(path.join(dir, 'server.log'), logs());
});
