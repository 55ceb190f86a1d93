import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from '../../test/helpers/media-fixtures.js';
import { startTestS3 } from '../../test/helpers/s3-server.js';
import {
  createStorage,
  isValidMediaKey,
  newMediaKey,
  presignGet,
  type S3Options,
  type Storage,
} from './storage.js';

interface Harness {
  storage: Storage;
  /** The stored bytes and content type, or null when the key does not exist. */
  read(key: string): Promise<{ body: Buffer; type?: string } | null>;
  expectedUrl(key: string): string;
  stop(): Promise<void>;
}

async function diskHarness(): Promise<Harness> {
  const { dir, cleanup } = await tempDir('photogram-disk-');
  const storage = createStorage({ mediaDir: dir, publicUrl: 'http://localhost:3000/', s3: null });
  return {
    storage,
    read: (key) =>
      readFile(join(dir, key)).then(
        (body) => ({ body }),
        () => null,
      ),
    expectedUrl: (key) => `http://localhost:3000/media/${key}`,
    stop: async () => {
      const leftovers = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.tmp'));
      assert.deepEqual(leftovers, [], 'no temp files left behind');
      await cleanup();
    },
  };
}

async function s3Harness(): Promise<Harness> {
  const s3 = await startTestS3();
  const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const storage = createStorage({
    mediaDir: '/nonexistent',
    publicUrl: 'http://unused',
    s3: {
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      ...creds,
    },
  });
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: creds,
  });
  return {
    storage,
    read: async (key) => {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        return { body: Buffer.from(await res.Body!.transformToByteArray()), type: res.ContentType };
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    expectedUrl: (key) => `${s3.endpoint}/${s3.bucket}/${key}`,
    stop: async () => {
      client.destroy();
      await storage.close();
      await s3.stop();
    },
  };
}

for (const [driver, makeHarness] of [
  ['disk', diskHarness],
  ['s3', s3Harness],
] as const) {
  describe(`storage (${driver})`, () => {
    let h: Harness;
    let work: { dir: string; cleanup: () => Promise<void> };
    before(async () => {
      h = await makeHarness();
      work = await tempDir();
    });
    after(async () => {
      await h.stop();
      await work.cleanup();
    });

    it(`reports its driver`, () => assert.equal(h.storage.driver, driver));

    it('puts a buffer and reads it back', async () => {
      const data = Buffer.from('pretend jpeg bytes');
      const key = await newMediaKey(data, 'jpg');
      await h.storage.put(key, data, 'image/jpeg');
      const stored = await h.read(key);
      assert.deepEqual(stored?.body, data);
      if (driver === 's3') assert.equal(stored?.type, 'image/jpeg');
    });

    it('puts a local file (streamed) and reads it back', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024, 0xab);
      const path = join(work.dir, 'video.mp4');
      await writeFile(path, data);
      const key = await newMediaKey(path, 'mp4');
      await h.storage.put(key, path, 'video/mp4');
      assert.ok((await h.read(key))?.body.equals(data));
    });

    it('builds public urls', async () => {
      const key = await newMediaKey(Buffer.from('x'), 'webp');
      assert.equal(h.storage.url(key), h.expectedUrl(key));
    });

    it('deletes keys, and deleting a missing key is fine', async () => {
      const a = await newMediaKey(Buffer.from('a'), 'jpg');
      const b = await newMediaKey(Buffer.from('b'), 'webp');
      await h.storage.put(a, Buffer.from('a'), 'image/jpeg');
      await h.storage.put(b, Buffer.from('b'), 'image/webp');
      const missing = await newMediaKey(Buffer.from('never stored'), 'jpg');
      await h.storage.delete([a, b, missing]);
      assert.equal(await h.read(a), null);
      assert.equal(await h.read(b), null);
      await h.storage.delete([]);
    });

    it('refuses to write keys outside the media key format', async () => {
      await assert.rejects(
        h.storage.put('../escape.jpg', Buffer.from('x'), 'image/jpeg'),
        /Invalid media key/,
      );
      await h.storage.delete(['ab/cd/../../x.jpg', '../../etc/passwd']); // ignored: could never exist
    });
  });
}

