import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What the API's browser clients send and read (preflight answers name them). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
const EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'X-Request-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Idempotent-Replayed',
];

/**
 * Whether a browser origin may call the API, from CORS_ORIGINS entries: `*` (any), an exact
 * origin (`https://app.example.com`), or one whose port is `*` (`http://localhost:*`).
 */
export function corsOriginMatcher(entries: readonly string[]): (origin: string) => boolean {
  if (entries.includes('*')) return () => true;
  const exact = new Set(entries.filter((entry) => !entry.endsWith(':*')));
  const anyPort = entries
    .filter((entry) => entry.endsWith(':*'))
    .map((entry) => entry.slice(0, -2));
  return (origin) =>
    exact.has(origin) ||
    anyPort.some(
      (host) => origin === host || new RegExp(`^${escape(host)}:\\d{1,5}$`).test(origin),
    );
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function registerCors(app: FastifyInstance, origins: readonly string[]) {
  const allowed = corsOriginMatcher(origins);
  await app.register(cors, {
    // A refused origin gets no Access-Control-Allow-Origin: the browser blocks the answer.
    // Without an Origin the request is not a browser's cross-origin one: no CORS headers.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
