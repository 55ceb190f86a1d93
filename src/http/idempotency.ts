import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalidField } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an `Idempotency-Key` header (needs `auth: 'required'`): retries replay the first answer. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /**
     * For routes that read their body themselves (uploads): what stands for the body in the
     * request's fingerprint, set by a route preHandler and computed only when a key was sent.
     */
    bodyFingerprint?: () => Promise<string>;
    idempotencyClaim?: number;
  }
}

/** The first answer to a key, as a retry gets it back. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  id: number;
  fingerprint: string;
  /** Null while the first request runs. */
  response: StoredResponse | null;
  /** When the key was claimed. */
  claimedAt: Date;
}

/** Where keys live: the database, so every replica sees every claim. */
export interface IdempotencyStore {
  /** Claims (account, key) under its unique constraint; the claim's id, or null when taken. */
  claim(accountId: number, key: string, fingerprint: string): Promise<number | null>;
  find(accountId: number, key: string): Promise<IdempotencyRecord | undefined>;
  /** Claims an expired or abandoned record anew, unless another request did first. */
  retake(record: IdempotencyRecord, fingerprint: string): Promise<boolean>;
  complete(id: number, response: StoredResponse): Promise<void>;
  release(id: number): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** The app clock (expiry is testable with TEST_CLOCK). */
  now: () => Date;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A key answers retries for a day, as Stripe's do; then it is pruned and may be reused. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a retry waits for the first request to finish before it is told to come back. */
export const IDEMPOTENCY_WAIT_MS = 3_000;
const POLL_MS = 50;
/** A claim without an answer this old belongs to a process that died mid-request. */
const ABANDONED_AFTER_MS = 5 * 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'location'];

/** The header's schema, for the OpenAPI document (checked by hand for a clearer message). */
export const IdempotencyKeyHeader = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  description:
    'Makes the request safe to retry: 1–255 visible ASCII characters (a UUID is typical). The same key from the same account within 24 hours returns the first answer (status, body, Location) with `Idempotent-Replayed: true` and does nothing again; the same key with a different request is 422 `idempotency_key_reused`; while the first request still runs, a retry waits up to 3 s, then gets 409 `idempotency_key_in_progress` with Retry-After.',
  example: '5f0c7d2e-8a41-4c7b-9a55-2f1f3c9d8e10',
} as const;

const VISIBLE_ASCII = /^[\x21-\x7E]{1,255}$/;

/**
 * Idempotency-Key on the routes that opt in with `config: { idempotent: true }`. The key is
 * claimed (an insert under the unique constraint) after the body is validated and before the
 * handler runs, so of two requests with one key only one runs; the other waits for its answer.
 * Answers below 500 are stored and replayed (a retry learns what the first attempt decided);
 * a 5xx releases the key so a retry can succeed. Requests without the header cost nothing.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const { store, now } = options;
  app.decorateRequest('bodyFingerprint', undefined);
  app.decorateRequest('idempotencyClaim', undefined);

  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    if (route.config.auth !== 'required') {
      throw new Error(`${route.method} ${route.url}: idempotent routes need auth: 'required'`);
    }
    // Last, after the route's own preHandlers (an upload is received before its key is claimed).
    const own = route.preHandler;
    route.preHandler = [...(own ? [own].flat() : []), claimOrReplay];
  });

  async function claimOrReplay(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !request.actor) return;
    const key = validKey(header);
    const accountId = request.actor.id;
    const fingerprint = await fingerprintOf(request);
    const waitUntil = Date.now() + IDEMPOTENCY_WAIT_MS;
    let record: IdempotencyRecord | undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        if (Date.now() >= waitUntil) throw inProgress(reply);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (!record) {
        const id = await store.claim(accountId, key, fingerprint);
        if (id !== null) {
          request.idempotencyClaim = id;
          return;
        }
      }
      // Undefined when the first request failed (its key released) since our insert: claim again.
      record = await store.find(accountId, key);
      if (!record) continue;
      const age = now().getTime() - record.claimedAt.getTime();
      if (age >= IDEMPOTENCY_TTL_MS || (!record.response && age >= ABANDONED_AFTER_MS)) {
        if (await store.retake(record, fingerprint)) {
          request.idempotencyClaim = record.id;
          return;
        }
        continue;
      }
      if (record.fingerprint !== fingerprint) {
        throw new AppError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was already used for a different request (method, URL or body); use a new key for a new request.',
        );
      }
      if (record.response) return replay(reply, record.response);
    }
  }

  // Before Server-Timing's onSend (registration order), so the stored answer is counted.
  app.addHook('onSend', async (request, reply, payload) => {
    const id = request.idempotencyClaim;
    if (id === undefined) return payload;
    request.idempotencyClaim = undefined;
    const body = payload ?? '';
    try {
      if (reply.statusCode >= 500 || typeof body !== 'string') await store.release(id);
      else await store.complete(id, { status: reply.statusCode, headers: kept(reply), body });
    } catch (err) {
      // The answer itself is fine; a retry meets the unfinished claim until it is abandoned.
      request.log.error({ err }, 'could not store the answer to an Idempotency-Key');
    }
    return payload;
  });
}

function validKey(header: string | string[]): string {
  if (typeof header === 'string' && VISIBLE_ASCII.test(header)) return header;
  const message =
    typeof header !== 'string'
      ? 'must be sent once'
      : header.length === 0
        ? 'must not be empty'
        : header.length > 255
          ? `must be at most 255 characters; got ${header.length}`
          : 'may contain only visible ASCII characters (no spaces or control characters)';
  throw invalidField('Idempotency-Key', message);
}

const inProgress = (reply: FastifyReply) => {
  reply.header('Retry-After', '1');
  return new AppError(
    409,
    'idempotency_key_in_progress',
    `A request with this Idempotency-Key is still running after ${IDEMPOTENCY_WAIT_MS / 1000} s; retry shortly to get its answer.`,
  );
};

/** Method, URL and body; JSON keys sorted, so a retry serialised differently still matches. */
async function fingerprintOf(request: FastifyRequest): Promise<string> {
  const body = request.bodyFingerprint
    ? await request.bodyFingerprint()
    : JSON.stringify(sortedKeys(request.body) ?? null);
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(body)
    .digest('hex');
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

function kept(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

function replay(reply: FastifyReply, response: StoredResponse) {
  return reply
    .status(response.status)
    .headers(response.headers)
    .header('Idempotent-Replayed', 'true')
    .send(response.body);
}
