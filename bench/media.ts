/**
 * Media pipeline benchmark: a 12-megapixel JPEG through processUpload (sniff, decode, orient, resize,
 * re-encode, thumbnail, blurhash, store on disk), sequentially for latency, then 8 at once for peak RSS.
 * Usage: npm run bench:media [-- iterations]
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { IMAGE_JOBS } from '../src/media/images.js';
import { processUpload } from '../src/media/process-upload.js';
import { createStorage } from '../src/media/storage.js';

const ITERATIONS = Number(process.argv[2] ?? 30);
const PARALLEL = 8;
const MB = 1024 * 1024;

const work = await mkdtemp(join(tmpdir(), 'photogram-bench-'));
const storage = createStorage({
  mediaDir: join(work, 'media'),
  publicUrl: 'http://bench',
  s3: null,
});

// Photo-like content: smooth gradients plus sensor-like noise, so the JPEG is as large as a phone's.
const photo = await sharp({
  create: {
    width: 4000,
    height: 3000,
    channels: 3,
    background: '#6a8',
    noise: { type: 'gaussian', mean: 128, sigma: 40 },
  },
})
  .blur(1.2)
  .jpeg({ quality: 92 })
  .toBuffer();
const source = join(work, 'photo.jpg');
await writeFile(source, photo);
const { width, height } = await sharp(photo).metadata();
console.log(
  `input: ${width}x${height} JPEG, ${(photo.length / MB).toFixed(1)} MB; sharp threads/job: ${sharp.concurrency()}, jobs at once: ${IMAGE_JOBS}`,
);

let n = 0;
async function uploadOnce(): Promise<number> {
  const temp = join(work, `upload-${n++}`);
  await copyFile(source, temp);
  const start = performance.now();
  const media = await processUpload(temp, storage);
  const ms = performance.now() - start;
  await storage.delete([media.storage_key, media.thumbnail_key]);
  return ms;
}

for (let i = 0; i < 3; i++) await uploadOnce(); // warm-up: libvips and JIT
const times: number[] = [];
for (let i = 0; i < ITERATIONS; i++) times.push(await uploadOnce());
times.sort((a, b) => a - b);
const pct = (p: number) =>
  times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? NaN;
const p50 = pct(50);
console.log(
  `sequential x${ITERATIONS}: p50 ${p50.toFixed(0)} ms, p95 ${pct(95).toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms`,
);

const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const start = performance.now();
await Promise.all(Array.from({ length: PARALLEL }, () => uploadOnce()));
const wall = performance.now() - start;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const maxRss = process.resourceUsage().maxRSS / 1024;
console.log(
  `parallel x${PARALLEL}: wall ${wall.toFixed(0)} ms, RSS before ${(rssBefore / MB).toFixed(0)} MB, ` +
    `peak sampled ${(peak / MB).toFixed(0)} MB, process maxRSS ${maxRss.toFixed(0)} MB`,
);
const ok = p50 <= 300 && peak / MB < 300;
console.log(`targets (p50 <= 300 ms, RSS < 300 MB): ${ok ? 'met' : 'MISSED'}`);
await rm(work, { recursive: true, force: true });
