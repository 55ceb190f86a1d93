import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startServerProcess } from '../../test/helpers/server-process.js';
import { freshDatabase } from '../../test/helpers/test-app.js';

/** The real server process with METRICS_PORT set: requests and statements show up on that port only. */
describe('metrics on METRICS_PORT', () => {
  let dir: string;
  let server: ChildProcess;
  let api: string;
  let metricsUrl: string;
  let dropDatabase: () => Promise<void>;
  let logs = () => '';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'photogram-metrics-'));
    const database = await freshDatabase(dir);
    dropDatabase = database.drop;
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const started = await startServerProcess({
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      JWT_SECRET: 'metrics-secret-metrics-secret-0123456789',
      LOG_LEVEL: 'info',
    });
    ({ process: server, base: api, logs } = started);
  });

  after(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  /** The value of one series, or undefined when it is absent. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts requests by route pattern and status, and SQL statements by operation', async () => {
    const signup = await fetch(`${api}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'ada',
        email: 'ada@example.com',
        password: 'long-password',
      }),
    });
    assert.equal(signup.status, 201, await signup.clone().text());
    for (const name of ['ada', 'nobody']) await fetch(`${api}/api/v1/users/${name}`);
    // GET falls back to the web app's route when it is built; a DELETE matches no route at all.
    await fetch(`${api}/no/such/route`, { method: 'DELETE' });

    const text = await scrape();
    const requests = (method: string, route: string, status: number) =>
      sample(
        text,
        `http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"}`,
      );
    assert.equal(requests('POST', '/api/v1/auth/signup', 201), 1);
    assert.equal(requests('GET', '/api/v1/users/:username', 200), 1);
    assert.equal(requests('GET', '/api/v1/users/:username', 404), 1);
    assert.equal(requests('DELETE', 'unmatched', 404), 1);
    assert.doesNotMatch(text, /route="\/api\/v1\/users\/ada"/, 'URLs are never labels');
    assert.ok(
      (sample(
        text,
        'http_request_duration_seconds_sum{method="POST",route="/api/v1/auth/signup",status_code="201"}',
      ) ?? 0) > 0,
    );

    const statements = (operation: string) =>
      sample(text, `db_statement_duration_seconds_count{operation="${operation}",outcome="ok"}`) ??
      0;
    // Signup inserts the user, the profile and a refresh token; the profiles are selects.
    assert.ok(statements('insert') >= 3, `inserts: ${statements('insert')}`);
    assert.ok(statements('select') >= 3, `selects: ${statements('select')}`);
    assert.equal(
      sample(text, 'db_statement_duration_seconds_count{operation="delete",outcome="ok"}'),
      0,
    );
    assert.ok((sample(text, 'process_cpu_user_seconds_total') ?? 0) > 0, 'process metrics');
    assert.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined, 'event loop metrics');
  });

  it('are not served on the public port', async () => {
    const response = await fetch(`${api}/metrics`);
    assert.equal(response.status, 404);
    assert.match(String(response.headers.get('content-type')), /application\/problem\+json/);
  });

  it('answer 404 for anything but GET /metrics on the metrics port', async () => {
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/'))).status, 404);
  });

  it('close with the app on SIGTERM', async () => {
    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number | null];
    assert.equal(code, 0, logs());
    await assert.rejects(fetch(metricsUrl), 'metrics port closed');
  });
});
