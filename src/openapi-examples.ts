/**
 * Example objects of the API document, in one place so every schema that embeds another
 * (a Post's author and media, a Story's media, a page of posts) shows the same data.
 * test/openapi/document.test.ts validates every example against its schema.
 */

const MEDIA_BASE = 'https://photogram.example/media';

export const exampleUser = {
  id: '42',
  username: 'ada.lovelace',
  name: 'Ada Lovelace',
  profile_image_url: `${MEDIA_BASE}/5e/1c/5e1c0a7d2b9f4e3a8c6d1f0b2a7e9c4d.jpg`,
  is_private: false,
};

export const exampleFollower = {
  id: '57',
  username: 'grace_h',
  name: 'Grace Hopper',
  profile_image_url: null,
  is_private: true,
};

export const exampleProfile = {
  ...exampleUser,
  nickname: 'Ada',
  bio: 'Analytical engines, harbour mornings and film photography.',
  website: 'https://ada.example.org',
  posts_count: 128,
  followers_count: 2048,
  following_count: 311,
  is_following: true,
  follows_you: false,
  follow_requested: false,
  blocking: false,
  muting: false,
  created_at: '2025-03-14T09:26:53.000Z',
};

export const exampleMe = {
  ...exampleProfile,
  is_following: false,
  email: 'ada@example.com',
  email_verified: true,
  tag_approval: 'auto',
  role: 'user',
};

export const exampleImage = {
  id: '1187',
  type: 'image',
  url: `${MEDIA_BASE}/a3/f9/a3f94c1e7b2d4a6f8e0c9b1d3f5a7c2e.jpg`,
  width: 1080,
  height: 1350,
  duration_ms: null,
  thumbnail_url: `${MEDIA_BASE}/a3/f9/a3f94c1e7b2d4a6f8e0c9b1d3f5a7c2e.thumb.jpg`,
  poster_url: null,
  blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
  status: 'ready',
  failure_reason: null,
  alt_text: 'Tiled rooftops of Porto at sunset, the river in the background',
};

export const exampleVideo = {
  id: '1188',
  type: 'video',
  url: `${MEDIA_BASE}/0b/7d/0b7d2e9f4c1a3b5d7e9f1a3c5e7b9d1f.mp4`,
  width: 1080,
  height: 1920,
  duration_ms: 14_520,
  thumbnail_url: `${MEDIA_BASE}/0b/7d/0b7d2e9f4c1a3b5d7e9f1a3c5e7b9d1f.thumb.jpg`,
  poster_url: `${MEDIA_BASE}/0b/7d/0b7d2e9f4c1a3b5d7e9f1a3c5e7b9d1f.poster.jpg`,
  blurhash: 'L6PZfSi_.AyE_3t7t7R**0o#DgR4',
  status: 'ready',
  failure_reason: null,
  alt_text: null,
};

export const exampleLocation = {
  id: '9',
  name: 'Porto Ribeira',
  address: 'Cais da Ribeira, 4050-510 Porto, Portugal',
  lat: 41.1407,
  lng: -8.6131,
};

export const examplePost = {
  id: '305',
  type: 'post',
  caption: 'Morning light over the river #porto #film',
  author: exampleUser,
  media: [
    { ...exampleImage, tags: [] },
    { ...exampleVideo, tags: [] },
  ],
  location: exampleLocation,
  hashtags: ['porto', 'film'],
  mentions: [],
  like_count: 87,
  comment_count: 6,
  view_count: 412,
  liked_by_me: true,
  saved_by_me: false,
  comments_disabled: false,
  hide_like_count: false,
  created_at: '2026-11-24T21:17:19.000Z',
  updated_at: '2026-11-24T21:30:02.000Z',
  edited_at: '2026-11-24T21:30:02.000Z',
  archived_at: null,
};

export const exampleComment = {
  id: '7731',
  post_id: examplePost.id,
  author: exampleFollower,
  text: 'That light! Which film stock? @ada.lovelace',
  mentions: [{ id: exampleUser.id, username: exampleUser.username }],
  parent_id: null,
  reply_count: 1,
  like_count: 3,
  liked_by_me: false,
  created_at: '2026-11-24T21:40:02.000Z',
};

export const exampleStory = {
  id: '640',
  author: exampleUser,
  media: exampleImage,
  created_at: '2026-11-25T07:58:10.000Z',
  expires_at: '2026-11-26T07:58:10.000Z',
  seen_by_me: false,
  liked_by_me: false,
  audience: 'everyone' as const,
};

