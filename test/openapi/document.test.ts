import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DOCUMENT_FILE, servedDocumentText } from '../../scripts/openapi-files.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let served: string;
before(async () => {
  // TEST_CLOCK adds a test-only route, which must not change the document.
  t = await buildTestApp({ env: { TEST_CLOCK: '1' } });
  served = await servedDocumentText(t.app);
});
after(() => t.close());

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operations(document: Json): { name: string; operation: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      name: `${m.toUpperCase()} ${path}`,
      operation: item[m] as Json,
    })),
  );
}

describe('the API document', () => {
  test('the served document is the checked-in openapi/photogram.json', async () => {
    const checkedIn = await readFile(DOCUMENT_FILE, 'utf8');
    assert.ok(
      served === checkedIn,
      'GET /openapi.json differs from openapi/photogram.json: run `npm run openapi` and commit the result',
    );
  });

  test('it is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(served));
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  test('every operation has a unique operationId and a summary', () => {
    const all = operations(JSON.parse(served));
    assert.ok(all.length > 40, `only ${all.length} operations`);
    const ids = new Map<string, string>();
    for (const { name, operation } of all) {
      assert.match(operation.operationId ?? '', /^[a-z][A-Za-z]+$/, `${name}: operationId`);
      assert.equal(ids.get(operation.operationId), undefined, `${name}: duplicate operationId`);
      ids.set(operation.operationId, name);
      assert.ok(operation.summary, `${name}: summary`);
    }
    assert.equal(ids.get('createPost'), 'POST /api/v1/posts');
    assert.equal(ids.get('listHomeFeed'), 'GET /api/v1/feed');
  });

  test('the upload operations take a multipart/form-data file', () => {
    const document = JSON.parse(served);
    for (const [path, method] of [
      ['/api/v1/media', 'post'],
      ['/api/v1/me/profile-image', 'put'],
    ] as const) {
      const body = document.paths[path][method].requestBody;
      assert.equal(body.required, true);
      assert.deepEqual(Object.keys(body.content), ['multipart/form-data']);
      const form = body.content['multipart/form-data'].schema;
      assert.deepEqual(form.required, ['file']);
      assert.deepEqual(
        { type: form.properties.file.type, format: form.properties.file.format },
        { type: 'string', format: 'binary' },
      );
    }
  });

  test('errors are declared as application/problem+json problems', () => {
    for (const { name, operation } of operations(JSON.parse(served))) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (Number(status) < 400) continue;
        assert.deepEqual(
          Object.keys(response.content ?? {}),
          ['application/problem+json'],
          `${name} ${status}`,
        );
        const problem = response.content['application/problem+json'];
        assert.equal(problem.schema.$ref, '#/components/schemas/Problem');
        assert.equal(problem.example?.status, Number(status), `${name} ${status}: example`);
      }
    }
  });

  test('request bodies and 2xx JSON answers have examples that match their schemas', () => {
    const document = JSON.parse(served);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(document, 'photogram');
    const pointer = (...parts: string[]) =>
      'photogram#/' + parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const check = (where: string, schemaRef: string, example: unknown) => {
      const valid = ajv.validate({ $ref: schemaRef }, example);
      assert.ok(valid, `${where}: the example does not match: ${ajv.errorsText(ajv.errors)}`);
    };
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths as Json)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const name = `${method.toUpperCase()} ${path}`;
        const media: [string, string[], Json][] = [];
        for (const [type, content] of Object.entries(item[method].requestBody?.content ?? {})) {
          media.push([`${name} body`, ['requestBody', 'content', type], content as Json]);
        }
        for (const [status, response] of Object.entries(item[method].responses as Json)) {
          for (const [type, content] of Object.entries(response.content ?? {})) {
            media.push([
              `${name} ${status}`,
              ['responses', status, 'content', type],
              content as Json,
            ]);
          }
        }
        for (const [where, at, content] of media) {
          if (!at.includes('application/json') && !at.includes('application/problem+json'))
            continue;
          assert.ok(content.example !== undefined, `${where}: no example`);
          check(where, pointer('paths', path, method, ...at, 'schema'), content.example);
          checked++;
        }
      }
    }
    for (const [name, schema] of Object.entries(document.components.schemas as Json)) {
      for (const example of schema.examples ?? []) {
        check(`components.schemas.${name}`, pointer('components', 'schemas', name), example);
        checked++;
      }
    }
    assert.ok(checked > 100, `only ${checked} examples checked`);
  });

  test('examples look real: no placeholder strings or zeros', () => {
    const placeholders: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (value === 'string' || value === 0) placeholders.push(at);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) walk(inner, `${at}.${key}`);
      }
    };
    const document = JSON.parse(served);
    for (const [path, item] of Object.entries(document.paths as Json)) walk(item, path);
    assert.deepEqual(
      placeholders.filter((at) => /\.examples?\b/.test(at)),
      [],
    );
  });
});
