import assert from 'node:assert/strict';
import { addSeconds, toDbTime } from '../../src/db/time.js';
import type { MediaKind } from '../../src/db/types.js';
import { createMedia, type TestUser } from './factories.js';
import type { TestApp } from './test-app.js';

/** Posts a story through the API (upload → POST /stories) and returns its id. */
export async function postStory(t: TestApp, author: TestUser, kind: MediaKind = 'image') {
  const mediaId = await createMedia(t, author, kind);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/stories',
    headers: author.headers,
    payload: { media_id: String(mediaId) },
  });
  assert.equal(response.statusCode, 201, response.body);
  return (response.json() as { id: string }).id;
}

/**
 * Inserts a story row directly, created `agoSeconds` before the test clock's now, for tests that
 * need exact ordering or already-expired stories.
 */
export async function insertStory(
  t: TestApp,
  author: TestUser,
  agoSeconds: number,
  ttlSeconds = t.config.storyTtlSeconds,
): Promise<string> {
  const mediaId = await createMedia(t, author);
  const createdAt = toDbTime(new Date(t.clock.now().getTime() - agoSeconds * 1000));
  const inserted = await t.db
    .insertInto('stories')
    .values({
      author_id: author.id,
      media_id: mediaId,
      created_at: createdAt,
      expires_at: addSeconds(createdAt, ttlSeconds),
    })
    .executeTakeFirstOrThrow();
  const id = Number(inserted.insertId);
  await t.db.updateTable('media').set({ story_id: id }).where('id', '=', mediaId).execute();
  return String(id);
}

export async function viewStory(t: TestApp, viewer: TestUser, storyId: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/stories/${storyId}/view`,
    headers: viewer.headers,
  });
  assert.equal(response.statusCode, 204, response.body);
}
