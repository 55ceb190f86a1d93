import type { Middleware } from 'openapi-fetch';
import { createPhotogramClient } from '../../../openapi/client/index';
import { ApiError, toProblem } from './errors';
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

/** A 401 refreshes the tokens silently and repeats the call once with the new access token. */
const silentRefresh: Middleware = {
  onRequest({ request }) {
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

/** The generated typed client (openapi/client) for every call; its token is the current session's. */
export const api = createPhotogramClient({
  baseUrl: window.location.origin,
  accessToken: () => getSession()?.accessToken,
});
api.use(silentRefresh);

/** The data of a typed call, or an ApiError carrying the server's problem. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(toProblem(error, response.status));
  return data as T;
}
