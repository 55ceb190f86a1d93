import { createMediaSigner } from '../../media/signed-url.js';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createSessionCheck } from '../auth/session-check.js';
import { createNotificationBus } from '../notifications/notification-bus.js';
import type { AppDeps } from '../../deps.js';
import { toDbTime } from '../../db/time.js';
import { createStorage } from '../../media/storage.js';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import {
  gpsEntryCount,
  makeAnimatedGif,
  makeImage,
  makeJpegWithGps,
  makeVideo,
  multipartForm,
  tempDir,
} from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { deleteMediaFiles, sweepUnattachedMedia } from './media.service.js';
import { sweepStaleUploads, uploadTempDir } from './receive-upload.js';

describe('media', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let fixtures: { dir: string; cleanup: () => Promise<void> };
  let mp4: string;

  before(async () => {
    t = await buildTestApp();
    alice = await createUser(t);
    bob = await createUser(t);
    fixtures = await tempDir();
    mp4 = await makeVideo(fixtures.dir, 'clip.mp4', {
      container: 'mp4',
      location: '+48.8577+002.2950/',
    });
  });
  after(async () => {
    await t.close();
    await fixtures.cleanup();
  });

  const upload = (
    data: Buffer | string,
    user: TestUser | null = alice,
    opts = {},
    url = '/api/v1/media',
  ) => {
    const { payload, headers } = multipartForm(data, opts);
    return t.app.inject({
      method: url.endsWith('profile-image') ? 'PUT' : 'POST',
      url,
      payload,
      headers: user ? { ...headers, ...user.headers } : headers,
    });
  };
  /** The path and query (a signature) of a media URL. */
  const pathOf = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
  const fetchFile = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: pathOf(url), headers });
  const storedFiles = async () =>
    (await readdir(t.config.mediaDir, { recursive: true }).catch(() => [] as string[])).filter(
      (f) => /\.\w+$/.test(f),
    );
  const tempFiles = async () => readdir(join(t.config.dataDir, 'tmp')).catch(() => [] as string[]);

  /** A rejected upload answers `status` with `code` and leaves no file in storage or temp. */
  async function expectRejected(
    data: Buffer | string,
    status: number,
    code: string,
    detail: RegExp,
    opts = {},
  ) {
    const stored = await storedFiles();
    const rows = await t.db.selectFrom('media').select('id').execute();
    const response = await upload(data, alice, opts);
    const body = expectStatus(response, status);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(body.code, code);
    assert.match(body.detail, detail);
    assert.deepEqual(await storedFiles(), stored, 'no file left in storage');
    assert.deepEqual(await tempFiles(), [], 'no temp file left');
    assert.equal(
      (await t.db.selectFrom('media').select('id').execute()).length,
      rows.length,
      'no row',
    );
    return body;
  }

  describe('POST /media', () => {
    it('requires authentication', async () => {
      const response = await upload(await makeImage('jpeg', 10, 10), null);
      assert.equal(expectStatus(response, 401).code, 'not_authenticated');
    });

    it('re-encodes a JPEG with EXIF GPS: rotated, resized, metadata gone from every served file', async () => {
      const input = await makeJpegWithGps(2400, 1800);
      assert.ok(gpsEntryCount((await sharp(input).metadata()).exif) > 0, 'fixture has GPS');
      const response = await upload(input);
      const media = expectStatus(response, 201);
      assert.equal(response.headers.location, `/api/v1/media/${media.id}`);
      assert.deepEqual(
        { ...media, id: undefined, url: undefined, thumbnail_url: undefined, blurhash: undefined },
        {
          id: undefined,
          type: 'image',
          url: undefined,
          width: 1080,
          height: 1440,
          duration_ms: null,
          thumbnail_url: undefined,
          poster_url: null,
          blurhash: undefined,
          status: 'ready',
          failure_reason: null,
          alt_text: null,
        },
      );
      assert.match(
        media.url,
        /^http:\/\/photogram\.test\/media\/[a-f0-9]{2}\/[a-f0-9]{2}\/[a-f0-9]{64}\.jpg\?exp=\d+&sig=[a-f0-9]{64}$/,
      );
      assert.equal(media.blurhash.length, 28);

      for (const [url, size] of [
        [media.url, [1080, 1440]],
        [media.thumbnail_url, [240, 320]],
      ] as const) {
        const file = await fetchFile(url);
        assert.equal(file.statusCode, 200);
        assert.equal(file.headers['content-type'], 'image/jpeg');
        // An unattached upload is served signed: the browser may keep it, a shared cache not.
        assert.match(String(file.headers['cache-control']), /^private, max-age=\d+$/);
        assert.match(String(file.headers.etag), /^"[a-f0-9]{64}"$/);
        const meta = await sharp(file.rawPayload).metadata();
        assert.deepEqual([meta.width, meta.height], size);
        assert.equal(meta.exif, undefined);
        assert.equal(file.rawPayload.includes('PhotogramTestCam'), false);
      }
      const row = await t.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', Number(media.id))
        .executeTakeFirstOrThrow();
      assert.equal(row.owner_id, alice.id);
      assert.equal(row.post_id, null);
      assert.equal(row.mime, 'image/jpeg');
    });

    it('accepts PNG (alpha kept as WebP), WebP and animated GIF (first frame)', async () => {
      const png = expectStatus(
        await upload(await makeImage('png', 640, 480, { alpha: true }), alice, {
          filename: 'a.png',
        }),
        201,
      );
      assert.deepEqual([png.width, png.height], [640, 480]);
      assert.match(png.url, /\.webp\?/);
      assert.equal((await fetchFile(png.url)).headers['content-type'], 'image/webp');
      const webp = expectStatus(await upload(await makeImage('webp', 2160, 1080)), 201);
      assert.deepEqual([webp.width, webp.height], [1080, 540]);
      const gif = expectStatus(await upload(await makeAnimatedGif(60, 40)), 201);
      assert.deepEqual([gif.width, gif.height], [60, 40]);
      const frame = await sharp((await fetchFile(gif.url)).rawPayload).stats();
      assert.ok(frame.dominant.r > 200, 'first (red) frame');
    });

    it('uploads a video: probed, a poster frame and its thumbnail, location tag removed', async () => {
      const { readFile } = await import('node:fs/promises');
      const response = await upload(await readFile(mp4), alice, {
        filename: 'clip.mp4',
        type: 'video/mp4',
      });
      const media = expectStatus(response, 201);
      assert.equal(media.type, 'video');
      assert.deepEqual([media.width, media.height, media.duration_ms], [640, 360, 2000]);
      assert.match(media.url, /\.mp4\?/);
      const video = await fetchFile(media.url);
      assert.equal(video.headers['content-type'], 'video/mp4');
      assert.equal(video.rawPayload.includes('48.8577'), false, 'no location in the served video');
      const poster = await sharp((await fetchFile(media.poster_url)).rawPayload).metadata();
      assert.deepEqual([poster.width, poster.height, poster.exif], [640, 360, undefined]);
      const thumb = await sharp((await fetchFile(media.thumbnail_url)).rawPayload).metadata();
      assert.deepEqual([thumb.width, thumb.height], [320, 180]);

      const partial = await fetchFile(media.url, { range: 'bytes=0-99' });
      assert.equal(partial.statusCode, 206);
      assert.equal(partial.rawPayload.length, 100);
      assert.equal(partial.headers['content-range'], `bytes 0-99/${video.rawPayload.length}`);
    });

    it('answers 415 for a text file named .jpg sent as image/jpeg, leaving nothing behind', async () => {
      await expectRejected(
        'not a picture at all\n',
        415,
        'unsupported_media_type',
        /plain text.*Accepted: images/,
      );
    });

    it('answers 415 for SVG and PDF', async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
      await expectRejected(svg, 415, 'unsupported_media_type', /SVG/, {
        filename: 'x.svg',
        type: 'image/svg+xml',
      });
      await expectRejected(
        '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n',
        415,
        'unsupported_media_type',
        /application\/pdf/,
      );
    });

    it('answers 400 for a truncated PNG, naming the problem', async () => {
      const png = await makeImage('png', 300, 300);
      await expectRejected(
        png.subarray(0, png.length / 2),
        400,
        'bad_request',
        /truncated or corrupt/,
        { filename: 'a.png' },
      );
    });

    it('answers 413 for an image over 15 MB while streaming, leaving nothing behind', async () => {
      const big = Buffer.concat([await makeImage('jpeg', 64, 64), Buffer.alloc(15 * 1024 * 1024)]);
      const body = await expectRejected(
        big,
        413,
        'payload_too_large',
        /exceeds 15 MB, the limit for images/,
      );
      assert.ok(body);
    });

    it('answers 413 over real HTTP before the client has finished sending', async () => {
      if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const boundary = 'photogram-stream';
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/media',
        headers: { ...alice.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      const answered = new Promise<IncomingMessage>((resolve) => request.on('response', resolve));
      request.on('error', () => undefined); // the server may close the socket mid-send: that is the point
      request.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n` +
          'Content-Type: image/jpeg\r\n\r\n',
      );
      request.write(await makeImage('jpeg', 64, 64));
      let sent = 0;
      let response: IncomingMessage | undefined;
      void answered.then((r) => (response = r));
      const chunk = Buffer.alloc(1024 * 1024);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      while (!response && sent < 100 * 1024 * 1024) {
        // Once the server stops reading, 'drain' never comes: poll instead of waiting for it.
        if (!request.write(chunk))
          await Promise.race([new Promise((r) => request.once('drain', r)), pause(100)]);
        sent += chunk.length;
        await pause(0);
      }
      response ??= await Promise.race([answered, pause(2000).then(() => undefined)]);
      request.destroy();
      assert.equal(response?.statusCode, 413);
      // 15 MB plus what the sockets buffer; far from the 100 MB the client had to send.
      assert.ok(sent < 40 * 1024 * 1024, `answered after ${sent} bytes`);
      assert.deepEqual(await tempFiles(), []);
    });

    it('answers 400 without a file part, and 415 for a JSON body', async () => {
      const noFile = await upload(await makeImage('jpeg', 8, 8), alice, { field: 'photo' });
      const body = expectStatus(noFile, 400);
      assert.equal(body.code, 'validation_failed');
      assert.equal(body.errors[0].field, 'file');
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/v1/media',
        payload: { file: 'x' },
        headers: alice.headers,
      });
      assert.equal(expectStatus(json, 415).code, 'unsupported_media_type');
      assert.deepEqual(await tempFiles(), []);
    });

    it('GET /media/{id} shows your own upload and hides others (404)', async () => {
      const media = expectStatus(await upload(await makeImage('jpeg', 30, 20)), 201);
      const own = await t.app.inject({
        method: 'GET',
        url: `/api/v1/media/${media.id}`,
        headers: alice.headers,
      });
      assert.deepEqual(expectStatus(own, 200), media);
      const other = await t.app.inject({
        method: 'GET',
        url: `/api/v1/media/${media.id}`,
        headers: bob.headers,
      });
      assert.equal(expectStatus(other, 404).code, 'not_found');
    });
  });

  describe('GET /media/*', () => {
    let url: URL;
    before(async () => {
      url = new URL(expectStatus(await upload(await makeImage('jpeg', 40, 40)), 201).url);
    });

    it('serves with an ETag and answers 304 to If-None-Match', async () => {
      const first = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
      assert.equal(first.statusCode, 200);
      assert.equal(first.headers['content-length'], String(first.rawPayload.length));
      const again = await t.app.inject({
        method: 'GET',
        url: url.pathname + url.search,
        headers: { 'if-none-match': String(first.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
    });

    let port: number;
    before(async () => {
      if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    /** The status line of a GET sent byte for byte, with no client-side URL normalisation. */
    const rawGet = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`),
        );
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
      });

    it('answers 404 for anything that is not exactly a stored key', async () => {
      assert.match(
        await rawGet(url.pathname + url.search),
        /^HTTP\/1\.1 200 /,
        'the real key is served',
      );
      const key = url.pathname.slice('/media/'.length);
      const [a, b, rest] = key.split('/') as [string, string, string];
      for (const path of [
        '/media/../src/app.ts',
        '/media/..%2f..%2fpackage.json',
        '/media/%2e%2e/%2e%2e/package.json',
        '/media/%252e%252e/%252e%252e/package.json',
        `/media/${a}%2F${b}%2F${rest}`,
        `/media/${a}%252F${b}%252F${rest}`,
        `/media/${a}\\${b}\\${rest}`,
        `/media/${a}%5C${b}%5C${rest}`,
        `/media/${key}%00`,
        `/media/${key}%00.jpg`,
        `/media/${a}/${b}/./${rest}`,
        `/media/${a}/${b}/../${b}/${rest}`,
        `/media/${key.toUpperCase()}`,
        `/media/${a}/${b}/${'0'.repeat(64)}.jpg`,
        '/media/',
        '/media/test.db',
      ]) {
        const response = await t.app.inject({ method: 'GET', url: path });
        // inject() normalises URLs WHATWG-style (\\ → /, dot segments), so each path also goes raw over a socket.
        if (new URL(path, 'http://x').pathname === path)
          assert.equal(response.statusCode, 404, path);
        assert.match(await rawGet(path), /^HTTP\/1\.1 404 /, path);
      }
    });
  });

  describe('PUT/DELETE /me/profile-image', () => {
    it('requires authentication', async () => {
      assert.equal(
        (await upload(await makeImage('jpeg', 8, 8), null, {}, '/api/v1/me/profile-image'))
          .statusCode,
        401,
      );
      assert.equal(
        (await t.app.inject({ method: 'DELETE', url: '/api/v1/me/profile-image' })).statusCode,
        401,
      );
    });

    it('sets a 320 px square, replaces it (old file removed) and deletes it', async () => {
      const first = expectStatus(
        await upload(await makeImage('jpeg', 1200, 800), bob, {}, '/api/v1/me/profile-image'),
        200,
      );
      assert.equal(first.username, bob.username);
      assert.equal(first.email, bob.email);
      const meta = await sharp((await fetchFile(first.profile_image_url)).rawPayload).metadata();
      assert.deepEqual([meta.width, meta.height], [320, 320]);

      const second = expectStatus(
        await upload(await makeImage('png', 500, 900), bob, {}, '/api/v1/me/profile-image'),
        200,
      );
      assert.notEqual(second.profile_image_url, first.profile_image_url);
      assert.equal((await fetchFile(first.profile_image_url)).statusCode, 404, 'old file removed');

      const removed = await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/profile-image',
        headers: bob.headers,
      });
      assert.equal(removed.statusCode, 204);
      assert.equal((await fetchFile(second.profile_image_url)).statusCode, 404);
      const row = await t.db
        .selectFrom('profiles')
        .select('profile_image_key')
        .where('user_id', '=', bob.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.profile_image_key, null);
    });

    it('simultaneous replacements leave exactly one stored image, the one in the profile', async () => {
      const before = new Set(await storedFiles());
      const images = await Promise.all([120, 160, 200, 240].map((w) => makeImage('jpeg', w, w)));
      const answers = await Promise.all(
        images.map((image) => upload(image, bob, {}, '/api/v1/me/profile-image')),
      );
      for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
      const added = (await storedFiles()).filter((f) => !before.has(f));
      const row = await t.db
        .selectFrom('profiles')
        .select('profile_image_key')
        .where('user_id', '=', bob.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        added.map((f) => f.split(/[\\/]/).at(-1)),
        [row.profile_image_key!.split('/').at(-1)],
        'a replaced image was left behind (or the current one deleted)',
      );
      await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/profile-image',
        headers: bob.headers,
      });
    });

    it('refuses a video as profile image with 415', async () => {
      const { readFile } = await import('node:fs/promises');
      const stored = await storedFiles();
      const response = await upload(
        await readFile(mp4),
        bob,
        { type: 'video/mp4' },
        '/api/v1/me/profile-image',
      );
      assert.equal(expectStatus(response, 415).code, 'unsupported_media_type');
      assert.deepEqual(await storedFiles(), stored);
    });
  });

  describe('unattached media sweeper and deleteMediaFiles', () => {
    const depsOf = (): AppDeps => {
      const storage = createStorage(t.config);
      return {
        config: t.config,
        db: t.db,
        clock: t.clock,
        storage,
        mediaUrl: storage.url,
        mediaSigner: createMediaSigner(t.config.mediaUrlSecret, t.config.mediaUrlTtlSeconds),
        jobs: { wake: () => undefined, runNow: async () => undefined },
        redis: null,
        notifications: createNotificationBus(null, 'test', console),
        sessions: createSessionCheck(t.db, null, 'test', console),
      };
    };

    it('removes unattached uploads older than 24 h with their files, keeps the rest', async () => {
      const upload1 = async () =>
        expectStatus(await upload(await makeImage('jpeg', 50, 50), alice), 201);
      const stale = await upload1();
      const attached = await upload1();
      const now = toDbTime(t.clock.now());
      const post = await t.db
        .insertInto('posts')
        .values({
          author_id: alice.id,
          type: 'post',
          caption: '',
          location_id: null,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .executeTakeFirstOrThrow();
      await t.db
        .updateTable('media')
        .set({ post_id: Number(post.insertId) })
        .where('id', '=', Number(attached.id))
        .execute();

      const fresh = await upload1();
      const dayAgo = toDbTime(new Date(t.clock.now().getTime() - 25 * 3600 * 1000));
      await t.db
        .updateTable('media')
        .set({ created_at: dayAgo })
        .where('id', 'in', [Number(stale.id), Number(attached.id)])
        .execute();

      const swept = await sweepUnattachedMedia(depsOf());
      assert.ok(swept >= 1);
      const ids = (await t.db.selectFrom('media').select('id').execute()).map((r) => String(r.id));
      assert.ok(!ids.includes(stale.id), 'stale upload row removed');
      assert.ok(ids.includes(attached.id) && ids.includes(fresh.id));
      assert.equal((await fetchFile(stale.url)).statusCode, 404);
      assert.equal((await fetchFile(stale.thumbnail_url)).statusCode, 404);
      assert.equal((await fetchFile(attached.url)).statusCode, 200);
      assert.equal((await fetchFile(fresh.url)).statusCode, 200);
      assert.equal(await sweepUnattachedMedia(depsOf()), 0, 'idempotent');
    });

    it('removes temp uploads orphaned for over an hour, not live ones', async () => {
      const dir = uploadTempDir(t.config);
      await mkdir(dir, { recursive: true });
      const old = join(dir, 'upload-orphan');
      const live = join(dir, 'upload-live');
      await writeFile(old, 'x');
      await writeFile(live, 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
      await utimes(old, twoHoursAgo, twoHoursAgo);
      assert.equal(await sweepStaleUploads(dir), 1);
      assert.deepEqual(await readdir(dir), ['upload-live']);
      await rm(live);
    });

    it('deleteMediaFiles removes every file of the given media, missing ones included', async () => {
      const media = expectStatus(await upload(await makeImage('jpeg', 50, 50), alice), 201);
      const row = await t.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', Number(media.id))
        .executeTakeFirstOrThrow();
      await deleteMediaFiles(depsOf(), [row, row]);
      assert.equal((await fetchFile(media.url)).statusCode, 404);
      assert.equal((await fetchFile(media.thumbnail_url)).statusCode, 404);
    });
  });
});
