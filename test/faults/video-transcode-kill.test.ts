import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { loadDatabaseConfig } from '../../src/config.js';
import { createDb } from '../../src/db/client.js';
import { ffprobeJson, makeVideo } from '../helpers/media-fixtures.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-app.js';

const run = promisify(execFile);

/**
 * Fault: the process transcoding a video is killed with SIGKILL mid-transcode. Only node is
 * killed: its ffmpeg must die with it (PR_SET_PDEATHSIG) rather than run on as an orphan. A second process takes the job again once its lease ends (the
 * test moves that process's clock past the 60 s lease instead of waiting) and the media becomes
 * ready, with no partial file left. Real processes; SQLite, or MariaDB with TEST_DATABASE_URL.
 */
let dir: string;
let database: { url: string; drop(): Promise<void> };
const servers: ServerProcess[] = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-fault-video-'));
  database = await freshDatabase(dir);
});
after(async () => {
  for (const server of servers)
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const start = async () => {
  const server = await startServerProcess({
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'fault-secret-fault-secret-fault-secret-0123',
    LOG_LEVEL: 'warn',
    TEST_CLOCK: '1',
    MEDIA_SYNC_WAIT_MS: '0',
    JOB_CONCURRENCY: '1',
    UPLOAD_RATE_LIMIT_PER_30MIN: '0',
  });
  servers.push(server);
  return server;
};

/** The ffmpeg transcode (libx264) that `pid` runs as its child, if any. */
async function transcoderOf(pid: number): Promise<number | undefined> {
  const { stdout } = await run('ps', ['-o', 'pid=,args=', '--ppid', String(pid)]).catch(() => ({
    stdout: '',
  }));
  const line = stdout.split('\n').find((l) => l.includes('ffmpeg') && l.includes('libx264'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

/** True once `pid` has exited (absent, or a zombie its new parent has not reaped yet). */
async function gone(pid: number): Promise<true | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? true : undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('kill -9 during a transcode: the job runs again, the media becomes ready, nothing partial is left', async () => {
  const first = await start();
  const signup = await fetch(`${first.base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: 'vera',
      email: 'vera@example.com',
      password: 'a-long-password',
    }),
  });
  assert.equal(signup.status, 201);
  const { access_token: token } = (await signup.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };

  // Long enough to be caught mid-transcode on a loaded machine.
  const clip = await makeVideo(dir, 'clip.mp4', {
    container: 'mp4',
    seconds: 20,
    size: '1280x720',
    audio: true,
  });
  const form = new FormData();
  form.append('file', new File([await readFile(clip)], 'clip.mp4'));
  const uploaded = await fetch(`${first.base}/api/v1/media`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  assert.equal(uploaded.status, 202, await uploaded.clone().text());
  const media = (await uploaded.json()) as { id: string; status: string };
  assert.equal(media.status, 'processing');

  const ffmpeg = await until(
    'the transcode to start',
    () => transcoderOf(first.process.pid!),
    30_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // let it write part of its output
  first.process.kill('SIGKILL');
  await once(first.process, 'exit');
  const killedAt = Date.now();
  // Left alone, the orphan would finish its transcode (~4 s here); with PR_SET_PDEATHSIG, ~65 ms.
  await until('the orphaned ffmpeg to die with its parent', () => gone(ffmpeg), 1_000);
  console.log(`ffmpeg gone ${Date.now() - killedAt} ms after the kill`);

  const tmp = path.join(dir, 'tmp');
  const workDirs = async () =>
    (await readdir(tmp).catch(() => [] as string[])).filter((n) => n.startsWith('transcode-'));
  assert.equal((await workDirs()).length, 1, 'the killed attempt left its work folder');

  const second = await start();
  // Past the killed worker's lease (60 s) on this process's clock, instead of waiting for it.
  const moved = await fetch(`${second.base}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offset_ms: 61_000 }),
  });
  assert.equal(moved.status, 204);

  const ready = await until(
    'the media to be ready',
    async () => {
      const answer = await fetch(`${second.base}/api/v1/media/${media.id}`, { headers: auth });
      const body = (await answer.json()) as { status: string; url: string; duration_ms: number };
      assert.notEqual(body.status, 'failed', JSON.stringify(body));
      return body.status === 'ready' ? body : undefined;
    },
    180_000,
  );

  const mediaDir = path.join(dir, 'media');
  const stored = (await readdir(mediaDir, { recursive: true })).filter((f) => /\.\w+$/.test(f));
  assert.equal(stored.length, 3, `video, poster, thumbnail; no original, no .tmp: ${stored}`);
  const key = new URL(ready.url).pathname.slice('/media/'.length);
  const probe = await ffprobeJson(path.join(mediaDir, key));
  assert.deepEqual(
    probe.streams.map((s) => s.codec_name),
    ['h264', 'aac'],
  );
  assert.ok(Math.abs(ready.duration_ms - 20_000) < 200, `duration ${ready.duration_ms}`);
  assert.deepEqual(await workDirs(), [], 'the killed attempt’s work folder is gone');
  const db = createDb(loadDatabaseConfig({ DATABASE_URL: database.url, DATA_DIR: dir }).database);
  try {
    const jobs = await db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('kind', '=', 'media.process')
      .execute();
    assert.deepEqual(jobs, [{ status: 'done', attempts: 2 }], 'taken again after the kill');
  } finally {
    await db.destroy();
  }
  console.log(`ready ${Date.now() - killedAt} ms after the kill`);

  second.process.kill('SIGTERM');
  await once(second.process, 'exit');
});
