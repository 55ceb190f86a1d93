/**
 * Feed latency while videos transcode (issue #16): one server process (SQLite, JOB_CONCURRENCY 2,
 * VIDEO_CONCURRENCY 1, ffmpeg under nice), a reader following 10 authors with 3 posts each.
 * Measures GET /feed (4 concurrent readers) for a baseline period, then while two 60 s 1080p
 * clips are transcoded, and reports p50/p99 of each and the transcode time.
 * Usage: npm run bench:video [-- seconds-of-each-clip]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { startServerProcess } from '../test/helpers/server-process.js';

const CLIP_SECONDS = Number(process.argv[2] ?? 60);
const BASELINE_MS = 15_000;
const READERS = 4;
const run = promisify(execFile);

const work = await mkdtemp(join(tmpdir(), 'photogram-bench-video-'));
const server = await startServerProcess({
  DATA_DIR: work,
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  LOG_LEVEL: 'warn',
  MEDIA_SYNC_WAIT_MS: '0',
  WRITE_RATE_LIMIT_PER_5MIN: '0',
  UPLOAD_RATE_LIMIT_PER_30MIN: '0',
  AUTH_RATE_LIMIT_PER_MIN: '10000',
});
const { base } = server;

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body instanceof FormData ? {} : body ? { 'content-type': 'application/json' } : {}),
    },
    body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
  });
  if (response.status >= 400) throw new Error(`${method} ${path}: ${await response.text()}`);
  return response.status === 204 ? null : ((await response.json()) as Record<string, string>);
}
const signup = async (username: string) =>
  (await call('POST', '/api/v1/auth/signup', undefined, {
    username,
    email: `${username}@example.com`,
    password: 'bench-password-1',
  }))!.access_token as string;
const upload = async (token: string, bytes: Buffer, name: string) => {
  const form = new FormData();
  form.append('file', new File([bytes], name));
  return (await call('POST', '/api/v1/media', token, form))!;
};

try {
  const reader = await signup('reader');
  const photo = await sharp({
    create: { width: 1200, height: 900, channels: 3, background: '#48a' },
  })
    .jpeg()
    .toBuffer();
  for (let a = 0; a < 10; a++) {
    const author = await signup(`author${a}`);
    await call('POST', `/api/v1/users/author${a}/follow`, reader);
    for (let p = 0; p < 3; p++) {
      const media = await upload(author, photo, 'photo.jpg');
      await call('POST', '/api/v1/posts', author, { media_ids: [media.id], caption: `post ${p}` });
    }
  }
  const clips = await Promise.all(
    [0, 1].map(async (i) => {
      const path = join(work, `clip${i}.mp4`);
      await run('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=duration=${CLIP_SECONDS}:size=1920x1080:rate=30`,
        '-f',
        'lavfi',
        '-i',
        `sine=duration=${CLIP_SECONDS}`,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-y',
        path,
      ]);
      return path;
    }),
  );

  /** GET /feed from READERS loops until `done()`; the latencies in ms. */
  async function measure(done: () => boolean): Promise<number[]> {
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: READERS }, async () => {
        while (!done()) {
          const start = performance.now();
          await call('GET', '/api/v1/feed?limit=20', reader);
          times.push(performance.now() - start);
        }
      }),
    );
    return times.sort((x, y) => x - y);
  }
  const pct = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(1);
  const line = (name: string, t: number[]) =>
    `${name}: ${t.length} reads, p50 ${pct(t, 50)} ms, p99 ${pct(t, 99)} ms, max ${t.at(-1)!.toFixed(1)} ms`;

  const baselineEnd = Date.now() + BASELINE_MS;
  const baseline = await measure(() => Date.now() > baselineEnd);

  const author = await signup('videographer');
  const started = performance.now();
  const uploaded = await Promise.all(
    clips.map(async (path, i) => upload(author, await readFile(path), `clip${i}.mp4`)),
  );
  let pending = uploaded.map((m) => m.id as string);
  const finished: number[] = [];
  const poll = (async () => {
    while (pending.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const states = await Promise.all(
        pending.map(async (id) => ({
          id,
          media: (await call('GET', `/api/v1/media/${id}`, author))!,
        })),
      );
      for (const { id, media } of states) {
        if (media.status === 'processing') continue;
        if (media.status !== 'ready') throw new Error(`clip ${id}: ${media.failure_reason}`);
        finished.push(performance.now() - started);
        pending = pending.filter((p) => p !== id);
      }
    }
  })();
  const during = await measure(() => pending.length === 0);
  await poll;

  console.log(
    `two ${CLIP_SECONDS} s 1920x1080 30 fps clips, VIDEO_CONCURRENCY 1, JOB_CONCURRENCY 2, SQLite, ${READERS} concurrent feed readers`,
  );
  console.log(line('feed, idle', baseline));
  console.log(line('feed, while transcoding', during));
  console.log(
    `clips ready after ${finished.map((ms) => (ms / 1000).toFixed(1)).join(' s and ')} s`,
  );
} finally {
  server.process.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await rm(work, { recursive: true, force: true });
}
