import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { invalidMedia } from './errors.js';
import { createLimiter, type Limiter } from './semaphore.js';

const run = promisify(execFile);

export const MAX_VIDEO_SECONDS = 180;
/** Frames larger than 8K (8192 px, DCI) on either side are refused before anything decodes them. */
export const MAX_FRAME_SIDE = 8192;
/** Transcoded videos: longest side, frame rate and bitrate caps. */
export const VIDEO_MAX_SIDE = 1080;
export const VIDEO_MAX_FPS = 60;
export const VIDEO_MAX_BITRATE = '5M';
const PROBE_TIMEOUT_MS = 15_000;
const FFMPEG_TIMEOUT_MS = 120_000;
/** A 180 s 1080p60 clip on one reniced core takes minutes; past this the transcode is refused. */
const TRANSCODE_TIMEOUT_MS = 20 * 60_000;
/**
 * On Linux the tools are started through util-linux's setpriv with PR_SET_PDEATHSIG, so they die
 * with this process even when it is killed with SIGKILL: an orphaned transcode would otherwise
 * keep a core busy for minutes while another replica runs the same job again.
 */
const DIE_WITH_THIS_PROCESS =
  process.platform === 'linux' && existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--']
    : [];
/** Probes and poster frames at once in this process (transcodes have their own limit). */
const limit = createLimiter(2);

