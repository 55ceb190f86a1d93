import type { TestUser } from './factories.js';
import { expectStatus } from './http.js';
import type { TestApp } from './test-app.js';

/** The calls the comments tests make, bound to one test app. */
export function commentsApi(app: () => TestApp) {
  const api = (method: string, url: string, user: TestUser | null, payload?: object) =>
    app().app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers: user?.headers ?? {},
      ...(payload ? { payload } : {}),
    });
  /** Comments (or replies, with `parentId`) through the API; fails unless it is a 201. */
  const comment = async (postId: string, user: TestUser, text: string, parentId?: string) =>
    expectStatus(
      await api('POST', `/posts/${postId}/comments`, user, {
        text,
        ...(parentId ? { parent_id: parentId } : {}),
      }),
      201,
    );
  /** The post's comment_count as `user` sees it. */
  const postCounts = async (postId: string, user: TestUser) =>
    expectStatus(await api('GET', `/posts/${postId}`, user), 200).comment_count;
  return { api, comment, postCounts };
}
