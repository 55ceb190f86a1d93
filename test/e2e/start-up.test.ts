import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { runEntryPoint, startEntryPoint } from '../helpers/process.js';

/** The process entry points as an operator meets them: .env, folders, a missing database. */
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'photogram-start-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

test('an unwritable MEDIA_DIR stops the server with one line', async () => {
  // A folder under a regular file cannot be created, even by root (tests run as root here).
  const file = path.join(dir, 'a-file');
  await writeFile(file, '');
  const mediaDir = path.join(file, 'media');
  const result = await runEntryPoint('src/server.ts', [], {
    cwd: dir,
    env: { DATA_DIR: dir, MEDIA_DIR: mediaDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(result.stdout, '');
  assert.deepEqual(result.stderr.trimEnd().split('\n'), [
    `Photogram cannot start: MEDIA_DIR ${mediaDir} is not writable (ENOTDIR: not a directory)`,
  ]);
});

test('.env in the working directory is read, the real environment wins, and db:migrate needs no JWT_SECRET', async () => {
  const cwd = await mkdtemp(path.join(dir, 'dotenv-'));
  await writeFile(
    path.join(cwd, '.env'),
    '# as .env.example\nNODE_ENV=production\nDATABASE_URL=sqlite:./from-file.db\n',
  );
  const fromFile = await runEntryPoint('src/db/migrate.ts', ['up'], { cwd, env: {} });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /^applied 0001/);
  assert.ok(existsSync(path.join(cwd, 'from-file.db')));

  const fromEnv = await runEntryPoint('src/db/migrate.ts', ['up'], {
    cwd,
    env: { DATABASE_URL: 'sqlite:./from-env.db' },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.match(fromEnv.stdout, /^applied 0001/);
  assert.ok(existsSync(path.join(cwd, 'from-env.db')));
});

describe('logs', () => {
  const serve = async (env: Record<string, string>) => {
    const cwd = await mkdtemp(path.join(dir, 'logs-'));
    const server = startEntryPoint('src/server.ts', {
      cwd,
      env: { DATA_DIR: cwd, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    });
    try {
      const [, url] = await server.waitFor(/listening at (http:\/\/127\.0\.0\.1:\d+)/);
      await fetch(`${url}/healthz`);
      await fetch(`${url}/api/v1/posts/x`);
      await server.waitFor(/GET \/api\/v1\/posts\/x 400/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
    return server.stdout().split('\n');
  };

  test('LOG_FORMAT=pretty: one readable line per request', async () => {
    const lines = await serve({ LOG_FORMAT: 'pretty' });
    const requests = lines.filter((line) => line.includes(' GET '));
    assert.equal(requests.length, 2, lines.join('\n'));
    assert.match(requests[0]!, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: GET \/healthz 200 \d+\.\d ms$/);
    assert.match(requests[1]!, /INFO.*: GET \/api\/v1\/posts\/x 400 \d+\.\d ms$/);
    assert.ok(!lines.some((line) => line.includes('incoming request')));
  });

  test('without a terminal: one JSON object per request, with its fields', async () => {
    const lines = await serve({});
    const requests = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>)
      .filter((entry) => entry.req);
    assert.deepEqual(
      requests.map((entry) => [
        entry.msg.replace(/[\d.]+ ms$/, 'ms'),
        entry.req.url,
        entry.res.statusCode,
      ]),
      [
        ['GET /healthz 200 ms', '/healthz', 200],
        ['GET /api/v1/posts/x 400 ms', '/api/v1/posts/x', 400],
      ],
    );
    assert.ok(requests.every((entry) => typeof entry.reqId === 'string' && entry.responseTime > 0));
  });
});

describe(
  'a MySQL database that does not exist',
  { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (MySQL)' },
  () => {
    const admin = () => createConnection({ uri: process.env.TEST_DATABASE_URL! });
    const urlFor = (database: string, user?: string) => {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${database}`;
      if (user) [url.username, url.password] = [user, 'not-secret'];
      return url.toString();
    };

    test('is created by db:migrate, with the character set the schema expects', async () => {
      const name = `photogram_created_${randomBytes(4).toString('hex')}`;
      const connection = await admin();
      try {
        const result = await runEntryPoint('src/db/migrate.ts', ['up'], {
          cwd: dir,
          env: { DATABASE_URL: urlFor(name) },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stderr, `created the database ${name}\n`);
        assert.match(result.stdout, /^applied 0001/);
        const [rows] = await connection.query(
          'SELECT default_character_set_name AS charset, default_collation_name AS collation FROM information_schema.schemata WHERE schema_name = ?',
          [name],
        );
        assert.deepEqual(rows, [{ charset: 'utf8mb4', collation: 'utf8mb4_bin' }]);
      } finally {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await connection.end();
      }
    });

    test('when the user may not create it, the message names the statement to run', async () => {
      const name = `photogram_missing_${randomBytes(4).toString('hex')}`;
      const user = `pg_nocreate_${randomBytes(4).toString('hex')}`;
      const connection = await admin();
      await connection.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'not-secret'`);
      const statement = `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;`;
      const migrate = async () => {
        const result = await runEntryPoint('src/db/migrate.ts', ['up'], {
          cwd: dir,
          env: { DATABASE_URL: urlFor(name, user) },
        });
        assert.equal(result.code, 1);
        assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
        return result.stderr;
      };
      try {
        // Without any right on it, a missing database looks like a forbidden one.
        assert.ok(
          (await migrate()).includes(
            `If it does not exist yet, ask an administrator to run: ${statement}`,
          ),
        );
        // With a right on it, MySQL says it does not exist.
        await connection.query(`GRANT SELECT ON \`${name}\`.* TO '${user}'@'%'`);
        const refused = await migrate();
        assert.ok(
          refused.startsWith(`The database "${name}" does not exist and user "${user}" may not`),
          refused,
        );
        assert.ok(refused.endsWith(`Ask an administrator to run: ${statement}\n`), refused);
      } finally {
        await connection.query(`DROP USER '${user}'@'%'`);
        await connection.end();
      }
    });
  },
);
