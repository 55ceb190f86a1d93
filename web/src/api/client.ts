import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, toProblem } from './errors';
import type { paths } from './schema.tmp';
import { getSession, setSession } from './session';
import type { Session } from './types';

export const SESSION_EXPIRED = 'Your session has expired. Please log in again.';

/** One refresh at a time: concurrent 401s wait for the same new token pair. */
let refreshing: Promise<boolean> | null = null;

/** Swaps the refresh token for a new pair; on failure the session ends with a message. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = getSession()?.refreshToken;
    if (!refreshToken) return false;
    const answer = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    }).catch(() => null);
    if (answer?.ok) {
      setSession((await answer.json()) as Session);
      return true;
    }
    // A network failure keeps the session (the next call retries); a refused token ends it.
    if (answer) setSession(null, SESSION_EXPIRED);
    return false;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const retryable = new WeakMap<Request, Request>();

/** Bearer token on every call; a 401 refreshes the tokens silently and repeats the call once. */
const auth: Middleware = {
  onRequest({ request }) {
    const token = getSession()?.accessToken;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (!request.url.includes('/auth/')) retryable.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const copy = retryable.get(request);
    if (response.status !== 401 || !copy || !getSession()) return response;
    if (!(await refreshSession())) return response;
    copy.headers.set('authorization', `Bearer ${getSession()?.accessToken ?? ''}`);
    return fetch(copy);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** The data of a typed call, or an ApiError carrying the server's problem. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(toProblem(error, response.status));
  return data as T;
}
