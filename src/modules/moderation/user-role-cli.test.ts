import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

/** `npm run user:role` as an operator runs it: a real process on the app's database. */
let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

async function run(...args: string[]) {
  return promisify(execFile)('npx', ['tsx', 'src/modules/moderation/moderation.cli.ts', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: t.config.databaseUrl,
      DATA_DIR: t.config.dataDir,
      JWT_SECRET: t.config.jwtSecret,
    },
  });
}

test('npm run user:role makes the first admin, who can then read the audit log', async () => {
  const user = await createUser(t);
  const audit = () =>
    t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-log', headers: user.headers });
  assert.equal((await audit()).statusCode, 403);
  const { stdout } = await run(user.username.toUpperCase(), 'admin');
  assert.equal(stdout.trim(), `${user.username}: user → admin`);
  const [entry] = expectStatus(await audit(), 200).data;
  assert.deepEqual(
    { actor: entry.actor, action: entry.action, target: entry.target },
    { actor: null, action: 'set_role', target: { type: 'user', id: String(user.id) } },
  );
  await assert.rejects(run(user.username, 'boss'), /usage: npm run user:role/);
  await assert.rejects(run('nobody_here', 'admin'), /User not found/);
});
