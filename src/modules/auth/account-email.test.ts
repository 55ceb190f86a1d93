import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signupViaApi, uniqueName } from '../../../test/helpers/accounts-factories.js';
import { bearer, expectStatus } from '../../../test/helpers/http.js';
import { startTestSmtp, type TestSmtp, tokenIn } from '../../../test/helpers/smtp-server.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { toDbTime } from '../../db/time.js';

let t: TestApp;
let smtp: TestSmtp;
before(async () => {
  smtp = await startTestSmtp();
  t = await buildTestApp({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Photogram <no-reply@photogram.test>' },
  });
});
after(async () => {
  await t.close();
  await smtp.stop();
});

const PASSWORD = 'a-good-password';
const call = (method: string, url: string, token: string | null, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload ? { payload } : {}),
  });
/** As if every rename so far happened more than 14 days ago (access tokens would expire). */
async function fifteenDaysLater() {
  const past = toDbTime(new Date(Date.now() - 15 * 86_400_000));
  await t.db
    .updateTable('users')
    .set({ username_changed_at: past })
    .where('username_changed_at', 'is not', null)
    .execute();
  await t.db.updateTable('username_reservations').set({ reserved_until: past }).execute();
}
const me = async (token: string) => expectStatus(await call('GET', '/me', token), 200);

/** Signs up and returns the account with the token of its verification mail. */
async function account(prefix = 'mail') {
  const username = uniqueName(prefix);
  const email = `${username}@example.com`;
  const signedUp = await signupViaApi(t, { username, email, password: PASSWORD });
  await t.drainJobs();
  const mail = await smtp.waitFor(email, /verify-email/);
  return {
    username,
    email,
    token: signedUp.access_token,
    verifyToken: tokenIn(mail, '/verify-email'),
  };
}

/** The mails received to `to` whose raw text matches, after every queued job ran. */
async function mailsTo(to: string, match: RegExp) {
  await t.drainJobs();
  return smtp.mails.filter((m) => m.to.includes(to) && match.test(m.raw));
}

describe('email verification', () => {
  test('signup mails a token that verifies the address once', async () => {
    const a = await account();
    const mail = await smtp.waitFor(a.email, /verify-email/);
    assert.match(mail.raw, /From: Photogram <no-reply@photogram\.test>/);
    assert.match(mail.text, /http:\/\/photogram\.test\/verify-email\?token=/);
    assert.equal((await me(a.token)).email_verified, false);

    expectStatus(await call('POST', '/auth/verify-email', null, { token: a.verifyToken }), 204);
    assert.equal((await me(a.token)).email_verified, true);

    const again = await call('POST', '/auth/verify-email', null, { token: a.verifyToken });
    assert.equal(expectStatus(again, 400).code, 'invalid_token');
  });

  test('an unknown, expired or malformed token is 400', async () => {
    const unknown = await call('POST', '/auth/verify-email', null, { token: 'not-a-token' });
    assert.equal(expectStatus(unknown, 400).code, 'invalid_token');
    const missing = await call('POST', '/auth/verify-email', null, {});
    assert.equal(expectStatus(missing, 400).code, 'validation_failed');

    const a = await account();
    await t.db
      .updateTable('email_tokens')
      .set({ expires_at: toDbTime(new Date(Date.now() - 1000)) })
      .execute();
    const expired = await call('POST', '/auth/verify-email', null, { token: a.verifyToken });
    assert.equal(expectStatus(expired, 400).code, 'invalid_token');
    assert.equal((await me(a.token)).email_verified, false);
  });

  test('a new link can be asked for; it replaces the previous one', async () => {
    assert.equal((await call('POST', '/me/email-verification', null)).statusCode, 401);
    const a = await account('resend');
    expectStatus(await call('POST', '/me/email-verification', a.token), 202);
    const mails = await mailsTo(a.email, /verify-email/);
    assert.equal(mails.length, 2);
    const fresh = tokenIn(mails[1]!, '/verify-email');
    const old = await call('POST', '/auth/verify-email', null, { token: a.verifyToken });
    assert.equal(expectStatus(old, 400).code, 'invalid_token');
    expectStatus(await call('POST', '/auth/verify-email', null, { token: fresh }), 204);
    // Confirmed: nothing more is sent.
    expectStatus(await call('POST', '/me/email-verification', a.token), 202);
    assert.equal((await mailsTo(a.email, /verify-email/)).length, 2);
  });

  test('at most 3 confirmation links an hour', async () => {
    const a = await account('resend');
    expectStatus(await call('POST', '/me/email-verification', a.token), 202);
    expectStatus(await call('POST', '/me/email-verification', a.token), 202);
    const refused = await call('POST', '/me/email-verification', a.token);
    assert.equal(expectStatus(refused, 429).code, 'rate_limited');
  });

  test('tokens are stored hashed, and the queued mail holds no token', async () => {
    const a = await account();
    const rows = await t.db.selectFrom('email_tokens').select('token_hash').execute();
    assert.ok(
      rows.every((row) => row.token_hash !== a.verifyToken && row.token_hash.length === 64),
    );
    const jobs = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'mail.send')
      .execute();
    assert.ok(jobs.length > 0);
    assert.ok(jobs.every((job) => !job.payload.includes(a.verifyToken)));
  });
});

