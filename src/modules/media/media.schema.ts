import { type Static, Type } from 'typebox';
import { Id } from '../../common.schema.js';
import type { Media } from '../../db/types.js';
import type { MediaUrl } from '../users/user-summary.js';
import { exampleImage } from '../../openapi-examples.js';

export const MediaSchema = Type.Object(
  {
    id: Id,
    type: Type.Union([Type.Literal('image'), Type.Literal('video')]),
    url: Type.String({
      description:
        'Display version (images ≤ 1080 px wide) or the video file. Public posts: a plain URL that never changes. Private accounts, stories and unposted uploads: a signed URL that expires (MEDIA_URL_TTL_SECONDS; the same within a quarter of it): fetch the resource again for a fresh one; the plain URL of such a file is 403.',
    }),
    width: Type.Integer(),
    height: Type.Integer(),
    duration_ms: Type.Union([Type.Integer(), Type.Null()]),
    thumbnail_url: Type.String({ description: 'Thumbnail ≤ 320 px (a video’s poster frame)' }),
    poster_url: Type.Union([Type.String(), Type.Null()], {
      description: 'Videos: full-size poster frame; null for images',
    }),
    blurhash: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union(
      [Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')],
      {
        description:
          'Videos are transcoded after the upload: while `processing`, `url`, `thumbnail_url` and `poster_url` name files that do not exist yet, and `width`, `height` and `duration_ms` are estimates. Only `ready` media can be used by a post or story.',
      },
    ),
    failure_reason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why processing failed (status `failed`), in words; null otherwise',
    }),
    alt_text: Type.Union([Type.String(), Type.Null()], {
      description: 'Text for people who cannot see the image (screen readers); null if none',
    }),
  },
  { title: 'Media', examples: [exampleImage] },
);
export type MediaDto = Static<typeof MediaSchema>;

/** The columns `toMediaDto` needs; every query that hydrates Media selects exactly these. */
export const MEDIA_DTO_COLUMNS = [
  'id',
  'kind',
  'storage_key',
  'thumbnail_key',
  'poster_key',
  'width',
  'height',
  'duration_ms',
  'blurhash',
  'alt_text',
  'status',
  'failure_reason',
] as const;
export type MediaRowForDto = Pick<Media, (typeof MEDIA_DTO_COLUMNS)[number]>;

/**
 * `signed`: the caller knows the media is not a public account's post (a private author, a
 * story, an unattached upload), so its URLs expire; GET /media refuses their plain URLs.
 */
export const toMediaDto = (row: MediaRowForDto, mediaUrl: MediaUrl, signed: boolean): MediaDto => ({
  id: String(row.id),
  type: row.kind,
  url: mediaUrl(row.storage_key, signed),
  width: row.width,
  height: row.height,
  duration_ms: row.duration_ms,
  thumbnail_url: mediaUrl(row.thumbnail_key, signed),
  poster_url: row.poster_key ? mediaUrl(row.poster_key, signed) : null,
  blurhash: row.blurhash,
  status: row.status,
  failure_reason: row.failure_reason,
  alt_text: row.alt_text,
});

export const MAX_ALT_TEXT_LENGTH = 1000;
export const AltText = Type.String({
  maxLength: MAX_ALT_TEXT_LENGTH,
  description: 'Up to 1,000 characters; an empty string clears it',
});

export const UploadDescription =
  'multipart/form-data with one part named `file`. Images: JPEG, PNG, WebP, GIF (first frame) up to ' +
  '15 MB and 50 megapixels; videos: MP4, MOV, WebM, MKV up to 200 MB, 180 s and 8192 px on either side, transcoded ' +
  'to H.264/AAC MP4 (longest side 1080 px, at most 60 fps). The type is sniffed from the bytes. 413 as soon ' +
  'as the limit is exceeded, 415 for other types, 400 for corrupt files. 201 with the finished media; ' +
  '202 with `status: "processing"` when a video takes longer than MEDIA_SYNC_WAIT_MS (10 s): poll ' +
  '`GET /media/{id}` until it is `ready` or `failed`.';
