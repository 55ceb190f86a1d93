import type { LightMyRequestResponse } from 'fastify';

/** Statements the request executed, read from the Server-Timing header the app sets in tests. */
export function queryCount(response: LightMyRequestResponse): number {
  const header = String(response.headers['server-timing'] ?? '');
  const match = /queries=(\d+)/.exec(header);
  if (!match) throw new Error(`no query count in Server-Timing header: "${header}"`);
  return Number(match[1]);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Parses a JSON body and fails loudly with the body when the status is not the expected one. */
export function expectStatus<T = any>(response: LightMyRequestResponse, status: number): T {
  if (response.statusCode !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.statusCode}: ${response.body}`);
  }
  return response.body ? (response.json() as T) : (undefined as T);
}
