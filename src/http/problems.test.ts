import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from 'typebox';
import { buildTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { AppError } from './errors.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({
    extend: (app) => {
      app.post(
        '/probe',
        {
          schema: {
            body: Type.Object(
              {
                name: Type.String({ minLength: 1, maxLength: 5 }),
                age: Type.Integer({ minimum: 0 }),
                tags: Type.Optional(Type.Array(Type.String())),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => request.body,
      );
      app.get('/explode', async () => {
        throw new Error('SELECT secret FROM /var/lib/internal');
      });
      app.get('/teapot', async () => {
        throw new AppError(409, 'conflict', 'That name is taken.');
      });
    },
  });
});
after(async () => t.close());

const problemOf = (response: { headers: Record<string, unknown>; json: () => unknown }) => {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  return response.json() as {
    type: string;
    title: string;
    status: number;
    detail: string;
    code: string;
    errors?: { field: string; message: string }[];
  };
};

describe('problem responses', () => {
  test('valid input passes, with strings trimmed', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: { name: ' ann ', age: 3 },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { name: 'ann', age: 3 });
  });

  test('validation errors name every invalid field, including unknown ones', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: { name: 'far too long', age: '3', color: 'red' },
    });
    assert.equal(response.statusCode, 400);
    const body = problemOf(response);
    assert.equal(body.code, 'validation_failed');
    assert.equal(body.status, 400);
    assert.deepEqual(body.errors?.map((e) => e.field).sort(), ['age', 'color', 'name']);
  });

  test('missing fields are named', async () => {
    const body = problemOf(await t.app.inject({ method: 'POST', url: '/probe', payload: {} }));
    assert.deepEqual(body.errors?.map((e) => e.field).sort(), ['age', 'name']);
  });

  test('malformed JSON, invalid UTF-8 and non-object bodies are 400', async () => {
    const send = (payload: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/probe',
        payload,
        headers: { 'content-type': 'application/json' },
      });
    for (const payload of [
      '{"name": ',
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      '[1,2]',
      '"text"',
    ]) {
      const response = await send(payload);
      assert.equal(response.statusCode, 400, String(payload));
      assert.ok(['bad_request', 'validation_failed'].includes(problemOf(response).code));
    }
  });

  test('a deeply nested body is a 400, not a stack overflow', async () => {
    const depth = 200_000;
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      headers: { 'content-type': 'application/json' },
      payload: `{"name":"ann","age":1,"tags":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'validation_failed');
  });

  test('a wrong content type is 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: 'name=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.statusCode, 415);
    assert.equal(problemOf(response).code, 'unsupported_media_type');
  });

  test('an unknown route is a 404 problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    assert.equal(response.statusCode, 404);
    const body = problemOf(response);
    assert.equal(body.code, 'not_found');
    assert.match(body.detail, /GET \/api\/v1\/nothing-here/);
  });

  test('an AppError keeps its status and code', async () => {
    const body = problemOf(await t.app.inject({ method: 'GET', url: '/teapot' }));
    assert.deepEqual([body.status, body.code, body.title], [409, 'conflict', 'Conflict']);
  });

  test('a 500 says nothing internal', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/explode' });
    assert.equal(response.statusCode, 500);
    const body = problemOf(response);
    assert.equal(body.code, 'internal_error');
    assert.doesNotMatch(response.body, /secret|var\/lib|SELECT|at /);
  });

  test('every response carries a request id', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.equal(response.headers['x-request-id'], 'abc-123');
  });
});
