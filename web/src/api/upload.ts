import { refreshSession } from './client';
import { ApiError, toProblem } from './errors';
import { getSession } from './session';
import type { Media } from './types';

/**
 * POST a file as multipart with upload progress, which fetch cannot report. The answer is the
 * typed Media of the API; a 401 refreshes the session and sends the file again once.
 */
export async function uploadFile(
  path: '/api/v1/media' | '/api/v1/me/profile-image',
  file: File | Blob,
  onProgress: (fraction: number) => void,
  method: 'POST' | 'PUT' = 'POST',
): Promise<Media> {
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
  return answer.body as Media;
}
