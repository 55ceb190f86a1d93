import { createPhotogramClient, uploadForm } from './index.js';

export async function shareAPhoto(
  baseUrl: string,
  username: string,
  password: string,
  photo: Blob,
) {
  // Log in (POST /api/v1/auth/signup answers with the same tokens for a new account).
  const guest = createPhotogramClient({ baseUrl });
  const login = await guest.POST('/api/v1/auth/login', { body: { username, password } });
  if (login.error) throw new Error(`login: ${login.error.detail}`);
  const api = createPhotogramClient({ baseUrl, accessToken: login.data.access_token });

  // Upload the photo as multipart/form-data; it stays unattached until a post uses it.
  const media = await api.POST('/api/v1/media', {
    body: { file: photo },
    bodySerializer: uploadForm,
  });
  if (media.error) throw new Error(`upload: ${media.error.detail}`);

  // Post it, then read the home feed (newest first; pass next_cursor as cursor for more).
  const post = await api.POST('/api/v1/posts', {
    body: { media_ids: [media.data.id], caption: 'Morning at the harbour #sea' },
  });
  if (post.error) throw new Error(`post: ${post.error.detail}`);
  const feed = await api.GET('/api/v1/feed', { params: { query: { limit: 10 } } });
  if (feed.error) throw new Error(`feed: ${feed.error.detail}`);
  return { post: post.data, feed: feed.data.data };
}
