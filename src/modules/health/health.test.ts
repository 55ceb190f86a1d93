import { Validator } from '@seriousme/openapi-schema-validator';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ env: { TEST_CLOCK: '1' } });
});
after(async () => t.close());

test('healthz answers 200 while the process is up', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
});

test('/openapi.json is a valid OpenAPI 3.1 document with the bearer scheme and problem responses', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(response.statusCode, 200);
  const document = response.json();
  assert.equal(document.openapi, '3.1.0');
  const result = await new Validator().validate(document);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.deepEqual(document.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  assert.ok(document.components.schemas.Problem);
  assert.ok(document.paths['/readyz'].get.responses['500'].content['application/problem+json']);
});

test('/docs serves the interactive reference', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /swagger-ui/i);
});

test('the test clock shifts the server time when TEST_CLOCK=1', async () => {
  const before = t.clock.now().getTime();
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/test/clock',
    payload: { offset_ms: 3_600_000 },
  });
  assert.equal(response.statusCode, 204);
  assert.ok(t.clock.now().getTime() - before >= 3_600_000);
  await t.app.inject({ method: 'POST', url: '/api/v1/test/clock', payload: { offset_ms: 0 } });
  assert.ok(t.clock.now().getTime() - before < 60_000);
});

test('a test clock offset that would make dates invalid is a 400, and time is unchanged', async () => {
  for (const offset_ms of [9e15, -9e15, 1e300]) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/test/clock',
      payload: { offset_ms },
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      response.json().errors.map((e: { field: string }) => e.field),
      ['offset_ms'],
    );
  }
  assert.ok(Math.abs(t.clock.now().getTime() - Date.now()) < 60_000);
});

test('readyz answers 200 with the database and a 503 problem once it is gone', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  await t.db.destroy();
  const response = await t.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().code, 'service_unavailable');
});
