import { createHash, randomBytes } from 'node:crypto';
import { expectStatus } from './http.js';
import type { TestUser } from './factories.js';
import { FACTORY_PASSWORD } from './factories.js';
import type { TestApp } from './test-app.js';

export const OOB = 'urn:ietf:wg:oauth:2.0:oob';

export interface RegisteredApp {
  client_id: string;
  client_secret: string;
}

export async function registerApp(
  t: TestApp,
  scopes = 'read write follow push',
  redirectUri = 'https://client.example/callback',
): Promise<RegisteredApp> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    payload: { client_name: 'Test client', redirect_uris: redirectUri, scopes },
  });
  return expectStatus(response, 200);
}

export const pkcePair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** The authorize form submitted with the factory password; returns the code from the redirect. */
export async function authorize(
  t: TestApp,
  app: RegisteredApp,
  user: TestUser,
  options: { scope?: string; challenge?: string; redirectUri?: string } = {},
): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/oauth/authorize',
    payload: new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: options.redirectUri ?? 'https://client.example/callback',
      scope: options.scope ?? 'read write follow push',
      ...(options.challenge
        ? { code_challenge: options.challenge, code_challenge_method: 'S256' }
        : {}),
      username: user.username,
      password: FACTORY_PASSWORD,
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (response.statusCode !== 302) {
    throw new Error(`authorize: expected 302, got ${response.statusCode}: ${response.body}`);
  }
  const code = new URL(String(response.headers.location)).searchParams.get('code');
  if (!code) throw new Error('authorize: no code in the redirect');
  return code;
}

/** A user token for `user` through the whole flow (app, authorize, token with PKCE). */
export async function oauthToken(t: TestApp, user: TestUser, scope = 'read write follow push') {
  const app = await registerApp(t, scope);
  const { verifier, challenge } = pkcePair();
  const code = await authorize(t, app, user, { scope, challenge });
  const response = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      code,
      redirect_uri: 'https://client.example/callback',
      code_verifier: verifier,
    },
  });
  const token = expectStatus<{ access_token: string }>(response, 200).access_token;
  return { app, token, headers: { authorization: `Bearer ${token}` } };
}
