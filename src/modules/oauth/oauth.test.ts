import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, FACTORY_PASSWORD, type TestUser } from '../../../test/helpers/factories.js';
import { expectStatus } from '../../../test/helpers/http.js';
import { authorize, OOB, oauthToken, pkcePair, registerApp } from '../../../test/helpers/oauth.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let alice: TestUser;
before(async () => {
  t = await buildTestApp();
  alice = await createUser(t);
});
after(async () => t.close());

const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

const token = (payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/oauth/token', payload });

describe('POST /api/v1/apps', () => {
  test('JSON: the app with its credentials, vapid_key null', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      payload: {
        client_name: 'Pinafore',
        redirect_uris: 'https://pinafore.example/cb',
        scopes: 'read write',
        website: 'https://pinafore.example',
      },
    });
    const app = expectStatus(response, 200);
    assert.match(response.headers['content-type'] as string, /^application\/json/);
    assert.equal(app.name, 'Pinafore');
    assert.equal(app.website, 'https://pinafore.example');
    assert.equal(app.redirect_uri, 'https://pinafore.example/cb');
    assert.deepEqual(app.redirect_uris, ['https://pinafore.example/cb']);
    assert.deepEqual(app.scopes, ['read', 'write']);
    assert.equal(app.vapid_key, null);
    assert.equal(typeof app.id, 'string');
    assert.match(app.client_id, /^[\w-]{43}$/);
    assert.match(app.client_secret, /^[\w-]{43}$/);
  });

  test('urlencoded with Rails arrays, and multipart forms', async () => {
    const app = expectStatus(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/apps',
        ...form({ client_name: 'Form app', scopes: 'read' }),
        payload: `client_name=Form+app&scopes=read+write%3Astatuses&redirect_uris[]=${encodeURIComponent(OOB)}&redirect_uris[]=${encodeURIComponent('myapp://cb')}`,
      }),
      200,
    );
    assert.deepEqual(app.redirect_uris, [OOB, 'myapp://cb']);
    assert.deepEqual(app.scopes, ['read', 'write:statuses']);

    const boundary = 'xyz';
    const body = [
      ['client_name', 'Multipart app'],
      ['redirect_uris', OOB],
    ]
      .map(
        ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      )
      .join('');
    const multi = expectStatus(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/apps',
        payload: `${body}--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      }),
      200,
    );
    assert.equal(multi.name, 'Multipart app');
    assert.deepEqual(multi.scopes, ['read'], 'Mastodon’s default scope');
  });

  test('a missing name, a relative redirect URI or an unknown scope is 422 {error}', async () => {
    for (const payload of [
      { redirect_uris: OOB },
      { client_name: 'x', redirect_uris: '/relative' },
      { client_name: 'x', redirect_uris: OOB, scopes: 'read admin:everything' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/apps', payload });
      assert.equal(response.statusCode, 422, response.body);
      assert.match(response.headers['content-type'] as string, /^application\/json/);
      assert.match(response.json().error, /Validation failed/);
    }
  });
});

describe('GET /oauth/authorize', () => {
  test('a form posting username and password with the request in hidden inputs', async () => {
    const app = await registerApp(t);
    const response = await t.app.inject({
      method: 'GET',
      url: `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent('https://client.example/callback')}&scope=read+write&state=s%221`,
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/html/);
    const html = response.body;
    assert.match(html, /<form method="post" action="\/oauth\/authorize">/);
    assert.match(html, /<input type="text" id="username" name="username"/);
    assert.match(html, /<input type="password" id="password" name="password"/);
    assert.match(html, /<input type="hidden" name="client_id" value="[\w-]+">/);
    assert.match(html, /<input type="hidden" name="state" value="s&quot;1">/, 'escaped');
    assert.match(html, /<input type="hidden" name="scope" value="read write">/);
    assert.match(html, /<button type="submit">Authorize<\/button>/);
    assert.match(
      response.headers['content-security-policy'] as string,
      /form-action 'self' https:\/\/client\.example;/,
    );
  });

  test('an unknown client, an unregistered redirect URI or too wide a scope is an error page, not a redirect', async () => {
    const app = await registerApp(t, 'read');
    for (const [query, message] of [
      [`client_id=nope&redirect_uri=${OOB}`, /not registered/],
      [
        `client_id=${app.client_id}&redirect_uri=https%3A%2F%2Fevil.example%2F`,
        /not one this application registered/,
      ],
      [`client_id=${app.client_id}&scope=write`, /more than the application registered/],
      [`client_id=${app.client_id}&code_challenge=abc&code_challenge_method=plain`, /S256/],
    ] as const) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/oauth/authorize?response_type=code&${query}`,
      });
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.headers.location, undefined);
      assert.match(response.body, message);
    }
  });
});

