import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../../src/config.js';
import { drainJobs } from '../../scripts/bench/fanout.js';
import { benchUserIds, fillMediaPool, followTargets } from '../../scripts/bench/fixture.js';
import { type Fixture, SCENARIOS, scenario } from '../../scripts/bench/scenarios.js';
import { seedDatabase } from '../../scripts/bench/seed.js';
import { type ServerProcess, startServer } from '../../scripts/bench/server-process.js';
import { BENCH_PASSWORD, username } from '../../scripts/bench/dataset.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { TINY_SHAPE } from './tiny-shape.js';

const shape = TINY_SHAPE;
/** Reads: the raw server must answer exactly what Photogram answers. */
const READS = ['feed', 'post', 'profile', 'comments'];
const REQUESTS_PER_SCENARIO = 4;

let t: TestApp;
let raw: ServerProcess;
let fixture: Fixture;

const databaseUrl = (config: Readonly<Config>) =>
  config.database.dialect === 'sqlite' ? `sqlite:${config.database.file}` : config.database.url;

before(async () => {
  t = await buildTestApp();
  await seedDatabase({ config: t.config, shape, quiet: true });
  raw = await startServer(
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(t.config),
      JWT_SECRET: t.config.jwtSecret,
      DATA_DIR: t.config.dataDir,
    },
    'raw',
  );
  const tokens: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: username(i), password: BENCH_PASSWORD },
    });
    tokens.push(response.json<{ access_token: string }>().access_token);
  }
  const feed = await t.app.inject({
    url: '/api/v1/feed?limit=20',
    headers: { authorization: `Bearer ${tokens[0]}` },
  });
  const postIds = feed.json<{ data: { id: string }[] }>().data.map((p) => p.id);
  fixture = { tokens, postIds, users: shape.users, media: [], followTargets: [] };
  const ids = await benchUserIds(t.db, tokens.length);
  fixture.followTargets = await followTargets(t.db, ids, shape.users);
  await fillMediaPool(t.db, fixture, ids, 2 * REQUESTS_PER_SCENARIO);
});
after(async () => {
  await raw?.stop();
  await t?.close();
});

/** Keys and value types, recursively (an array by its first item): the JSON's shape. */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value !== 'object') return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, shapeOf(v)]),
  );
}

for (const name of SCENARIOS.filter((n) => n !== 'mixed')) {
  test(`${name}: the raw server answers with Photogram's status and JSON shape`, async () => {
    // Each request goes to Photogram, then the same one to the raw server: a write's repeat
    // (a second like, follow or unfollow) changes nothing, a post or comment is created twice.
    const next = scenario(name, fixture);
    for (let i = 0; i < REQUESTS_PER_SCENARIO; i++) {
      const request = next();
      const headers = request.headers as Record<string, string>;
      const app = await t.app.inject({
        method: request.method as 'GET',
        url: request.path!,
        headers,
        payload: request.body as string | undefined,
      });
      const retry = name === 'post-create' ? next() : request;
      const response = await fetch(raw.url + retry.path!, {
        method: retry.method,
        headers: retry.headers as Record<string, string>,
        body: retry.body as string | undefined,
      });
      const text = (await response.text()).replaceAll(raw.url, t.config.publicUrl);
      const where = `${request.method} ${request.path}`;
      assert.equal(response.status, app.statusCode, `${where}: ${text}`);
      if (app.statusCode === 204) continue;
      const [expected, actual] = [app.json<unknown>(), JSON.parse(text) as unknown];
      if (READS.includes(name)) assert.deepEqual(actual, expected, where);
      else assert.deepEqual(shapeOf(actual), shapeOf(expected), where);
      await t.drainJobs();
    }
    // The raw server's fan-outs run after its answers and mark their jobs rows done.
    await drainJobs(t.db, 10);
  });
}
