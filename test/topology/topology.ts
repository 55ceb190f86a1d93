// Production topology smoke test (npm run test:topology): Debian's nginx with
// deploy/nginx.conf in front of two real Photogram processes on MySQL/MariaDB,
// driven over real HTTP. Prints each step; exits 1 on the first failure.
// Everything it starts is stopped by PID and its database is dropped.
//   TOPOLOGY_MYSQL_URL  admin URL, default mysql://root@127.0.0.1:3306
//   TOPOLOGY_REDIS_URL  default redis://127.0.0.1:6379: the replicas share rate
//                       limits there, as in production; `none` keeps them per process
//   NGINX               nginx binary, default /usr/sbin/nginx
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import mysql from 'mysql2/promise';
import sharp from 'sharp';

const root = join(import.meta.dirname, '..', '..');
const adminUrl = (process.env.TOPOLOGY_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(
  /\/$/,
  '',
);
const nginxBin = process.env.NGINX ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
const RATE_LIMIT = 4;
const redisUrl = process.env.TOPOLOGY_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sharedLimits = redisUrl !== 'none';

interface Child {
  name: string;
  proc: ChildProcess;
  log: string;
  exited: Promise<void>;
}
const children: Child[] = [];
const cleanups: (() => Promise<void>)[] = [];
const extraLogs: string[] = [];

// ---- HTTP through nginx ------------------------------------------------------

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
interface Req {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Source address of the TCP connection: any 127.x.y.z works on Linux. */
  from?: string;
}

function request(port: number, path: string, req: Req = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: req.method ?? 'GET',
        headers: req.headers,
        localAddress: req.from,
        agent: false,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${path}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

function json<T>(res: Res): T {
  return JSON.parse(res.body.toString('utf8')) as T;
}

function expectStatus(res: Res, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${res.status}: ${res.body.toString('utf8', 0, 500)}`,
    );
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function multipart(data: Buffer, filename: string, type: string): { body: Buffer; type: string } {
  const boundary = `photogram-${randomUUID()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

// ---- processes ---------------------------------------------------------------

function start(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  dir: string,
): Child {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', fd, fd] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child = { name, proc, log, exited };
  children.push(child);
  console.log(`  started ${name} (pid ${proc.pid ?? '?'})`);
  return child;
}

function running(child: Child): boolean {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

async function stop(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || !running(child)) return;
  process.kill(pid, signal);
  const timer = setTimeout(() => running(child) && process.kill(pid, 'SIGKILL'), 5_000);
  await child.exited;
  clearTimeout(timer);
  console.log(
    `  stopped ${child.name} (pid ${pid}, ${child.proc.signalCode ?? child.proc.exitCode})`,
  );
}

async function waitFor(what: string, child: Child, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`${child.name} exited before ${what}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function randomLoopback(): string {
  const [a = 1, b = 1, c = 1] = randomBytes(3);
  return `127.${a}.${b}.${Math.max(c, 2)}`;
}

// ---- the test ----------------------------------------------------------------

let stepNo = 0;
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  stepNo += 1;
  const t0 = Date.now();
  console.log(`${stepNo}. ${name}`);
  await fn();
  console.log(`   ok (${Date.now() - t0} ms)`);
}

interface Auth {
  access_token: string;
}
interface Media {
  id: string;
  url: string;
  thumbnail_url: string;
}
interface Post {
  id: string;
  media: Media[];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'photogram-topology-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const [web1, web2, edge] = [await freePort(), await freePort(), await freePort()];
  const db = `photogram_topology_${process.pid}_${Date.now().toString(36)}`;
  const via = (path: string, req?: Req) => request(edge, path, req);

  await step(`create database ${db}`, async () => {
    const conn = await mysql.createConnection(adminUrl);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.end();
    cleanups.push(async () => {
      const c = await mysql.createConnection(adminUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await c.end();
      console.log(`  dropped database ${db}`);
    });
  });

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: `${adminUrl}/${db}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    TRUST_PROXY: 'loopback',
    MEDIA_DIR: join(dir, 'media'),
    PUBLIC_URL: `http://127.0.0.1:${edge}`,
    AUTH_RATE_LIMIT_PER_MIN: String(RATE_LIMIT),
    WRITE_RATE_LIMIT_PER_5MIN: '0',
    UPLOAD_RATE_LIMIT_PER_30MIN: '0',
    LOG_LEVEL: 'info',
    ...(sharedLimits ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${db}:` } : {}),
  };
  // `node --import tsx` rather than the tsx CLI: the CLI runs the server in a
  // child process, so its PID would not be the server's.
  const tsNode = (script: string) => [process.execPath, ['--import', 'tsx', script]] as const;

  await step('run the migrations once, as deploy.sh does', async () => {
    const [cmd, args] = tsNode('src/db/migrate.ts');
    const m = start('migrate', cmd, [...args, 'up'], env, dir);
    await m.exited;
    check(m.proc.exitCode === 0, `migrate exited with ${m.proc.exitCode}: ${tail(m.log)}`);
  });

  const apps: Child[] = [];
  await step(`start two app processes on ports ${web1} and ${web2}`, async () => {
    for (const [i, port] of [web1, web2].entries()) {
      const [cmd, args] = tsNode('src/server.ts');
      apps.push(start(`web${i + 1}`, cmd, [...args], { ...env, PORT: String(port) }, dir));
    }
    await Promise.all(
      apps.map((app, i) =>
        waitFor(`${app.name} /healthz`, app, async () => {
          const res = await request(i === 0 ? web1 : web2, '/healthz');
          return res.status === 200;
        }),
      ),
    );
  });
  const [app1, app2] = apps as [Child, Child];
  let nginxLog = '';

  await step(`start nginx with deploy/nginx.conf on port ${edge}`, async () => {
    const ngx = join(dir, 'nginx');
    await promisify(execFile)('bash', [
      join(root, 'scripts', 'nginx-local-conf.sh'),
      ngx,
      String(edge),
      String(web1),
      String(web2),
    ]);
    const args = ['-p', ngx, '-e', join(ngx, 'error.log'), '-c', join(ngx, 'nginx.conf')];
    const pid = `daemon off; pid ${join(ngx, 'nginx.pid')};`;
    const nginx = start('nginx', nginxBin, [...args, '-g', pid], { PATH: process.env.PATH }, dir);
    nginxLog = join(ngx, 'access.log');
    extraLogs.push(nginxLog, join(ngx, 'error.log'));
    await waitFor('nginx /readyz', nginx, async () => (await via('/readyz')).status === 200);
  });

  await step('JSON is gzipped by nginx', async () => {
    const res = await via('/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    expectStatus(res, 200, 'openapi.json');
    check(
      res.headers['content-encoding'] === 'gzip',
      `content-encoding: ${res.headers['content-encoding']}`,
    );
    check(
      'openapi' in JSON.parse(gunzipSync(res.body).toString('utf8')),
      'not an OpenAPI document',
    );
  });

  const big = Buffer.alloc(17 * 1024 * 1024, 1);
  await step('nginx refuses a 17 MB body outside media uploads (413)', async () => {
    const res = await via('/api/v1/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expectStatus(res, 413, 'a 17 MB body on /api/v1/posts');
  });

  let token = '';
  const authed = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });

  await step('sign up through nginx', async () => {
    const name = `topo_${randomBytes(4).toString('hex')}`;
    const res = await via('/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: name,
        email: `${name}@example.com`,
        password: 'correct horse battery',
      }),
    });
    expectStatus(res, 201, 'signup');
    token = json<Auth>(res).access_token;
    check(token.length > 0, 'signup returned no access_token');
  });

  const png = (r: number) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 40, b: 90 } } })
      .png()
      .toBuffer();
  const upload = async (): Promise<Media> => {
    const form = multipart(await png(Math.floor(Math.random() * 255)), 'photo.png', 'image/png');
    const res = await via('/api/v1/media', {
      method: 'POST',
      headers: authed({ 'content-type': form.type }),
      body: form.body,
    });
    expectStatus(res, 201, 'upload');
    return json<Media>(res);
  };
  const createPost = async (media: Media): Promise<Post> => {
    const res = await via('/api/v1/posts', {
      method: 'POST',
      headers: authed({ 'content-type': 'application/json' }),
      body: JSON.stringify({ media_ids: [media.id], caption: 'through nginx #topology' }),
    });
    expectStatus(res, 201, 'create post');
    return json<Post>(res);
  };
  const feedIds = async (): Promise<string[]> => {
    const res = await via('/api/v1/feed', { headers: authed() });
    expectStatus(res, 200, 'feed');
    return json<{ data: Post[] }>(res).data.map((p) => p.id);
  };

  let media: Media | undefined;
  let post: Post | undefined;
  await step('upload a PNG, post it, and read it from the feed', async () => {
    media = await upload();
    post = await createPost(media);
    const ids = await feedIds();
    check(ids.includes(post.id), `post ${post.id} is not in the feed: ${ids.join(',')}`);
  });

  await step(
    'media is served through nginx with long cache headers, then from its cache',
    async () => {
      const path = new URL(media?.url ?? '', `http://127.0.0.1:${edge}`).pathname;
      check(path.startsWith('/media/'), `media url is not under /media/: ${media?.url}`);
      const first = await via(path);
      expectStatus(first, 200, `GET ${path}`);
      const cc = String(first.headers['cache-control']);
      check(/max-age=31536000/.test(cc) && /immutable/.test(cc), `cache-control: ${cc}`);
      check(
        String(first.headers['content-type']).startsWith('image/'),
        `type: ${first.headers['content-type']}`,
      );
      const meta = await sharp(first.body).metadata();
      check((meta.width ?? 0) > 0, 'served media is not a decodable image');
      const second = await via(path);
      expectStatus(second, 200, `GET ${path} again`);
      check(
        second.headers['x-cache-status'] === 'HIT',
        `second GET: x-cache-status ${second.headers['x-cache-status']}`,
      );
      check(second.body.equals(first.body), 'cached media differs from the original');
    },
  );

  await step(
    'signed media (an unattached upload) is never cached; its plain URL is 403',
    async () => {
      const unattached = await upload();
      const url = new URL(unattached.url, `http://127.0.0.1:${edge}`);
      check(url.searchParams.has('sig'), `upload url is not signed: ${unattached.url}`);
      for (const attempt of ['first', 'second']) {
        const res = await via(url.pathname + url.search);
        expectStatus(res, 200, `${attempt} signed GET`);
        const cc = String(res.headers['cache-control']);
        check(/^private, max-age=\d+$/.test(cc), `signed cache-control: ${cc}`);
        check(
          res.headers['x-cache-status'] === 'BYPASS',
          `${attempt} signed GET: x-cache-status ${res.headers['x-cache-status']}`,
        );
      }
      expectStatus(await via(url.pathname), 403, 'plain GET of an unattached upload');
    },
  );

  await step('nginx passes a 17 MB media upload through to the app', async () => {
    // Not an image or video: the app, not nginx, must be the one to refuse it.
    const form = multipart(big, 'junk.bin', 'application/octet-stream');
    const res = await via('/api/v1/media', {
      method: 'POST',
      headers: authed({ 'content-type': form.type }),
      body: form.body,
    });
    const type = String(res.headers['content-type']);
    check(res.status >= 400 && res.status < 500, `17 MB junk upload: ${res.status}`);
    check(type.startsWith('application/problem+json'), `answered by nginx, not the app: ${type}`);
  });

  await step(
    `the rate limiter sees the client address (${RATE_LIMIT}/min, ${sharedLimits ? 'shared in Redis' : 'per process'})`,
    async () => {
      // nginx sets X-Forwarded-For from the TCP peer; clients come from distinct
      // loopback addresses. Per-process limits add up over the two replicas.
      const allowed = sharedLimits ? RATE_LIMIT : 2 * RATE_LIMIT;
      const login = (from: string, headers: Record<string, string> = {}, name = 'nobody_here') =>
        via('/api/v1/auth/login', {
          method: 'POST',
          from,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ username: name, password: 'wrong password' }),
        });
      const client = randomLoopback();
      let limited: Res | undefined;
      for (let i = 1; i <= allowed + 1 && !limited; i++) {
        const res = await login(client);
        if (res.status === 429) {
          check(i > RATE_LIMIT, `429 after only ${i} requests`);
          limited = res;
        }
      }
      check(limited !== undefined, `no 429 after ${allowed + 1} logins from ${client}`);
      check(Number(limited?.headers['retry-after']) > 0, `429 without Retry-After`);
      for (const spoof of ['203.0.113.7', '198.51.100.9']) {
        const res = await login(client, { 'x-forwarded-for': spoof });
        expectStatus(res, 429, `same client with a forged X-Forwarded-For ${spoof}`);
      }
      // Another account: password attempts are also counted per account (issue #18).
      const other = await login(randomLoopback(), {}, 'someone_else');
      check(other.status !== 429, 'a different client address shares the exhausted budget');
    },
  );

  await step(
    `kill web1 (pid ${app1.proc.pid}); requests keep succeeding through web2`,
    async () => {
      const log = readFileSync(nginxLog, 'utf8');
      for (const port of [web1, web2]) {
        check(
          log.includes(`upstream=127.0.0.1:${port} `),
          `nginx never used the replica on ${port}`,
        );
      }
      await stop(app1, 'SIGKILL');
      for (let i = 0; i < 4; i++)
        expectStatus(await via('/readyz'), 200, `readyz #${i + 1} after the kill`);
      const m = await upload();
      const p = await createPost(m);
      const ids = await feedIds();
      check(
        ids.includes(p.id) && ids.includes(post?.id ?? ''),
        'feed after the kill misses a post',
      );
      check(running(app2), 'web2 is not running');
    },
  );
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function cleanup(): Promise<void> {
  console.log('cleanup');
  for (const child of [...children].reverse()) {
    await stop(child).catch((e: unknown) => console.error(`  could not stop ${child.name}:`, e));
  }
  for (const fn of cleanups.reverse()) {
    await fn().catch((e: unknown) => console.error('  cleanup failed:', e));
  }
}

process.once('SIGINT', () => {
  void cleanup().finally(() => process.exit(130));
});

try {
  await main();
  await cleanup();
  console.log('topology test passed');
} catch (err) {
  console.error(`\nFAILED: ${err instanceof Error ? err.message : String(err)}`);
  for (const child of children)
    console.error(`\n--- ${child.name} log (tail) ---\n${tail(child.log)}`);
  for (const log of extraLogs) console.error(`\n--- ${log} (tail) ---\n${tail(log)}`);
  await cleanup();
  process.exitCode = 1;
}