describe('POST /oauth/authorize', () => {
  test('a wrong password shows the form again with a message; the right one redirects with code and state', async () => {
    const app = await registerApp(t);
    const fields = {
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: 'https://client.example/callback',
      scope: 'read',
      state: 'xyz',
      username: alice.username.toUpperCase(),
    };
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/oauth/authorize',
      ...form({ ...fields, password: 'wrong' }),
    });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /The username or password is not correct/);
    assert.match(wrong.body, /<form method="post"/);

    const right = await t.app.inject({
      method: 'POST',
      url: '/oauth/authorize',
      ...form({ ...fields, password: FACTORY_PASSWORD }),
    });
    assert.equal(right.statusCode, 302, right.body);
    const location = new URL(String(right.headers.location));
    assert.equal(location.origin + location.pathname, 'https://client.example/callback');
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.match(location.searchParams.get('code') ?? '', /^[\w-]{43}$/);
  });

  test('out of band: the code on a page, in a <code> element; state is optional', async () => {
    const app = await registerApp(t, 'read', OOB);
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/authorize',
      ...form({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: OOB,
        username: alice.username,
        password: FACTORY_PASSWORD,
      }),
    });
    assert.equal(response.statusCode, 200);
    const code = /<code>([\w-]+)<\/code>/.exec(response.body)?.[1];
    assert.ok(code);
    const issued = expectStatus(
      await token({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        client_secret: app.client_secret,
        code,
        redirect_uri: OOB,
      }),
      200,
    );
    assert.equal(issued.scope, 'read');
  });
});

describe('POST /oauth/token', () => {
  test('authorization_code with PKCE (form body): a Bearer token; the code works once', async () => {
    const app = await registerApp(t);
    const { verifier, challenge } = pkcePair();
    const code = await authorize(t, app, alice, { scope: 'read write', challenge });
    const fields = {
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      code,
      redirect_uri: 'https://client.example/callback',
    };
    const noVerifier = await t.app.inject({ method: 'POST', url: '/oauth/token', ...form(fields) });
    assert.equal(noVerifier.statusCode, 400);
    assert.equal(noVerifier.json().error, 'invalid_grant');
    const wrong = await token({ ...fields, code_verifier: pkcePair().verifier });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), {
      error: 'invalid_grant',
      error_description: 'code_verifier does not match the code_challenge.',
    });

    const before = Math.floor(Date.now() / 1000);
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      ...form({ ...fields, code_verifier: verifier }),
    });
    const issued = expectStatus(response, 200);
    assert.equal(issued.token_type, 'Bearer');
    assert.equal(issued.scope, 'read write');
    assert.ok(issued.created_at >= before && issued.created_at <= before + 5);
    assert.equal(response.headers['cache-control'], 'no-store');

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/apps/verify_credentials',
      headers: { authorization: `Bearer ${issued.access_token}` },
    });
    assert.deepEqual(
      { ...expectStatus<object>(me, 200), id: undefined },
      {
        id: undefined,
        name: 'Test client',
        website: null,
        scopes: ['read', 'write', 'follow', 'push'],
        redirect_uri: 'https://client.example/callback',
        redirect_uris: ['https://client.example/callback'],
        vapid_key: null,
      },
    );

    const reused = await token({ ...fields, code_verifier: verifier });
    assert.equal(reused.statusCode, 400);
    assert.equal(reused.json().error, 'invalid_grant');
  });

  test('a public client with PKCE needs no secret; without PKCE the secret is required', async () => {
    const app = await registerApp(t);
    const { verifier, challenge } = pkcePair();
    const code = await authorize(t, app, alice, { challenge });
    const fields = { grant_type: 'authorization_code', client_id: app.client_id, code };
    expectStatus(await token({ ...fields, code_verifier: verifier }), 200);
    const plainCode = await authorize(t, app, alice);
    const noSecret = await token({ ...fields, code: plainCode });
    assert.equal(noSecret.statusCode, 401);
    assert.equal(noSecret.json().error, 'invalid_client');
  });

  test('an unknown client, a wrong secret, an expired code, another client’s code', async () => {
    const app = await registerApp(t);
    const other = await registerApp(t);
    const code = await authorize(t, app, alice);
    const fields = {
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      code,
    };
    const unknown = await token({ ...fields, client_id: 'nope' });
    assert.deepEqual([unknown.statusCode, unknown.json().error], [401, 'invalid_client']);
    const secret = await token({ ...fields, client_secret: 'wrong' });
    assert.deepEqual([secret.statusCode, secret.json().error], [401, 'invalid_client']);
    const theirs = await token({
      ...fields,
      client_id: other.client_id,
      client_secret: other.client_secret,
    });
    assert.deepEqual([theirs.statusCode, theirs.json().error], [400, 'invalid_grant']);
    const grant = await token({ ...fields, grant_type: 'password' });
    assert.deepEqual([grant.statusCode, grant.json().error], [400, 'unsupported_grant_type']);
    t.clock.setOffset(11 * 60 * 1000);
    try {
      const expired = await token(fields);
      assert.deepEqual([expired.statusCode, expired.json().error], [400, 'invalid_grant']);
    } finally {
      t.clock.setOffset(0);
    }
  });

  test('client_credentials: an app token for app endpoints, not for an account’s', async () => {
    const app = await registerApp(t, 'read write');
    const issued = expectStatus(
      await token({
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: 'read',
      }),
      200,
    );
    const headers = { authorization: `Bearer ${issued.access_token}` };
    const verified = await t.app.inject({
      method: 'GET',
      url: '/api/v1/apps/verify_credentials',
      headers,
    });
    assert.equal(expectStatus(verified, 200).name, 'Test client');
    const prefs = await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers });
    assert.equal(prefs.statusCode, 401);
    const wide = await token({
      grant_type: 'client_credentials',
      client_id: app.client_id,
      client_secret: app.client_secret,
      scope: 'follow',
    });
    assert.deepEqual([wide.statusCode, wide.json().error], [400, 'invalid_scope']);
  });
});