export interface VideoInfo {
  /** From the container header (trusted only for an early refusal); null when it has none. */
  duration_ms: number | null;
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

async function ffprobe(path: string, headerOnly: boolean): Promise<ProbeOutput> {
  const stdout = await tool('ffprobe', path, PROBE_TIMEOUT_MS, [
    '-v',
    'error',
    // Header only: no frame is decoded, so a 12000×12000 stream costs nothing to refuse.
    ...(headerOnly ? ['-nofind_stream_info'] : []),
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  try {
    return JSON.parse(stdout) as ProbeOutput;
  } catch {
    throw notPlayable('its container could not be parsed');
  }
}

/**
 * Reads the container's headers without decoding: a video stream, its frame size (≤ 8K) and
 * the duration the header claims (≤ 180 s). The header may lie; the transcode checks what
 * really decodes.
 */
export async function probeVideo(path: string): Promise<VideoInfo> {
  const probe = await ffprobe(path, true);
  const video = probe.streams?.find(
    (s) => s.codec_type === 'video' && !s.disposition?.attached_pic,
  );
  if (!video) throw notPlayable('the file has no video stream we can decode');
  if (!video.width || !video.height) throw notPlayable('its video stream has no frame size');
  if (Math.max(video.width, video.height) > MAX_FRAME_SIDE) {
    throw invalidMedia(
      `The video's frames are ${video.width}×${video.height} pixels; at most ${MAX_FRAME_SIDE} pixels on either side are accepted.`,
    );
  }
  const seconds = Number(probe.format?.duration ?? video.duration);
  const known = Number.isFinite(seconds) && seconds > 0;
  if (known && seconds > MAX_VIDEO_SECONDS) throw tooLong(seconds);
  const quarterTurn = Math.abs(rotationOf(video)) % 180 === 90;
  return {
    duration_ms: known ? Math.round(seconds * 1000) : null,
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    codec: video.codec_name ?? 'unknown',
  };
}

const tooLong = (seconds: number) =>
  invalidMedia(`The video is ${seconds.toFixed(1)} s long; the limit is ${MAX_VIDEO_SECONDS} s.`);

/** The frame size a transcode produces: longest side ≤ 1080, both sides even (yuv420p). */
export function transcodedSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, VIDEO_MAX_SIDE / Math.max(width, height));
  const even = (n: number) => Math.max(2, Math.trunc((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

export interface TranscodedVideo {
  width: number;
  height: number;
  /** Of the decoded streams, as written to the output. */
  duration_ms: number;
}

/**
 * Transcodes any decodable video to what every browser plays: H.264 High, yuv420p, AAC stereo,
 * MP4 with the index first (+faststart); longest side ≤ 1080, frame rate ≤ 60, bitrate capped;
 * no metadata (phones store the location). Rotation is applied to the pixels. Runs reniced
 * under `limiter`, so serving stays responsive. The decoded duration is checked here: the
 * output stops a second past the limit, and an output that long is refused.
 */
export async function transcodeVideo(
  path: string,
  out: string,
  limiter: Limiter,
): Promise<TranscodedVideo> {
  const side = `min(1\\,${VIDEO_MAX_SIDE}/max(iw\\,ih))`;
  await limiter(() =>
    tool(
      'ffmpeg',
      path,
      TRANSCODE_TIMEOUT_MS,
      [
        '-v',
        'error',
        '-nostdin',
        // A stream whose real frames exceed the header's size is still bounded when decoded.
        '-max_pixels',
        String(MAX_FRAME_SIDE * MAX_FRAME_SIDE),
        '-i',
        path,
        '-map',
        '0:v:0',
        '-map',
        '0:a:0?',
        '-t',
        String(MAX_VIDEO_SECONDS + 1),
        '-vf',
        `scale=w=trunc(${side}*iw/2)*2:h=trunc(${side}*ih/2)*2,setsar=1,format=yuv420p`,
        '-fpsmax',
        String(VIDEO_MAX_FPS),
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-profile:v',
        'high',
        '-crf',
        '23',
        '-maxrate',
        VIDEO_MAX_BITRATE,
        '-bufsize',
        '10M',
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ac',
        '2',
        '-map_metadata',
        '-1',
        '-map_chapters',
        '-1',
        '-sn',
        '-dn',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        '-y',
        out,
      ],
      'the file has no video stream we can decode',
      { nice: true },
    ),
  );
  const probe = await ffprobe(out, false);
  const video = probe.streams?.find((s) => s.codec_type === 'video');
  const seconds = Number(probe.format?.duration);
  if (!video?.width || !video.height || !Number.isFinite(seconds) || seconds <= 0) {
    throw notPlayable('no frame could be decoded');
  }
  if (seconds > MAX_VIDEO_SECONDS + 0.5) {
    throw invalidMedia(
      `The video plays for more than ${MAX_VIDEO_SECONDS} s (whatever its header says); the limit is ${MAX_VIDEO_SECONDS} s.`,
    );
  }
  return { width: video.width, height: video.height, duration_ms: Math.round(seconds * 1000) };
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

/** Runs ffmpeg or ffprobe; their stderr is never shown to clients, only the words in `what`. */
async function tool(
  cmd: string,
  input: string,
  timeout: number,
  args: string[],
  what?: string,
  options: { nice?: boolean } = {},
): Promise<string> {
  // Transcodes have their own limiter (the caller's); everything else shares this one.
  const within = options.nice ? <T>(fn: () => Promise<T>) => fn() : limit;
  return within(async () => {
    try {
      const [file, ...argv] = [
        ...DIE_WITH_THIS_PROCESS,
        ...(options.nice ? ['nice', '-n', '10'] : []),
        cmd,
        ...args,
      ];
      const { stdout } = await run(file!, argv, {
        timeout,
        maxBuffer: 4 * 1024 * 1024,
        killSignal: 'SIGKILL',
      });
      return stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { killed?: boolean; stderr?: string };
      // 127: a wrapper (setpriv, nice) found no such command.
      if (e.code === 'ENOENT' || (e.code as unknown) === 127) {
        throw new Error(`${cmd} is not installed`, { cause: err });
      }
      if (e.killed)
        throw invalidMedia(`The video took longer than ${timeout / 1000} s to process.`);
      // The tool's own words go to the server log (through the job's error), never to clients.
      const reason = (e.stderr ?? '').split(input).join('input').split('\n')[0]?.trim();
      throw notPlayable(what ?? 'it could not be read', reason);
    }
  });
}

/** `internal` (the tool's stderr) stays on the error's cause for logs; `detail` is for clients. */
function notPlayable(why: string, internal?: string) {
  const error = invalidMedia(`The file is not a playable video: ${why}.`);
  if (internal) error.cause = internal;
  return error;
}