export const exampleTokenPair = {
  user: exampleUser,
  access_token:
    'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJhY2Nlc3MiLCJzdWIiOiI0MiIsImlzcyI6InBob3RvZ3JhbSIsImlhdCI6MTc5NjQwMjk1MSwiZXhwIjoxNzk2NDAzODUxfQ.6kQm0u2Jc4Yd1Pzq7nXw3rVt9sLh5bGf8aEo2iKj4Tc',
  refresh_token: 'vJ3q8Zk1mR7tYw2pXc5nLd9sQf4hGb6aEe0uKi-Oy_M',
  token_type: 'Bearer',
  expires_in: 900,
};

const problemOf = (status: number, title: string, code: string, detail: string) => ({
  type: `urn:photogram:problem:${code}`,
  title,
  status,
  detail,
  code,
  instance: `/api/v1/posts/${examplePost.id}`,
});

export const exampleProblem = {
  ...problemOf(
    400,
    'Bad Request',
    'validation_failed',
    'Invalid request: media_ids must NOT have fewer than 1 items.',
  ),
  instance: '/api/v1/posts',
  errors: [{ field: 'media_ids', message: 'must NOT have fewer than 1 items' }],
};

/** A problem for each error status the document declares, as the server words them. */
export const exampleProblems: Record<string, object> = {
  '400': exampleProblem,
  '401': problemOf(401, 'Unauthorized', 'not_authenticated', 'A valid access token is required.'),
  '403': problemOf(
    403,
    'Forbidden',
    'forbidden',
    'This account is private: only its approved followers see its posts.',
  ),
  '404': problemOf(404, 'Not Found', 'not_found', 'Post not found.'),
  '409': problemOf(409, 'Conflict', 'conflict', 'That username is already taken.'),
  '413': problemOf(
    413,
    'Payload Too Large',
    'payload_too_large',
    'The upload exceeds 15 MB, the limit for images.',
  ),
  '415': problemOf(
    415,
    'Unsupported Media Type',
    'unsupported_media_type',
    'Send the file as multipart/form-data, in a part named "file".',
  ),
  '422': problemOf(
    422,
    'Unprocessable Entity',
    'idempotency_key_reused',
    'This Idempotency-Key was already used with a different request.',
  ),
  '429': problemOf(
    429,
    'Too Many Requests',
    'rate_limited',
    'Too many attempts from your address; try again in 42 s.',
  ),
  '503': problemOf(
    503,
    'Service Unavailable',
    'service_unavailable',
    'The database is not reachable.',
  ),
  '500': problemOf(
    500,
    'Internal Server Error',
    'internal_error',
    'Something went wrong on our side. It has been logged.',
  ),
};

/** What `next_cursor` looks like: opaque, pass it back as `?cursor=`. */
export const exampleCursor = 'WyIyMDI2LTExLTI0VDIxOjE3OjE5LjAwMFoiLDMwNV0';

export const exampleReport = {
  id: '88',
  target_type: 'post',
  target_id: '305',
  reason: 'spam',
  details: 'The same link is posted under every picture of the harbour.',
  status: 'open',
  created_at: '2026-11-25T08:12:40.000Z',
};

export const exampleSnapshot = {
  author: { id: '57', username: 'grace_h' },
  text: 'Cheap followers at shady.example, today only!',
  media_keys: ['a3/f9/a3f94c1e7b2d4a6f8e0c9b1d3f5a7c2e.jpg'],
  media_urls: [`${MEDIA_BASE}/a3/f9/a3f94c1e7b2d4a6f8e0c9b1d3f5a7c2e.jpg`],
  post_id: null,
};

export const exampleAdminReport = {
  ...exampleReport,
  status: 'resolved',
  reporter: { id: '42', username: 'ada.lovelace' },
  target_user: { id: '57', username: 'grace_h' },
  snapshot: exampleSnapshot,
  resolution: {
    action: 'remove_content',
    note: 'Link spam, third report this week.',
    moderator: { id: '7', username: 'mod.margaret' },
    resolved_at: '2026-11-25T09:30:05.000Z',
  },
};

export const exampleAuditEntry = {
  id: '14',
  actor: { id: '7', username: 'mod.margaret' },
  action: 'remove_content',
  target: { type: 'post', id: '305' },
  report_id: '88',
  note: 'Link spam, third report this week.',
  created_at: '2026-11-25T09:30:05.000Z',
};
