import { open } from 'node:fs/promises';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { invalidMedia, unsupportedType } from './errors.js';

export type MediaKind = 'image' | 'video';
export type AcceptedMime =
  | 'image/jpeg'
  | 'image/png'
  | 'image/webp'
  | 'image/gif'
  | 'video/mp4'
  | 'video/quicktime'
  | 'video/webm'
  | 'video/x-matroska';

export interface Sniffed {
  kind: MediaKind;
  mime: AcceptedMime;
}

const ACCEPTED: Record<string, Sniffed> = {
  'image/jpeg': { kind: 'image', mime: 'image/jpeg' },
  'image/png': { kind: 'image', mime: 'image/png' },
  // An animated PNG is a PNG whose first frame every decoder shows.
  'image/apng': { kind: 'image', mime: 'image/png' },
  'image/webp': { kind: 'image', mime: 'image/webp' },
  'image/gif': { kind: 'image', mime: 'image/gif' },
  'video/mp4': { kind: 'video', mime: 'video/mp4' },
  // M4V is the MP4 container under an Apple brand.
  'video/x-m4v': { kind: 'video', mime: 'video/mp4' },
  'video/quicktime': { kind: 'video', mime: 'video/quicktime' },
  'video/webm': { kind: 'video', mime: 'video/webm' },
  'video/x-matroska': { kind: 'video', mime: 'video/x-matroska' },
  // file-type's name for Matroska (.mkv).
  'video/matroska': { kind: 'video', mime: 'video/x-matroska' },
};

export const ACCEPTED_TEXT =
  'Accepted: images (JPEG, PNG, WebP, GIF) and videos (MP4, MOV, WebM, MKV).';

/** The media type of a file, decided from its bytes only (never its name or the client's Content-Type). */
export async function sniff(path: string): Promise<Sniffed> {
  const head = await readHead(path, 512);
  if (head.length === 0) throw invalidMedia('The file is empty.');
  const detected = await fileTypeFromFile(path);
  const accepted = detected && ACCEPTED[detected.mime];
  if (accepted) return accepted;
  const what = describeText(head) ?? (detected ? `${detected.mime} (.${detected.ext})` : undefined);
  const described = what ?? 'not a recognised image or video format';
  throw unsupportedType(`Unsupported file type: the content is ${described}. ${ACCEPTED_TEXT}`);
}

/** The kind the first bytes announce (undefined when not an accepted type), to pick a size limit mid-stream. */
export async function kindOfHead(head: Uint8Array): Promise<MediaKind | undefined> {
  const detected = await fileTypeFromBuffer(head);
  return detected ? ACCEPTED[detected.mime]?.kind : undefined;
}

/** Bytes file-type needs to recognise every accepted format. */
export const SNIFF_BYTES = 4100;

async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Names the text formats clients most often mislabel as images; undefined for binary data. */
function describeText(head: Buffer): string | undefined {
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (/<svg[\s>]/.test(text)) return 'an SVG image (SVG is not accepted: it can carry scripts)';
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML document';
  if (!looksLikeText(text)) return undefined;
  if (text.startsWith('<?xml')) return 'an XML document';
  return text.startsWith('%pdf') ? undefined : 'plain text';
}

function looksLikeText(text: string): boolean {
  // The sample may end inside a multi-byte character, so its last few characters are not judged.
  for (const ch of text.slice(0, -4)) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c))
      return false;
  }
  return true;
}
