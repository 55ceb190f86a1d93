import { api, must, refreshSession } from './client';
import { ApiError, toProblem } from './errors';
import { getSession } from './session';
import type { Media } from './types';

/**
 * Sends a file as multipart with upload progress, which fetch (and so the typed client) cannot
 * report; the caller names the answer's type from the client's schemas; `fields` go along. A 401 refreshes the session and sends the file again once.
 */
export async function uploadFile<T>(
  path: '/api/v1/media' | '/api/v1/me/profile-image',
  file: File | Blob,
  onProgress: (fraction: number) => void,
  method: 'POST' | 'PUT' = 'POST',
  fields: Record<string, string> = {},
): Promise<T> {
  const send = () =>
    new Promise<{ status: number; body: unknown }>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      const token = getSession()?.accessToken;
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => resolve({ status: 0, body: null });
      const form = new FormData();
      // Text fields (POST /media's `alt_text`) before the file, which the server streams.
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', file);
      xhr.send(form);
    });
  let answer = await send();
  if (answer.status === 401 && (await refreshSession())) answer = await send();
  if (answer.status < 200 || answer.status >= 300) {
    throw new ApiError(toProblem(answer.body, answer.status));
  }
  onProgress(1);
  return answer.body as T;
}

/** A video answered 202 is transcoded on the server: it is asked about this often. */
const PROCESSING_POLL_MS = 2000;

/** Polls an upload until it is ready (resolves with it) or failed (throws its reason). */
export async function untilReady(media: Media, alive: () => boolean = () => true): Promise<Media> {
  let current = media;
  while (current.status === 'processing' && alive()) {
    await new Promise((resolve) => setTimeout(resolve, PROCESSING_POLL_MS));
    current = await must(api.GET('/api/v1/media/{id}', { params: { path: { id: media.id } } }));
  }
  if (current.status === 'failed') throw new Error(current.failure_reason ?? 'Failed.');
  return current;
}
