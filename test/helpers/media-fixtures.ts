/** Test media made in code, so the repository holds no binary fixtures. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

export async function tempDir(
  prefix = 'photogram-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeFixture(
  dir: string,
  name: string,
  data: Buffer | string,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/**
 * A multipart body with one file part (`file` unless `field` says otherwise), for inject; text
 * `fields` come first, or after the file with `fieldsLast`.
 */
export function multipartForm(
  data: Buffer | string,
  opts: {
    field?: string;
    filename?: string;
    type?: string;
    fields?: Record<string, string>;
    fieldsLast?: boolean;
  } = {},
) {
  const boundary = `----photogram${Math.random().toString(16).slice(2)}`;
  const text = Object.entries(opts.fields ?? {})
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  const head =
    (opts.fieldsLast ? '' : text) +
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; ` +
    `filename="${opts.filename ?? 'upload.jpg'}"\r\nContent-Type: ${opts.type ?? 'image/jpeg'}\r\n\r\n`;
  return {
    payload: Buffer.concat([
      Buffer.from(head),
      Buffer.from(data),
      Buffer.from(opts.fieldsLast && text ? `\r\n${text.slice(0, -2)}` : ''),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

type Format = 'jpeg' | 'png' | 'webp' | 'gif';

/** A noisy (realistically compressible) image; `alpha` adds a half-transparent channel. */
export function makeImage(
  format: Format,
  width: number,
  height: number,
  opts: { alpha?: boolean } = {},
) {
  const channels = opts.alpha ? 4 : 3;
  const background = opts.alpha ? { r: 40, g: 120, b: 200, alpha: 0.5 } : { r: 40, g: 120, b: 200 };
  return sharp({
    create: {
      width,
      height,
      channels,
      background,
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .toFormat(format)
    .toBuffer();
}

/** A two-frame animated GIF: a red frame first, then a blue one. */
export async function makeAnimatedGif(width: number, height: number): Promise<Buffer> {
  const frame = (r: number, b: number) =>
    sharp({ create: { width, height, channels: 3, background: { r, g: 0, b } } })
      .raw()
      .toBuffer();
  const frames = Buffer.concat([await frame(255, 0), await frame(0, 255)]);
  return sharp(frames, { raw: { width, height: height * 2, channels: 3, pageHeight: height } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
}

/** A JPEG carrying EXIF orientation 6 (rotate 90° clockwise to display), a camera make and a GPS position. */
export function makeJpegWithGps(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 50, b: 50 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'PhotogramTestCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 29/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 40/1',
      },
    })
    .toBuffer();
}

/** Number of entries in the EXIF GPS IFD (0 when there is no EXIF or no GPS block). */
export function gpsEntryCount(exif: Buffer | undefined): number {
  if (!exif) return 0;
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') === 0 ? 6 : 0);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd0 = u32(4);
  for (let i = 0; i < u16(ifd0); i++) {
    const entry = ifd0 + 2 + i * 12;
    if (u16(entry) === 0x8825) return u16(u32(entry + 8));
  }
  return 0;
}

/** A PNG whose header claims width x height pixels but which carries (almost) no pixel data. */
export async function makePngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const out = Buffer.from(png);
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC covers type + data.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export interface VideoSpec {
  container: 'mp4' | 'mov' | 'webm';
  seconds?: number;
  size?: string;
  rate?: number;
  /** Display rotation in degrees stored as metadata (phones do this instead of rotating pixels). */
  rotate?: number;
  /** An ISO 6709 location tag, as phones write. */
  location?: string;
  audio?: boolean;
  /** HEVC (tagged hvc1, as iPhones write it) instead of H.264; mp4/mov only. */
  hevc?: boolean;
}

/** A test-pattern video made by ffmpeg. */
export async function makeVideo(dir: string, name: string, spec: VideoSpec): Promise<string> {
  const out = join(dir, name);
  const { seconds = 2, size = '640x360', rate = 25 } = spec;
  const codec =
    spec.container === 'webm'
      ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8']
      : spec.hevc
        ? // libx265 logs at info level whatever -v says, unless told otherwise.
          [
            '-c:v',
            'libx265',
            '-preset',
            'ultrafast',
            '-pix_fmt',
            'yuv420p',
            '-tag:v',
            'hvc1',
            '-x265-params',
            'log-level=error',
          ]
        : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  const audio = spec.audio
    ? [
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=440:duration=${seconds}`,
        '-c:a',
        spec.container === 'webm' ? 'libopus' : 'aac',
      ]
    : [];
  const meta = spec.location ? ['-metadata', `location=${spec.location}`] : [];
  const target = spec.rotate ? join(dir, `unrotated-${name}`) : out;
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${seconds}:size=${size}:rate=${rate}`,
    ...audio,
    ...codec,
    ...meta,
    '-f',
    spec.container,
    '-y',
    target,
  ]);
  if (spec.rotate) {
    // ffmpeg 5 only writes the display matrix from a rotate tag when remuxing.
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      target,
      '-c',
      'copy',
      '-metadata:s:v:0',
      `rotate=${spec.rotate}`,
      '-y',
      out,
    ]);
    await rm(target);
  }
  return out;
}

/** A file of `bytes` whose first bytes are `head`; the rest is a sparse hole, so it is made instantly. */
export async function makeLargeFile(path: string, head: Buffer, bytes: number): Promise<string> {
  await writeFile(path, head);
  await truncate(path, bytes);
  return path;
}

export async function ffprobeJson(path: string): Promise<{
  streams: Array<Record<string, unknown>>;
  format: { tags?: Record<string, string>; duration?: string };
}> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  return JSON.parse(stdout) as never;
}
