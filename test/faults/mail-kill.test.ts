import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startTestSmtp, type TestSmtp, tokenIn } from '../helpers/smtp-server.js';
import { freshDatabase } from '../helpers/test-app.js';

/**
 * Fault: the process sending a mail is killed with SIGKILL while the SMTP server has the message
 * but has not answered. The mail is a row of the jobs table written with the signup, so a second
 * process takes it again once its lease ends (the test moves that process's clock past the 60 s
 * lease) and delivers it. Real processes and a real SMTP server; SQLite, or MariaDB with
 * TEST_DATABASE_URL.
 */
let dir: string;
let database: { url: string; drop(): Promise<void> };
let smtp: TestSmtp;
const servers: ServerProcess[] = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-fault-mail-'));
  database = await freshDatabase(dir);
  smtp = await startTestSmtp();
});
after(async () => {
  for (const server of servers)
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
  await smtp.stop();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const start = async () => {
  const server = await startServerProcess({
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    JWT_SECRET: 'fault-secret-fault-secret-fault-secret-0123',
    LOG_LEVEL: 'warn',
    TEST_CLOCK: '1',
    JOB_CONCURRENCY: '1',
    SMTP_URL: smtp.url,
  });
  servers.push(server);
  return server;
};

test('a mail whose sender dies mid-send is delivered by the next process', async () => {
  smtp.stall = true;
  const first = await start();
  const email = 'kill9@example.com';
  const signup = await fetch(`${first.base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'kill9', email, password: 'correct-horse-battery' }),
  });
  assert.equal(signup.status, 201);
  // The worker has handed the message over and waits for the server's answer.
  const deadline = Date.now() + 20_000;
  while (smtp.received === 0) {
    assert.ok(Date.now() < deadline, `the mail was never sent:\n${first.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  first.process.kill('SIGKILL');
  await new Promise((resolve) => first.process.once('exit', resolve));
  assert.equal(smtp.mails.length, 0, 'nothing was delivered before the kill');

  smtp.stall = false;
  const second = await start();
  // Past the dead worker's 60 s lease.
  const moved = await fetch(`${second.base}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offset_ms: 120_000 }),
  });
  assert.ok(moved.ok, await moved.text());
  const mail = await smtp.waitFor(email, /verify-email/, 30_000);
  assert.ok(tokenIn(mail, '/verify-email'));
});
