import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createUser, type TestUser } from '../../test/helpers/factories.js';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';

/**
 * Errors Fastify and Node's HTTP parser raise themselves (before or outside any route) are
 * problems like every other error. URL cases go over a raw socket: inject would normalise them.
 */
let t: TestApp;
let alice: TestUser;
let port: number;
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});
after(async () => t.close());

interface Answer {
  status: number;
  contentType: string;
  body: { status: number; code: string; detail: string; title: string; type: string };
}

/** Sends bytes as they are and parses the one answer. */
async function raw(request: Buffer | string): Promise<Answer> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
  const [head = '', body = ''] = text.split(/\r\n\r\n(.*)/s);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    contentType: /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body) as Answer['body'],
  };
}

const get = (target: Buffer | string) =>
  raw(
    Buffer.concat([
      Buffer.from('GET '),
      Buffer.from(target),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ]),
  );

/** The answer is a problem with this status and code, whose detail explains without internals. */
function assertProblem(answer: Answer, status: number, code: string, detail: RegExp) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.match(answer.contentType, /^application\/problem\+json/);
  assert.equal(answer.body.status, status);
  assert.equal(answer.body.code, code);
  assert.equal(answer.body.type, `urn:photogram:problem:${code}`);
  assert.match(answer.body.detail, detail);
  assert.doesNotMatch(answer.body.detail, /FST_|HPE_|\bat .*:\d+|node_modules/);
}

describe('URLs the router refuses', () => {
  test('an over-long path parameter is 414', async () => {
    assertProblem(
      await get(`/api/v1/posts/${'7'.repeat(101)}`),
      414,
      'uri_too_long',
      /longer than 100 characters/,
    );
    // Up to the limit it reaches the route, whose schema judges it.
    assert.equal((await get(`/api/v1/posts/${'7'.repeat(100)}`)).status, 400);
  });

  test('a malformed percent-encoding is 400 invalid_url', async () => {
    for (const target of ['/api/v1/%ZZ', '/api/v1/posts/%E0%A4%A', '/api/v1/users/%C3%28']) {
      assertProblem(await get(target), 400, 'invalid_url', /malformed percent-encoding/);
    }
  });

  test('raw non-ASCII bytes in the query string or path are 400 invalid_url', async () => {
    const cafe = Buffer.from('café', 'utf8');
    for (const [target, where] of [
      [Buffer.concat([Buffer.from('/api/v1/users/search?q='), cafe]), 'query'],
      [Buffer.concat([Buffer.from('/api/v1/users/'), cafe]), 'path'],
    ] as const) {
      assertProblem(
        await get(target),
        400,
        'invalid_url',
        new RegExp(`must be percent-encoded \\(Invalid char in url ${where}\\).*%C3%A9`),
      );
    }
  });
});

describe('bodies', () => {
  const post = (url: string, payload: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, payload, headers });

  test('an unsupported content type is 415 naming the type sent and the one to send', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const response = await post('/api/v1/auth/login', 'username=a', { 'content-type': type });
      assert.equal(response.statusCode, 415);
      assert.equal(
        response.json().detail,
        `Content-Type "${type}" is not accepted here; send application/json.`,
      );
    }
  });

  test('a body without a content type is 415 saying so', async () => {
    const answer = await raw(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}',
    );
    assertProblem(
      answer,
      415,
      'unsupported_media_type',
      /^The request has a body but no Content-Type header; send application\/json\.$/,
    );
  });

  test('an upload route names multipart/form-data as the type to send', async () => {
    const response = await post('/api/v1/media', 'a,b', {
      ...alice.headers,
      'content-type': 'text/csv',
    });
    assert.equal(response.statusCode, 415);
    assert.equal(
      response.json().detail,
      'Content-Type "text/csv" is not accepted here; send multipart/form-data.',
    );
  });

  test('a JSON body over the limit is 413 naming the limit', async () => {
    const response = await post('/api/v1/auth/login', `"${'x'.repeat(1024 * 1024)}"`, {
      'content-type': 'application/json',
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().code, 'payload_too_large');
    assert.equal(
      response.json().detail,
      'The request body is larger than the 1 MB this endpoint accepts.',
    );
  });
});

describe('requests that are not valid HTTP', () => {
  test('a malformed request is 400 saying what the parser found', async () => {
    assertProblem(
      await raw('FETCH /api/v1/posts HTTP/1.1\r\nHost: x\r\n\r\n'),
      400,
      'bad_request',
      /^The request is not valid HTTP\/1\.1: Invalid method encountered\.$/,
    );
    assertProblem(
      await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n'),
      400,
      'bad_request',
      /Content-Length/,
    );
  });

  test('headers (or a URL) over 16 KB are 431', async () => {
    for (const request of [
      `GET /api/v1/posts HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      `GET /api/v1/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]) {
      assertProblem(await raw(request), 431, 'headers_too_large', /exceed the 16 KB/);
    }
  });
});
