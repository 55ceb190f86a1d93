import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { makeImage } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

async function upload(user: TestUser, data: Buffer) {
  const boundary = `----posts${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n` +
        'Content-Type: image/png\r\n\r\n',
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload,
    headers: { ...user.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  return expectStatus(response, 201);
}

const fileStatus = async (url: string) =>
  (await t.app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search }))
    .statusCode;

test('real uploads become a carousel; deleting the post removes their files', async () => {
  const alice = await createUser(t);
  const first = await upload(alice, await makeImage('png', 64, 48));
  const second = await upload(alice, await makeImage('jpeg', 32, 32));
  const created = expectStatus(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: alice.headers,
      payload: { media_ids: [second.id, first.id], caption: 'two #uploads' },
    }),
    201,
  );
  assert.deepEqual(
    created.media.map((m: { id: string }) => m.id),
    [second.id, first.id],
  );
  // The upload answered signed URLs (an unattached file); a public post's media has plain ones.
  const plain = (url: string) => url.split('?')[0];
  assert.deepEqual(created.media[1], {
    ...first,
    url: plain(first.url),
    thumbnail_url: plain(first.thumbnail_url),
    tags: [],
  });
  const urls = created.media.flatMap((m: { url: string; thumbnail_url: string }) => [
    m.url,
    m.thumbnail_url,
  ]);
  for (const url of urls) assert.equal(await fileStatus(url), 200, url);

  const reuse = await t.app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: alice.headers,
    payload: { media_ids: [first.id] },
  });
  assert.equal(reuse.statusCode, 400);

  const deleted = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/posts/${created.id}`,
    headers: alice.headers,
  });
  assert.equal(deleted.statusCode, 204);
  for (const url of urls) assert.equal(await fileStatus(url), 404, url);
});
