/**
 * The raw reference server (issue #21 §2): the bench's endpoints on plain node:http with
 * hand-written SQL, the same JSON as Photogram, on the same database and token secret. It is
 * what a hand-written server could do, so the bench can report Photogram as a share of it.
 * What it leaves out: validation beyond what the bench sends, error bodies, rate limits,
 * logging, metrics, security headers, idempotency keys, hashtag and @mention rows.
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=… tsx scripts/bench/raw/server.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadConfig } from '../../../src/config.js';
import { createMediaSigner } from '../../../src/media/signed-url.js';
import type { MediaUrl } from '../../../src/modules/users/user-summary.js';
import * as routes from './routes.js';
import { type Answer, HttpError, type RouteContext } from './routes.js';
import { openSql, type Sql } from './sql.js';
import { verifyBearer } from './token.js';

const config = loadConfig(process.env);
const pool = openSql(config.database);
const serverTiming = process.env.SERVER_TIMING === '1';
const signer = createMediaSigner(config.mediaUrlSecret, config.mediaUrlTtlSeconds);
const mediaUrl: MediaUrl = (key, signed = false) =>
  `${config.publicUrl}/media/${key}${signed ? `?${signer.sign(key, new Date())}` : ''}`;

// Background work still running; a stop waits for it, as its job rows are done only at its end.
const pending = new Set<Promise<void>>();
const later = (work: (sql: Sql) => Promise<void>) =>
  setImmediate(() => {
    const running = work(pool.forRequest())
      .catch((error: Error) => console.error('raw: background', error))
      .finally(() => pending.delete(running));
    pending.add(running);
  });

const POST_ID = /^\/api\/v1\/posts\/(\d+)(\/like|\/comments)?$/;
const USER = /^\/api\/v1\/users\/([A-Za-z0-9_.]+)(\/follow)?$/;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
}

/** Which route a request is, or a 404. */
async function route(
  request: IncomingMessage,
  c: RouteContext,
  path: string,
  query: URLSearchParams,
) {
  const method = request.method;
  const limit = Number(query.get('limit') ?? 20);
  if (path === '/api/v1/feed' && method === 'GET') return routes.feed(c, limit);
  if (path === '/api/v1/posts' && method === 'POST') {
    const body = await readJson(request);
    return routes.createPost(
      c,
      String(body.caption ?? ''),
      (body.media_ids as string[]).map(Number),
    );
  }
  const post = POST_ID.exec(path);
  if (post) {
    const id = Number(post[1]);
    if (!post[2] && method === 'GET') return routes.post(c, id);
    if (post[2] === '/like' && (method === 'POST' || method === 'DELETE')) {
      return routes.like(c, id, method === 'POST');
    }
    if (post[2] === '/comments' && method === 'GET') return routes.comments(c, id, limit);
    if (post[2] === '/comments' && method === 'POST') {
      return routes.comment(c, id, String((await readJson(request)).text));
    }
  }
  const user = USER.exec(path);
  if (user) {
    const name = user[1]!.toLowerCase();
    if (!user[2] && method === 'GET') return routes.profile(c, name);
    if (user[2] && method === 'POST') return routes.follow(c, name);
    if (user[2] && method === 'DELETE') return routes.unfollow(c, name);
  }
  throw new HttpError(404, 'not_found');
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://raw');
  if (url.pathname === '/healthz') return send(response, { status: 200, body: { status: 'ok' } });
  const sql = pool.forRequest();
  let answer: Answer;
  try {
    const claims = verifyBearer(config.jwtSecret, request.headers.authorization);
    // The app's per-request session check: the same primary-key lookups.
    const live =
      claims &&
      (await sql.all(
        `select s.id from sessions s join users u on u.id = s.user_id
         where s.id = ? and s.user_id = ? and s.revoked_at is null and u.is_active = 1`,
        [claims.sessionId, claims.userId],
      ));
    if (!claims || !live?.length) throw new HttpError(401, 'unauthorized');
    const context = {
      sql,
      userId: claims.userId,
      mediaUrl,
      fanOutMaxFollowers: config.timelineFanoutMaxFollowers,
      later,
    };
    answer = await route(request, context, url.pathname, url.searchParams);
  } catch (error) {
    if (!(error instanceof HttpError)) console.error('raw:', request.method, request.url, error);
    const status = error instanceof HttpError ? error.status : 500;
    answer = {
      status,
      body: { error: { code: error instanceof HttpError ? error.code : 'internal' } },
    };
  }
  if (serverTiming) {
    response.setHeader('Server-Timing', `db;desc="queries=${sql.counted.statements}"`);
  }
  send(response, answer);
}

function send(response: ServerResponse, answer: Answer) {
  if (answer.body === undefined) {
    response.writeHead(answer.status).end();
    return;
  }
  const body = JSON.stringify(answer.body);
  response
    .writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    .end(body);
}

const server = createServer((request, response) => void handle(request, response));
server.keepAliveTimeout = 72_000;
server.listen(config.port, config.host, () => {
  console.error(`raw reference server on http://${config.host}:${config.port} (${pool.dialect})`);
});
const stop = () =>
  server.close(
    () =>
      void Promise.all(pending)
        .then(() => pool.close())
        .then(() => process.exit(0)),
  );
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
