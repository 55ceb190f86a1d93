import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { badRequest } from './errors.js';

// ajv-formats is CommonJS; its callable is the default export under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = {
  allErrors: true,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
};

/**
 * Bodies are validated strictly (no type coercion: "5" is not a number), while path and query
 * strings are coerced to the schema's types. Unknown fields fail because every object schema
 * declares additionalProperties: false.
 */
export function registerValidation(app: FastifyInstance): void {
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const stringAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : stringAjv).compile(schema),
  );

  // JSON is the one body type (multipart routes add theirs): text/plain is a 415, not a string.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const buffer = body as Buffer;
    if (buffer.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    } catch {
      return done(badRequest('The request body is not valid UTF-8.'));
    }
    try {
      done(
        null,
        secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }),
      );
    } catch {
      done(badRequest('The request body is not valid JSON.'));
    }
  });

  app.addHook('preValidation', async (request) => {
    if (request.body && typeof request.body === 'object')
      trimStrings(request.body as Record<string, unknown>);
  });
}

/** Secrets are compared byte for byte, so they are never trimmed. */
const UNTRIMMED = new Set(['password', 'current_password', 'new_password', 'refresh_token']);

/** Iterative, so a deeply nested body (1 MB of `[`) is rejected by validation, not a stack overflow. */
function trimStrings(root: Record<string, unknown> | unknown[]): void {
  const pending: (Record<string, unknown> | unknown[])[] = [root];
  for (let value = pending.pop(); value; value = pending.pop()) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && !UNTRIMMED.has(key)) {
        (value as Record<string, unknown>)[key] = item.trim();
      } else if (item && typeof item === 'object') {
        pending.push(item as Record<string, unknown>);
      }
    }
  }
}
