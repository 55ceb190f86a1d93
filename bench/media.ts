/**
 * Media pipeline benchmark: 12-megapixel JPEGs through processUpload (sniff, decode, orient, resize,
 * re-encode, thumbnail, blurhash, store on disk): sequentially for latency, then 8 at once for peak RSS.
 * Two inputs: a landscape photo, and a portrait one stored sideways with EXIF orientation 6 (how
 * phones save portrait shots), which costs more: a rotation and a larger display image.
 * Usage: npm run bench:media [-- iterations]
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { IMAGE_JOBS } from '../src/media/images.js';
import { processUpload } from '../src/media/process-upload.js';
import { createStorage } from '../src/media/storage.js';

const ITERATIONS = Number(process.argv[2] ?? 30);
const PARALLEL = 8;
const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

const work = await mkdtemp(join(tmpdir(), 'photogram-bench-'));
const storage = createStorage({
  mediaDir: join(work, 'media'),
  publicUrl: 'http://bench',
  s3: null,
});
const inputs = { landscape: join(work, 'landscape.jpg'), portrait: join(work, 'portrait.jpg') };

// Made in a child process, so generating 12 MP of noise does not count in this process's RSS.
// Photo-like content: smooth gradients plus sensor-like noise, so the JPEG is as large as a phone's.
await promisify(execFile)(process.execPath, [
  '-e',
  `const sharp = require('sharp');
   const photo = sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#6a8',
     noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).blur(1.2).jpeg({ quality: 92 });
   Promise.all([photo.clone().toFile(${JSON.stringify(inputs.landscape)}),
     photo.clone().withMetadata({ orientation: 6 }).toFile(${JSON.stringify(inputs.portrait)})]);`,
]);
const meta = await sharp(inputs.landscape).metadata();
console.log(
  `input: ${meta.width}x${meta.height} JPEG, quality 92; ` +
    `sharp threads/job: ${sharp.concurrency()}, jobs at once: ${IMAGE_JOBS}; node ${process.version}`,
);

let n = 0;
async function uploadOnce(source: string): Promise<number> {
  const temp = join(work, `upload-${n++}`);
  await copyFile(source, temp);
  const start = performance.now();
  const media = await processUpload(temp, storage);
  const ms = performance.now() - start;
  await storage.delete([media.storage_key, media.thumbnail_key]);
  return ms;
}

async function sequential(name: string, source: string) {
  for (let i = 0; i < 3; i++) await uploadOnce(source); // warm-up
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) times.push(await uploadOnce(source));
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.ceil((p / 100) * times.length) - 1] ?? NaN;
  console.log(
    `${name} sequential x${ITERATIONS}: p50 ${pct(50).toFixed(0)} ms, p95 ${pct(95).toFixed(0)} ms, ` +
      `max ${(times.at(-1) ?? NaN).toFixed(0)} ms`,
  );
  return pct(50);
}

async function parallel(name: string, source: string) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, () => uploadOnce(source)));
  const wall = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${name} parallel x${PARALLEL}: wall ${wall.toFixed(0)} ms, RSS before ${mb(before)}, peak ${mb(peak)}`,
  );
  return peak;
}

console.log(`RSS at start: ${mb(process.memoryUsage().rss)}`);
const p50 = await sequential('landscape', inputs.landscape);
await sequential('portrait (EXIF 6)', inputs.portrait);
const peaks = [
  await parallel('landscape', inputs.landscape),
  await parallel('portrait (EXIF 6)', inputs.portrait),
];
const peak = Math.max(...peaks, process.resourceUsage().maxRSS * 1024);
console.log(`process maxRSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
const ok = p50 <= 300 && peak < 300 * MB;
console.log(
  `targets (landscape p50 <= 300 ms, peak RSS < 300 MB): ${ok ? 'met' : 'MISSED'} ` +
    `(p50 ${p50.toFixed(0)} ms, peak ${mb(peak)})`,
);
await rm(work, { recursive: true, force: true });