describe('password reset', () => {
  test('always 202; only an existing account gets a mail', async () => {
    const nobody = `${uniqueName('nobody')}@example.com`;
    expectStatus(await call('POST', '/auth/password-reset', null, { email: nobody }), 202);
    assert.equal((await mailsTo(nobody, /reset-password/)).length, 0);

    const bad = await call('POST', '/auth/password-reset', null, { email: 'not an email' });
    assert.equal(expectStatus(bad, 400).code, 'validation_failed');
  });

  test('the mailed token sets a new password once and ends every session', async () => {
    const a = await account('reset');
    const other = expectStatus(
      await call('POST', '/auth/login', null, { username: a.username, password: PASSWORD }),
      200,
    );
    // Any case of the address works.
    const request = await call('POST', '/auth/password-reset', null, {
      email: a.email.toUpperCase(),
    });
    expectStatus(request, 202);
    await t.drainJobs();
    const mail = await smtp.waitFor(a.email, /reset-password/);
    const token = tokenIn(mail, '/reset-password');

    const weak = await call('POST', '/auth/password-reset/confirm', null, {
      token,
      new_password: 'password',
    });
    const problem = expectStatus(weak, 400);
    assert.equal(problem.errors[0].field, 'new_password');

    const newPassword = 'another-good-password';
    expectStatus(
      await call('POST', '/auth/password-reset/confirm', null, {
        token,
        new_password: newPassword,
      }),
      204,
    );
    assert.equal((await call('GET', '/me', a.token)).statusCode, 401);
    assert.equal((await call('GET', '/me', other.access_token)).statusCode, 401);
    const refreshed = await call('POST', '/auth/refresh', null, {
      refresh_token: other.refresh_token,
    });
    assert.equal(refreshed.statusCode, 401);
    const oldLogin = await call('POST', '/auth/login', null, {
      username: a.username,
      password: PASSWORD,
    });
    assert.equal(oldLogin.statusCode, 401);
    const login = expectStatus(
      await call('POST', '/auth/login', null, { username: a.username, password: newPassword }),
      200,
    );
    // Reading the mail proved the address.
    assert.equal((await me(login.access_token)).email_verified, true);

    const reused = await call('POST', '/auth/password-reset/confirm', null, {
      token,
      new_password: 'yet-another-password',
    });
    assert.equal(expectStatus(reused, 400).code, 'invalid_token');
  });

  test('a token older than an hour is refused', async () => {
    const a = await account('resetold');
    expectStatus(await call('POST', '/auth/password-reset', null, { email: a.email }), 202);
    await t.drainJobs();
    const token = tokenIn(await smtp.waitFor(a.email, /reset-password/), '/reset-password');
    t.clock.setOffset(3600_000 + 1000);
    try {
      const late = await call('POST', '/auth/password-reset/confirm', null, {
        token,
        new_password: 'another-good-password',
      });
      assert.equal(expectStatus(late, 400).code, 'invalid_token');
    } finally {
      t.clock.setOffset(0);
    }
  });

  test('requests are rate limited per client address (429 with Retry-After)', async () => {
    const limited = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MIN: '2' } });
    try {
      const ask = (email: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset',
          payload: { email },
          remoteAddress: '198.51.100.9',
        });
      expectStatus(await ask('one@example.com'), 202);
      expectStatus(await ask('two@example.com'), 202);
      const refused = await ask('three@example.com');
      assert.equal(expectStatus(refused, 429).code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
    } finally {
      await limited.close();
    }
  });

  test('at most 3 reset mails per account per hour', async () => {
    const a = await account('resetmany');
    for (let i = 0; i < 5; i++) {
      expectStatus(await call('POST', '/auth/password-reset', null, { email: a.email }), 202);
    }
    assert.equal((await mailsTo(a.email, /reset-password/)).length, 3);
  });
});

