import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type PhotogramClient = Client<paths>;

/** The API's named objects: `Schemas['Post']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];

export interface PhotogramClientOptions {
  /** Where the API is served, e.g. `http://localhost:3000` (paths start with `/api/v1`). */
  baseUrl: string;
  /** A fetch implementation (default: the global one). */
  fetch?: (request: Request) => Promise<Response>;
  /** A bearer token, or a function asked before every request (e.g. after a refresh). */
  accessToken?: string | (() => string | null | undefined);
}

/**
 * A typed client of the Photogram API (openapi-fetch over the generated `paths`): every call
 * names its path and method, and its params, body and answer are typed from the document.
 * Works in browsers and Node ≥ 18 (it only needs fetch).
 */
export function createPhotogramClient(options: PhotogramClientOptions): PhotogramClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { accessToken } = options;
  if (accessToken !== undefined) {
    client.use({
      onRequest({ request }) {
        const token = typeof accessToken === 'function' ? accessToken() : accessToken;
        if (token && !request.headers.has('authorization')) {
          request.headers.set('authorization', `Bearer ${token}`);
        }
        return request;
      },
    });
  }
  return client;
}

/**
 * The `bodySerializer` of the upload operations (`POST /api/v1/media`,
 * `PUT /api/v1/me/profile-image`): sends `{ file }` as multipart/form-data.
 */
export function uploadForm(body: { file: Blob }): FormData {
  const form = new FormData();
  form.append('file', body.file);
  return form;
}
