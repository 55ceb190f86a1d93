import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createUser, deactivate, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { createPost } from '../../../test/helpers/posts-factories.js';
import { postStory } from '../../../test/helpers/stories-factories.js';
import { startTestS3 } from '../../../test/helpers/s3-server.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { createStorage } from '../../media/storage.js';

/**
 * Issue #18: media of private accounts and of stories is served through signed URLs that
 * expire; public posts' media keeps plain URLs; GET /media refuses plain URLs of anything else.
 */
let t: TestApp;
before(async () => {
  // Tokens outlive the moves of the clock past MEDIA_URL_TTL_SECONDS.
  t = await buildTestApp({ env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
});
after(async () => t.close());

interface MediaUrls {
  url: string;
  thumbnail_url: string;
}

/** createMedia writes rows only: give every key of the user's media a file to serve. */
async function writeFiles(ownerId: number) {
  const rows = await t.db
    .selectFrom('media')
    .select(['storage_key', 'thumbnail_key'])
    .where('owner_id', '=', ownerId)
    .execute();
  for (const key of rows.flatMap((row) => [row.storage_key, row.thumbnail_key])) {
    const path = join(t.config.mediaDir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `file ${key}`);
  }
}

const pathOf = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
const plainPathOf = (url: string) => new URL(url).pathname;
const get = (path: string) => t.app.inject({ method: 'GET', url: path });

async function postMedia(viewer: TestUser, postId: string): Promise<MediaUrls> {
  const post = expectStatus(
    await t.app.inject({ method: 'GET', url: `/api/v1/posts/${postId}`, headers: viewer.headers }),
    200,
  );
  return post.media[0] as MediaUrls;
}

const goPrivate = async (user: TestUser) =>
  expectStatus(
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: user.headers,
      payload: { is_private: true },
    }),
    200,
  );