describe('PATCH /me username and email', () => {
  test('requires authentication', async () => {
    assert.equal((await call('PATCH', '/me', null, { username: 'someone' })).statusCode, 401);
  });

  test('a rename once per 14 days; the old name stays reserved for its owner', async () => {
    const a = await account('ren');
    const b = await account('ren');
    const newName = uniqueName('renamed');
    const renamed = expectStatus(
      await call('PATCH', '/me', a.token, { username: newName.toUpperCase() }),
      200,
    );
    assert.equal(renamed.username, newName);

    const soon = await call('PATCH', '/me', a.token, { username: uniqueName('again') });
    assert.equal(expectStatus(soon, 409).code, 'username_change_too_soon');

    // Nobody else can take the old name, by rename or signup.
    const taken = await call('PATCH', '/me', b.token, { username: a.username });
    assert.equal(expectStatus(taken, 409).code, 'conflict');
    const signup = await call('POST', '/auth/signup', null, {
      username: a.username,
      email: `${uniqueName('x')}@example.com`,
      password: PASSWORD,
    });
    assert.equal(expectStatus(signup, 409).code, 'conflict');
    // A name in use is 409 too; invalid names are 400.
    const inUse = await call('PATCH', '/me', b.token, { username: newName });
    assert.equal(expectStatus(inUse, 409).code, 'conflict');
    const invalid = await call('PATCH', '/me', b.token, { username: 'no spaces' });
    assert.equal(expectStatus(invalid, 400).code, 'validation_failed');

    // 14 days later the owner may take the old name back.
    await fifteenDaysLater();
    const back = expectStatus(await call('PATCH', '/me', a.token, { username: a.username }), 200);
    assert.equal(back.username, a.username);
  });

  test('a reservation ends after 14 days for everyone', async () => {
    const a = await account('resv');
    const b = await account('resv');
    expectStatus(await call('PATCH', '/me', a.token, { username: uniqueName('moved') }), 200);
    await fifteenDaysLater();
    const taken = expectStatus(await call('PATCH', '/me', b.token, { username: a.username }), 200);
    assert.equal(taken.username, a.username);
  });

  test('a new email is unverified until the link mailed to it is used; the old one is told', async () => {
    const a = await account('mailchg');
    const b = await account('mailchg');
    const newEmail = `${uniqueName('new')}@example.org`;
    // The email decides where resets go: changing it needs the password (a token alone won't do).
    const without = await call('PATCH', '/me', a.token, { email: newEmail });
    assert.deepEqual(
      expectStatus(without, 400).errors.map((e: { field: string }) => e.field),
      ['current_password'],
    );
    const wrong = await call('PATCH', '/me', a.token, {
      email: newEmail,
      current_password: 'not-the-password',
    });
    expectStatus(wrong, 403);
    assert.equal((await me(a.token)).email, a.email, 'unchanged after a refusal');
    const changed = expectStatus(
      await call('PATCH', '/me', a.token, {
        email: newEmail.toUpperCase(),
        current_password: PASSWORD,
      }),
      200,
    );
    assert.equal(changed.email, newEmail);
    assert.equal(changed.email_verified, false);
    await t.drainJobs();
    const notice = await smtp.waitFor(a.email, /changed/);
    assert.match(notice.text, new RegExp(newEmail.replace(/\./g, '\\.')));
    const token = tokenIn(await smtp.waitFor(newEmail, /verify-email/), '/verify-email');

    // The signup token was for the old address.
    const old = await call('POST', '/auth/verify-email', null, { token: a.verifyToken });
    assert.equal(expectStatus(old, 400).code, 'invalid_token');
    expectStatus(await call('POST', '/auth/verify-email', null, { token }), 204);
    assert.equal((await me(a.token)).email_verified, true);

    const inUse = await call('PATCH', '/me', b.token, {
      email: newEmail,
      current_password: PASSWORD,
    });
    assert.equal(expectStatus(inUse, 409).code, 'conflict');
    const invalid = await call('PATCH', '/me', b.token, { email: 'nope' });
    assert.equal(expectStatus(invalid, 400).code, 'validation_failed');
    // Sending the current values changes nothing.
    const same = expectStatus(
      await call('PATCH', '/me', b.token, { username: b.username, email: b.email }),
      200,
    );
    assert.equal(same.username, b.username);
  });
});

describe('mail delivery', () => {
  test('a mail survives an SMTP outage: its job is retried until the server answers', async () => {
    const down = await startTestSmtp();
    const port = Number(new URL(down.url).port);
    await down.stop();
    const local = await buildTestApp({ env: { SMTP_URL: down.url, JOB_CONCURRENCY: '0' } });
    let up: TestSmtp | undefined;
    try {
      const username = uniqueName('outage');
      await signupViaApi(local, { username });
      await local.drainJobs();
      const job = await local.db
        .selectFrom('jobs')
        .select(['id', 'status', 'attempts', 'last_error'])
        .where('kind', '=', 'mail.send')
        .executeTakeFirstOrThrow();
      assert.equal(job.status, 'queued');
      assert.equal(job.attempts, 1);
      assert.match(job.last_error ?? '', /ECONNREFUSED/);

      up = await startTestSmtp(port);
      // Its retry is due (the backoff has passed).
      await local.db
        .updateTable('jobs')
        .set({ run_at: toDbTime(new Date(Date.now() - 1000)) })
        .where('id', '=', job.id)
        .execute();
      await local.drainJobs();
      const mail = await up.waitFor(`${username}@example.com`, /verify-email/);
      assert.ok(tokenIn(mail, '/verify-email'));
      const done = await local.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(done, { status: 'done', attempts: 2 });
    } finally {
      await local.close();
      await up?.stop();
    }
  });
});

describe('without SMTP_URL', () => {
  test('mails are written to DATA_DIR/mail as .eml files', async () => {
    const local = await buildTestApp();
    try {
      const username = uniqueName('eml');
      await signupViaApi(local, { username });
      await local.drainJobs();
      const dir = path.join(local.config.dataDir, 'mail');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      assert.equal(files.length, 1);
      const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
      assert.match(eml, new RegExp(`To: ${username}@example\\.com`));
      assert.match(eml, /Subject: Confirm your email address/);
    } finally {
      await local.close();
    }
  });
});