describe('tokens', () => {
  test('401 JSON without a token or with an unknown one, never a redirect', async () => {
    for (const headers of [{}, { authorization: 'Bearer pgo_nope' }]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers });
      assert.equal(response.statusCode, 401);
      assert.match(response.headers['content-type'] as string, /^application\/json/);
      assert.equal(typeof response.json().error, 'string');
    }
  });

  test('scopes are enforced: a read token cannot reach write routes; OAuth tokens stay off the native API', async () => {
    const { headers } = await oauthToken(t, alice, 'read');
    expectStatus(await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers }), 200);
    const native = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    assert.equal(native.statusCode, 403);
  });

  test('revoke: {} and the token stops working at once; a wrong client is 403', async () => {
    const { app, token: accessToken, headers } = await oauthToken(t, alice);
    expectStatus(await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers }), 200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      payload: { client_id: app.client_id, client_secret: 'nope', token: accessToken },
    });
    assert.equal(wrong.statusCode, 403);
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      ...form({ client_id: app.client_id, client_secret: app.client_secret, token: accessToken }),
    });
    assert.deepEqual(expectStatus(revoked, 200), {});
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers });
    assert.equal(after.statusCode, 401);
  });

  test('an app’s token is a session: listed in GET /me/sessions, ended there or by /oauth/revoke', async () => {
    const owner = await createUser(t);
    const sessions = async () =>
      expectStatus(
        await t.app.inject({ method: 'GET', url: '/api/v1/me/sessions', headers: owner.headers }),
        200,
      ).data as { id: string; user_agent: string | null }[];
    const before = await sessions();
    const first = await oauthToken(t, owner);
    const second = await oauthToken(t, owner);
    const listed = (await sessions()).filter((s) => !before.some((b) => b.id === s.id));
    assert.deepEqual(
      listed.map((s) => s.user_agent),
      ['Test client (app)', 'Test client (app)'],
    );
    const preferences = (headers: object) =>
      t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers: headers as never });
    expectStatus(await preferences(first.headers), 200);

    // Ended from the account's session list: the app's token stops working at once.
    const ended = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${listed[1]!.id}`,
      headers: owner.headers,
    });
    assert.equal(ended.statusCode, 204, ended.body);
    assert.equal((await preferences(first.headers)).statusCode, 401);
    expectStatus(await preferences(second.headers), 200);

    // Revoked by the app: its session leaves the list.
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      payload: {
        client_id: second.app.client_id,
        client_secret: second.app.client_secret,
        token: second.token,
      },
    });
    expectStatus(revoked, 200);
    assert.equal((await preferences(second.headers)).statusCode, 401);
    assert.deepEqual(
      (await sessions()).map((s) => s.id),
      before.map((s) => s.id),
    );
  });

  test('a deactivated account’s tokens stop working', async () => {
    const gone = await createUser(t);
    const { headers } = await oauthToken(t, gone);
    expectStatus(await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers }), 200);
    const deactivated = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers: gone.headers,
      payload: { password: FACTORY_PASSWORD },
    });
    assert.equal(deactivated.statusCode, 204, deactivated.body);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers });
    assert.equal(after.statusCode, 401);
  });

  test('/.well-known/oauth-authorization-server names the endpoints and S256', async () => {
    const meta = expectStatus(
      await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' }),
      200,
    );
    assert.equal(meta.token_endpoint, 'http://localhost:80/oauth/token');
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok(meta.scopes_supported.includes('write:media'));
  });
});
