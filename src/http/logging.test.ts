import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { logFormat, OneLinePerRequest } from './logging.js';

test('pretty lines at a terminal outside production, JSON otherwise, LOG_FORMAT wins', () => {
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: undefined }, true), 'pretty');
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: undefined }, false), 'json');
  assert.equal(logFormat({ nodeEnv: 'production', logFormat: undefined }, true), 'json');
  assert.equal(logFormat({ nodeEnv: 'production', logFormat: 'pretty' }, false), 'pretty');
  assert.equal(logFormat({ nodeEnv: 'development', logFormat: 'json' }, true), 'json');
});

test('one line per answer at info; none at warn, where failures are still logged', async () => {
  const linesAt = async (level: string) => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level, stream: { write: (line: string) => void lines.push(line) } },
      logController: new OneLinePerRequest(),
    });
    app.get('/ok', async () => ({ ok: true }));
    app.get('/fails', async () => {
      throw new Error('boom');
    });
    await app.inject({ method: 'GET', url: '/ok' });
    await app.inject({ method: 'GET', url: '/fails' });
    await app.close();
    return lines.map((line) => JSON.parse(line).msg as string);
  };
  const info = await linesAt('info');
  assert.ok(
    info.some((msg) => /^GET \/ok 200 [\d.]+ ms$/.test(msg)),
    info.join('\n'),
  );
  const warn = await linesAt('warn');
  assert.ok(!warn.some((msg) => msg.startsWith('GET /ok')), warn.join('\n'));
  assert.ok(
    warn.some((msg) => msg.includes('boom')),
    warn.join('\n'),
  );
});