describe('S3 presigned GETs', () => {
  it("match AWS's documented example signature", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const url = presignGet(
      {
        bucket: 'examplebucket',
        endpoint: 'https://s3.amazonaws.com',
        region: 'us-east-1',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        forcePathStyle: false,
      },
      'test.txt',
      new Date('2013-05-24T00:00:00Z'),
      86_400,
    );
    assert.equal(
      url,
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it("equal the AWS SDK's own SigV4 presigning of the same GET (fixed clock)", async () => {
    // @aws-sdk/s3-request-presigner is not a dependency: the S3 client's own signer presigns the
    // request our URL names, as that package does (payload UNSIGNED-PAYLOAD, only host signed).
    const cases: [S3Options, string][] = [
      [
        {
          bucket: 'photos',
          region: 'eu-west-3',
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'secret/with+chars',
          forcePathStyle: false,
        },
        'ab/cd/abcd0123.jpg',
      ],
      [
        {
          bucket: 'media',
          endpoint: 'http://127.0.0.1:9000',
          region: 'us-east-1',
          accessKeyId: 'minio',
          secretAccessKey: 'minio-secret',
          forcePathStyle: true,
        },
        "00/ff/a key with spaces & (parens)!'*.webp",
      ],
    ];
    const signedAt = new Date('2026-01-02T03:04:05Z');
    for (const [options, key] of cases) {
      const ours = new URL(presignGet(options, key, signedAt, 3600));
      const client = new S3Client({
        region: options.region,
        credentials: {
          accessKeyId: options.accessKeyId!,
          secretAccessKey: options.secretAccessKey!,
        },
      });
      const signer = (await client.config.signer()) as unknown as {
        presign(request: object, options: object): Promise<{ query: Record<string, string> }>;
      };
      const sdk = await signer.presign(
        {
          method: 'GET',
          protocol: ours.protocol,
          hostname: ours.hostname,
          port: ours.port ? Number(ours.port) : undefined,
          path: decodeURIComponent(ours.pathname),
          query: {},
          headers: { host: ours.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        {
          signingDate: signedAt,
          expiresIn: 3600,
          unsignableHeaders: new Set(['x-amz-content-sha256']),
          unhoistableHeaders: new Set(['x-amz-content-sha256']),
        },
      );
      client.destroy();
      assert.deepEqual(Object.fromEntries(ours.searchParams), sdk.query, key);
    }
  });

  it('are served by an S3 server (path style, the bucket endpoint)', async () => {
    const h = await s3Harness();
    try {
      const key = await newMediaKey(Buffer.from('private'), 'jpg');
      await h.storage.put(key, Buffer.from('private bytes'), 'image/jpeg');
      const url = h.storage.presignedUrl!(key, new Date(), 3600)!;
      assert.ok(url.startsWith(`${h.expectedUrl(key)}?X-Amz-Algorithm=`), url);
      const ok = await fetch(url);
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.equal(await ok.text(), 'private bytes');
      // s3rver checks the expiry (not v4 signatures themselves: the example above does).
      const old = h.storage.presignedUrl!(key, new Date(Date.now() - 7200_000), 3600)!;
      assert.equal((await fetch(old)).status, 403, 'expired');
    } finally {
      await h.stop();
    }
  });
});

describe('media keys', () => {
  it('are laid out ab/cd/<sha256>.<ext> with a prefix from the hash', async () => {
    const key = await newMediaKey(Buffer.from('same content'), 'jpg');
    assert.match(key, /^([a-f0-9]{2})\/([a-f0-9]{2})\/\1\2[a-f0-9]{60}\.jpg$/);
    assert.ok(isValidMediaKey(key));
  });

  it('differ for identical content (salted, so unguessable)', async () => {
    const data = Buffer.from('same content');
    assert.notEqual(await newMediaKey(data, 'jpg'), await newMediaKey(data, 'jpg'));
  });

  it('validation rejects traversal, encodings and unknown extensions', () => {
    const hex = 'a'.repeat(64);
    for (const bad of [
      '',
      `aa/aa/${hex}.svg`,
      `aa/aa/${hex}.JPG`,
      `aa/aa/${hex}.jpg/`,
      `/aa/aa/${hex}.jpg`,
      `aa/aa/../${hex}.jpg`,
      `aa\\aa\\${hex}.jpg`,
      `aa%2Faa%2F${hex}.jpg`,
      `aa/aa/${hex}.jpg\0`,
      `aa/aa/${hex}.jpg.html`,
      `AA/aa/${hex}.jpg`,
      `aa/aa/${'a'.repeat(63)}.jpg`,
    ]) {
      assert.equal(isValidMediaKey(bad), false, bad);
    }
    assert.equal(isValidMediaKey(`aa/aa/${hex}.webm`), true);
  });
});