function expectForbidden(response: Awaited<ReturnType<typeof get>>) {
  assert.equal(response.statusCode, 403, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(response.json().code, 'forbidden');
}

describe('private media', () => {
  it("serves a public post's media by a plain, immutable URL", async () => {
    const pub = await createUser(t);
    const post = await createPost(t, pub);
    await writeFiles(pub.id);
    const media = post.media[0] as MediaUrls;
    assert.doesNotMatch(media.url, /\?/);
    assert.doesNotMatch(media.thumbnail_url, /\?/);
    const file = await get(pathOf(media.url));
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(file.body, `file ${plainPathOf(media.url).slice('/media/'.length)}`);
  });

  it("signs a private account's media; unsigned, tampered and expired links are 403", async () => {
    const owner = await createUser(t);
    await goPrivate(owner);
    const post = await createPost(t, owner);
    await writeFiles(owner.id);
    const media = await postMedia(owner, post.id);
    assert.match(media.url, /\?exp=\d+&sig=[a-f0-9]{64}$/);
    assert.match(media.thumbnail_url, /\?exp=\d+&sig=[a-f0-9]{64}$/);

    // The same page renders identical URLs (the expiry is rounded to a window).
    assert.deepEqual(await postMedia(owner, post.id), media);

    const signed = await get(pathOf(media.url));
    assert.equal(signed.statusCode, 200);
    assert.match(String(signed.headers['cache-control']), /^private, max-age=\d+$/);
    const maxAge = Number(/max-age=(\d+)/.exec(String(signed.headers['cache-control']))![1]);
    assert.ok(maxAge > 0 && maxAge <= t.config.mediaUrlTtlSeconds, `max-age ${maxAge}`);
    assert.equal((await get(pathOf(media.thumbnail_url))).statusCode, 200);

    expectForbidden(await get(plainPathOf(media.url)));
    expectForbidden(await get(plainPathOf(media.thumbnail_url)));

    const url = new URL(media.url);
    const sig = url.searchParams.get('sig')!;
    const exp = url.searchParams.get('exp')!;
    const tampered = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expectForbidden(await get(`${url.pathname}?exp=${exp}&sig=${tampered}`));
    // A later expiry with the same signature, or the thumbnail's signature on the file.
    expectForbidden(await get(`${url.pathname}?exp=${Number(exp) + 3600}&sig=${sig}`));
    const thumbSig = new URL(media.thumbnail_url).searchParams.get('sig')!;
    expectForbidden(await get(`${url.pathname}?exp=${exp}&sig=${thumbSig}`));
    expectForbidden(await get(`${url.pathname}?sig=${sig}`));

    // Past the TTL the link has expired.
    t.clock.setOffset((t.config.mediaUrlTtlSeconds + 1) * 1000);
    try {
      expectForbidden(await get(pathOf(media.url)));
      // A fresh page signs again, and that link works.
      const fresh = await postMedia(owner, post.id);
      assert.notEqual(fresh.url, media.url);
      assert.equal((await get(pathOf(fresh.url))).statusCode, 200);
    } finally {
      t.clock.setOffset(0);
    }
  });

  it('refuses the old plain URL once the account turns private', async () => {
    const owner = await createUser(t);
    const post = await createPost(t, owner);
    await writeFiles(owner.id);
    const media = post.media[0] as MediaUrls;
    assert.equal((await get(pathOf(media.url))).statusCode, 200);

    await goPrivate(owner);
    expectForbidden(await get(pathOf(media.url)));
    expectForbidden(await get(pathOf(media.thumbnail_url)));
    const now = await postMedia(owner, post.id);
    assert.match(now.url, /\?exp=\d+&sig=/);
    assert.equal((await get(pathOf(now.url))).statusCode, 200);
  });

  it('refuses the plain URL of a deactivated account', async () => {
    const owner = await createUser(t);
    const post = await createPost(t, owner);
    await writeFiles(owner.id);
    const media = post.media[0] as MediaUrls;
    assert.equal((await get(pathOf(media.url))).statusCode, 200);
    await deactivate(t, owner);
    expectForbidden(await get(pathOf(media.url)));
  });

  it("signs an archived post's media for its author; its old plain URL is 403", async () => {
    const owner = await createUser(t);
    const post = await createPost(t, owner);
    await writeFiles(owner.id);
    const media = post.media[0] as MediaUrls;
    expectStatus(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${post.id}/archive`,
        headers: owner.headers,
      }),
      200,
    );
    expectForbidden(await get(pathOf(media.url)));
    const archived = await postMedia(owner, post.id);
    assert.match(archived.url, /\?exp=\d+&sig=/);
    assert.equal((await get(pathOf(archived.url))).statusCode, 200);
  });

  it("signs stories' media, even a public account's; unsigned is 403", async () => {
    const author = await createUser(t);
    const storyId = await postStory(t, author);
    await writeFiles(author.id);
    const story = expectStatus(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/stories/${storyId}`,
        headers: author.headers,
      }),
      200,
    );
    const media = story.media as MediaUrls;
    assert.match(media.url, /\?exp=\d+&sig=[a-f0-9]{64}$/);
    assert.equal((await get(pathOf(media.url))).statusCode, 200);
    expectForbidden(await get(plainPathOf(media.url)));
    t.clock.setOffset((t.config.mediaUrlTtlSeconds + 1) * 1000);
    try {
      expectForbidden(await get(pathOf(media.url)));
    } finally {
      t.clock.setOffset(0);
    }
  });

  it('keeps 404 for a well-signed key with no file, and for keys that are not keys', async () => {
    const owner = await createUser(t);
    await goPrivate(owner);
    const post = await createPost(t, owner);
    const media = await postMedia(owner, post.id);
    // No writeFiles: the signature is good, the file is missing.
    assert.equal((await get(pathOf(media.url))).statusCode, 404);
    assert.equal((await get('/media/nope.jpg?exp=1&sig=00')).statusCode, 404);
  });
});

describe('private media on S3', () => {
  it("presigns a private account's media; a public post's stays plain", async () => {
    const s3 = await startTestS3();
    const env = {
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    };
    const app = await buildTestApp({ env });
    const storage = createStorage(app.config);
    try {
      const pub = await createUser(app);
      const priv = await createUser(app);
      expectStatus(
        await app.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          headers: priv.headers,
          payload: { is_private: true },
        }),
        200,
      );
      const plain = (await createPost(app, pub)).media[0] as MediaUrls;
      assert.equal(plain.url.startsWith(`${s3.endpoint}/${s3.bucket}/`), true, plain.url);
      assert.doesNotMatch(plain.url, /\?/);
      const signed = (await createPost(app, priv)).media[0] as MediaUrls;
      assert.match(
        signed.url,
        /\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=[a-f0-9]{64}$/,
      );
      const key = new URL(signed.url).pathname.slice(`/${s3.bucket}/`.length);
      await storage.put(key, Buffer.from('private bytes'), 'image/webp');
      const file = await fetch(signed.url);
      assert.equal(file.status, 200);
      assert.equal(await file.text(), 'private bytes');
    } finally {
      await storage.close();
      await app.close();
      await s3.stop();
    }
  });
});
