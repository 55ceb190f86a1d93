import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { invalidMedia } from './errors.js';
import { createLimiter } from './semaphore.js';

const run = promisify(execFile);

export const MAX_VIDEO_SECONDS = 180;
const PROBE_TIMEOUT_MS = 15_000;
const FFMPEG_TIMEOUT_MS = 120_000;
/** ffmpeg processes at once; each may use a core and tens of MB. */
const limit = createLimiter(2);

export interface VideoInfo {
  duration_ms: number;
  /** Display size: rotation metadata already applied. */
  width: number;
  height: number;
  codec: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string };
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  const stdout = await tool('ffprobe', path, PROBE_TIMEOUT_MS, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(stdout) as ProbeOutput;
  } catch {
    throw notPlayable('its container could not be parsed');
  }
  const video = probe.streams?.find(
    (s) => s.codec_type === 'video' && !s.disposition?.attached_pic,
  );
  if (!video) throw notPlayable('it contains no video stream');
  if (!video.width || !video.height) throw notPlayable('its video stream has no frame size');
  const seconds = Number(probe.format?.duration ?? video.duration);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw notPlayable('its duration could not be determined');
  if (seconds > MAX_VIDEO_SECONDS) {
    throw invalidMedia(
      `The video is ${seconds.toFixed(1)} s long; the limit is ${MAX_VIDEO_SECONDS} s.`,
    );
  }
  const quarterTurn = Math.abs(rotationOf(video)) % 180 === 90;
  return {
    duration_ms: Math.round(seconds * 1000),
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    codec: video.codec_name ?? 'unknown',
  };
}

function rotationOf(stream: ProbeStream): number {
  const side = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  return side ?? Number(stream.tags?.rotate ?? 0);
}

/** Decode one frame (a second in, or the middle of shorter clips) into a JPEG; ffmpeg applies rotation itself. */
export async function extractPoster(path: string, durationMs: number, out: string): Promise<void> {
  const at = Math.min(1, durationMs / 2000).toFixed(3);
  await tool(
    'ffmpeg',
    path,
    FFMPEG_TIMEOUT_MS,
    [
      '-v',
      'error',
      '-nostdin',
      '-ss',
      at,
      '-i',
      path,
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-an',
      '-sn',
      '-c:v',
      'mjpeg',
      '-q:v',
      '2',
      '-f',
      'image2',
      '-y',
      out,
    ],
    'no frame could be decoded',
  );
}

const CONTAINER = { 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm' } as const;
export type VideoMime = keyof typeof CONTAINER;

/**
 * Copy the first video and audio streams into a fresh container without any metadata: phones store the
 * recording location (GPS) in MP4/MOV tags. No re-encode, so it costs I/O only.
 */
export async function stripVideoMetadata(
  path: string,
  mime: VideoMime,
  out: string,
): Promise<void> {
  const faststart = mime === 'video/webm' ? [] : ['-movflags', '+faststart'];
  await tool(
    'ffmpeg',
    path,
    FFMPEG_TIMEOUT_MS,
    [
      '-v',
      'error',
      '-nostdin',
      '-i',
      path,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      '-c',
      'copy',
      '-map_metadata',
      '-1',
      '-map_chapters',
      '-1',
      '-fflags',
      '+bitexact',
      ...faststart,
      '-f',
      CONTAINER[mime],
      '-y',
      out,
    ],
    'its streams could not be copied',
  );
}

async function tool(
  cmd: string,
  input: string,
  timeout: number,
  args: string[],
  what?: string,
): Promise<string> {
  return limit(async () => {
    try {
      const { stdout } = await run(cmd, args, {
        timeout,
        maxBuffer: 4 * 1024 * 1024,
        killSignal: 'SIGKILL',
      });
      return stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { killed?: boolean; stderr?: string };
      if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed`, { cause: err });
      if (e.killed)
        throw invalidMedia(`The video took longer than ${timeout / 1000} s to process.`);
      // ffmpeg names the input file in its errors; clients never see server paths.
      const reason = (e.stderr ?? '').split(input).join('input').split('\n')[0]?.trim();
      throw notPlayable(
        what ? `${what}${reason ? ` (${reason})` : ''}` : reason || 'it could not be read',
      );
    }
  });
}

function notPlayable(why: string) {
  return invalidMedia(`The file is not a playable video: ${why}.`);
}
