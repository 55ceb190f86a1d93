// deploy/deploy.sh's control flow, with stand-ins for docker and curl
// (test/deploy/bin) that record every call: no Docker engine is needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repo = join(import.meta.dirname, '..', '..');
const fakes = join(import.meta.dirname, 'bin');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const compose = 'docker compose -f docker-compose.prod.yml';
const up = (image: string) => [
  `${compose} up -d --no-build --remove-orphans PHOTOGRAM_IMAGE=${image}`,
  `${compose} exec -T nginx nginx -s reload PHOTOGRAM_IMAGE=${image}`,
];
const inspect = 'docker image inspect photogram:current PHOTOGRAM_IMAGE=';
const build = 'docker build --pull -t photogram:t1 . PHOTOGRAM_IMAGE=';
const migrate = `${compose} run --rm --no-deps web node dist/db/migrate.js up PHOTOGRAM_IMAGE=photogram:t1`;
const ready = 'curl -fsS -o /dev/null --max-time 5 http://127.0.0.1/readyz';

function deploy(fake: Record<string, string>, args: string[] = [], withEnv = true) {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-sh-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'deploy'));
  copyFileSync(join(repo, 'deploy', 'deploy.sh'), join(dir, 'deploy', 'deploy.sh'));
  writeFileSync(join(dir, 'docker-compose.prod.yml'), '');
  if (withEnv) writeFileSync(join(dir, '.env'), 'JWT_SECRET=x\n');
  const run = spawnSync('bash', [join(dir, 'deploy', 'deploy.sh'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${fakes}:${process.env.PATH ?? ''}`,
      FAKE_DIR: dir,
      DEPLOY_TAG: 't1',
      READY_ATTEMPTS: '3',
      READY_INTERVAL: '0',
      ...fake,
    },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
  } catch {
    // no call was made
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls };
}

test('success: build, migrate, start, wait for /readyz, then tag the new image as current', () => {
  const r = deploy({ FAKE_HAS_CURRENT: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.calls, [
    inspect,
    build,
    migrate,
    ...up('photogram:t1'),
    ready,
    'docker tag photogram:current photogram:previous PHOTOGRAM_IMAGE=',
    'docker tag photogram:t1 photogram:current PHOTOGRAM_IMAGE=',
  ]);
  assert.match(
    r.stdout,
    /==> build photogram:t1\n[\s\S]*==> migrate[\s\S]*==> start[\s\S]*==> wait/,
  );
  assert.match(r.stdout, /==> deployed photogram:t1/);
});

test('--pull pulls IMAGE_REPO:DEPLOY_TAG instead of building', () => {
  const r = deploy({ IMAGE_REPO: 'ghcr.io/acme/photogram' }, ['--pull']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.calls[1], 'docker pull ghcr.io/acme/photogram:t1 PHOTOGRAM_IMAGE=');
  assert.ok(!r.calls.some((c) => c.startsWith('docker build')));
  assert.equal(
    r.calls.at(-1),
    'docker tag ghcr.io/acme/photogram:t1 photogram:current PHOTOGRAM_IMAGE=',
  );
});

test('failed health check: rolls back to photogram:current and exits 1', () => {
  const r = deploy({ FAKE_HAS_CURRENT: '1', FAKE_BROKEN_IMAGE: 'photogram:t1' });
  assert.equal(r.status, 1);
  assert.deepEqual(r.calls, [
    inspect,
    build,
    migrate,
    ...up('photogram:t1'),
    ready,
    ready,
    ready,
    ...up('photogram:current'),
    ready,
  ]);
  assert.match(r.stderr, /not ready after 3 attempts/);
  assert.match(r.stdout, /==> roll back to photogram:current\n[\s\S]*==> rolled back/);
});

test('failed health check on the first deployment: nothing to roll back to, exits 1', () => {
  const r = deploy({ FAKE_BROKEN_IMAGE: 'photogram:t1' });
  assert.equal(r.status, 1);
  assert.deepEqual(r.calls, [inspect, build, migrate, ...up('photogram:t1'), ready, ready, ready]);
  assert.match(r.stdout, /no previous image to roll back to/);
});

test('failed migration: the running version is not touched', () => {
  const r = deploy({ FAKE_HAS_CURRENT: '1', FAKE_MIGRATE_RC: '3' });
  assert.equal(r.status, 1);
  assert.deepEqual(r.calls, [inspect, build, migrate]);
  assert.match(r.stderr, /migration failed/);
});

test('missing .env: stops before calling docker', () => {
  const r = deploy({}, [], false);
  assert.equal(r.status, 1);
  assert.deepEqual(r.calls, []);
  assert.match(r.stderr, /\.env is missing/);
});
