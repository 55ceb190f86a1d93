import { refreshSession } from './client';
import { ApiError, toProblem } from './errors';
import { getSession } from './session';

/**
 * Sends a file as multipart with upload progress, which fetch (and so the typed client) cannot
 * report; the caller names the answer's type from the client's schemas. A 401 refreshes the session and sends the file again once.
 */
export async function uploadFile<T>(
  path: '/api/v1/media' | '/api/v1/me/profile-image',
  file: File | Blob,
  onProgress: (fraction: number) => void,
  method: 'POST' | 'PUT' = 'POST',
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
