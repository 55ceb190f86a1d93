import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createUser, type TestUser } from '../../../test/helpers/factories.js';
import { makeImage } from '../../../test/helpers/media-fixtures.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

/**
 * Over a real socket, not inject: a client that keeps writing a too-large upload must still
 * read the 413, not lose it to a connection reset under its write (EPIPE / ECONNRESET).
 */
let t: TestApp;
let alice: TestUser;
let port: number;
let png: Buffer;
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t);
  png = await makeImage('png', 40, 30);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});
after(async () => t.close());

const MB = 1024 * 1024;
const BOUNDARY = 'photogram-oversized';

/** Writes the whole request as fast as the socket takes it, and returns what came back. */
async function upload(bytes: number): Promise<{ response: string; writeError?: string }> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n` +
      'Content-Type: image/png\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = Buffer.alloc(256 * 1024, 0x42);
  const bodyLength = head.length + png.length + bytes + tail.length;
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const received: Buffer[] = [];
  socket.on('data', (data: Buffer) => received.push(data));
  let writeError: string | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', (error: NodeJS.ErrnoException) => (writeError = error.code));
  const write = async (data: Buffer) => {
    if (!socket.write(data)) {
      await new Promise((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  };
  await write(
    Buffer.from(
      `POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${alice.headers.authorization}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${bodyLength}\r\n\r\n`,
    ),
  );
  await write(Buffer.concat([head, png]));
  for (let sent = 0; sent < bytes && !socket.destroyed && !writeError; sent += chunk.length) {
    await write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)));
  }
  if (!socket.destroyed && !writeError) socket.end(tail);
  await closed;
  return { response: Buffer.concat(received).toString('utf8'), writeError };
}

test('an oversized image is answered 413 with a problem, every time', async () => {
  // 16 MB is the everyday case (just over the 15 MB limit); 48 MB outruns the socket buffers,
  // so closing at the refusal resets the connection every time.
  for (const [attempt, size] of [16, 16, 16, 48].entries()) {
    const { response, writeError } = await upload(size * MB);
    const what = `attempt ${attempt + 1} (${size} MB)`;
    assert.match(
      response,
      /^HTTP\/1\.1 413 /,
      `${what}: got ${JSON.stringify(response.slice(0, 80))} (write error: ${writeError})`,
    );
    assert.match(response, /\r\ncontent-type: application\/problem\+json/i, what);
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as {
      code: string;
      detail: string;
    };
    assert.equal(body.code, 'payload_too_large', what);
    assert.equal(body.detail, 'The upload exceeds 15 MB, the limit for images.', what);
    assert.equal(writeError, undefined, what);
  }
});
