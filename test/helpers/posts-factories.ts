import type { MediaKind } from '../../src/db/types.js';
import { createMedia, type TestUser } from './factories.js';
import { expectStatus } from './http.js';
import type { TestApp } from './test-app.js';

export interface PostOptions {
  caption?: string;
  type?: 'post' | 'reel';
  locationId?: string;
  media?: MediaKind[];
}

/** Creates a post through the API (so hashtags and media positions are real) and returns it. */
export async function createPost(t: TestApp, author: TestUser, options: PostOptions = {}) {
  const mediaIds: string[] = [];
  for (const kind of options.media ?? ['image']) {
    mediaIds.push(String(await createMedia(t, author, kind)));
  }
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: author.headers,
    payload: {
      media_ids: mediaIds,
      ...(options.caption === undefined ? {} : { caption: options.caption }),
      ...(options.type === undefined ? {} : { type: options.type }),
      ...(options.locationId === undefined ? {} : { location_id: options.locationId }),
    },
  });
  return expectStatus(response, 201);
}

export async function createLocation(t: TestApp, user: TestUser, name = 'Somewhere') {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/locations',
    headers: user.headers,
    payload: { name },
  });
  return expectStatus(response, 201);
}

export const ids = (page: { data: { id: string }[] }) => page.data.map((item) => item.id);
