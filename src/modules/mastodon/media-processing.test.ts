import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { makeVideo, multipartForm, tempDir } from '../../../test/helpers/media-fixtures.js';
import { oauthToken } from '../../../test/helpers/oauth.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

/** A video still transcoding, as Mastodon apps see it: 202, then 206 until it is ready. */
let t: TestApp;
let fixtures: { dir: string; cleanup: () => Promise<void> };
before(async () => {
  // No workers of its own and no waiting: the test decides when the transcode runs.
  t = await buildTestApp({ env: { MEDIA_SYNC_WAIT_MS: '0', JOB_CONCURRENCY: '0' } });
  fixtures = await tempDir();
});
after(async () => {
  await t.close();
  await fixtures.cleanup();
});

test('v2 upload of a video: 202 with url null, 206 while processing, 422 on a status, then 200', async () => {
  const user = await createUser(t);
  const { headers } = await oauthToken(t, user);
  const clip = await makeVideo(fixtures.dir, 'clip.mp4', { container: 'mp4', seconds: 1 });
  const form = multipartForm(await readFile(clip), { filename: 'clip.mp4', type: 'video/mp4' });
  const uploaded = await t.app.inject({
    method: 'POST',
    url: '/api/v2/media',
    headers: { ...headers, ...form.headers },
    payload: form.payload,
  });
  const attachment = expectStatus(uploaded, 202);
  assert.equal(attachment.type, 'video');
  assert.equal(attachment.url, null);

  const get = () => t.app.inject({ url: `/api/v1/media/${attachment.id}`, headers });
  assert.equal(expectStatus(await get(), 206).url, null);
  const status = await t.app.inject({
    method: 'POST',
    url: '/api/v1/statuses',
    headers,
    payload: { status: 'too soon', media_ids: [attachment.id] },
  });
  assert.equal(status.statusCode, 422);
  assert.match(status.json().error, /not finished processing/);

  await t.drainJobs();
  const ready = expectStatus(await get(), 200);
  assert.match(ready.url, /^http/);
  assert.equal(ready.meta.original.duration, 1);
  const posted = await t.app.inject({
    method: 'POST',
    url: '/api/v1/statuses',
    headers,
    payload: { status: 'now', media_ids: [attachment.id] },
  });
  assert.equal(expectStatus(posted, 200).media_attachments[0].id, attachment.id);
});
