import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPhotogramClient, uploadForm } from '../../openapi/client/index.js';
import { makeImage, makeVideo } from '../helpers/media-fixtures.js';
import { startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * One user's day against the real server process on a real port (no inject): signup, upload a
 * photo and a video, post a carousel, follow someone, read the feed, post and watch a story,
 * then a graceful SIGTERM. Every API call goes through the typed client (openapi/client).
 * Runs on SQLite, or on MySQL when TEST_DATABASE_URL is set.
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
    // Its uploads are answered when done (201), however loaded the machine.
    MEDIA_SYNC_WAIT_MS: '120000',
  });
  ({ process: server, base, logs } = started);
});

after(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await dropDatabase();
  await rm(dir, { recursive: true, force: true });
});

/** A typed client per token (openapi/client), as any TypeScript caller would use the API. */
const clientFor = (accessToken?: string) => createPhotogramClient({ baseUrl: base, accessToken });

/** The answer's data, or a failure that shows the problem the server sent. */
function expectData<T>(
  answer: { data?: T; error?: unknown; response: Response },
  status: number,
): T {
  assert.equal(answer.response.status, status, JSON.stringify(answer.error));
  return answer.data as T;
}

async function upload(token: string, bytes: Buffer, name: string) {
  const answer = await clientFor(token).POST('/api/v1/media', {
    body: { file: new File([bytes], name) },
    bodySerializer: uploadForm,
  });
  return expectData(answer, 201);
}

test("a user's day over real HTTP, then a graceful shutdown", async () => {
  const signup = async (username: string) => {
    const answer = await clientFor().POST('/api/v1/auth/signup', {
      body: { username, email: `${username}@example.com`, password: 'a-long-password' },
    });
    return expectData(answer, 201).access_token;
  };
  const ada = await signup('ada');
  const grace = await signup('grace');
  const asAda = clientFor(ada);
  const asGrace = clientFor(grace);

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
  // An upload not yet in a post is served through a signed URL, cached privately until it expires.
  assert.match(served.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);

  const post = expectData(
    await asAda.POST('/api/v1/posts', {
      body: { media_ids: [photo.id, clip.id], caption: 'first day #hello' },
    }),
    201,
  );
  assert.deepEqual(
    post.media.map((m) => m.id),
    [photo.id, clip.id],
  );
  assert.deepEqual(post.hashtags, ['hello']);

  const follow = await asGrace.POST('/api/v1/users/{username}/follow', {
    params: { path: { username: 'ada' } },
  });
  assert.deepEqual(expectData(follow, 200), { status: 'following' });
  const feed = expectData(await asGrace.GET('/api/v1/feed'), 200);
  assert.deepEqual(
    feed.data.map((p) => p.id),
    [post.id],
  );
  const byId = { params: { path: { id: post.id } } };
  assert.equal(expectData(await asGrace.POST('/api/v1/posts/{id}/like', byId), 200).like_count, 1);

  const storyMedia = await upload(ada, await makeImage('png', 720, 1280), 'story.png');
  const story = expectData(
    await asAda.POST('/api/v1/stories', { body: { media_id: storyMedia.id } }),
    201,
  );
  const tray = expectData(await asGrace.GET('/api/v1/stories/feed'), 200);
  assert.deepEqual(
    tray.map((g) => g.user.username),
    ['ada'],
  );
  assert.equal(tray[0]!.has_unseen, true);
  const storyById = { params: { path: { id: story.id } } };
  const view = await asGrace.POST('/api/v1/stories/{id}/view', storyById);
  assert.equal(view.response.status, 204);
  const viewers = expectData(await asAda.GET('/api/v1/stories/{id}/viewers', storyById), 200);
  assert.deepEqual(
    viewers.data.map((v) => v.user.username),
    ['grace'],
  );

  const profile = expectData(
    await asGrace.GET('/api/v1/users/{username}', { params: { path: { username: 'ada' } } }),
    200,
  );
  assert.equal(profile.posts_count, 1);
  assert.equal(profile.followers_count, 1);
  assert.equal(profile.is_following, true);

  server.kill('SIGTERM');
  const [code] = (await once(server, 'exit')) as [number | null];
  assert.equal(code, 0, logs());
  assert.match(logs(), /SIGTERM received/);
  await writeFile(path.join(dir, 'server.log'), logs());
});
