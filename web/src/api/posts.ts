import {
  type InfiniteData,
  type QueryClient,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { mapPages } from '../lib/pages';
import { api, must } from './client';
import type { Page, Post } from './types';

/** Every cached list of posts has a key starting with 'posts'; one post is ['post', id]. */
export const postKeys = {
  lists: ['posts'] as const,
  one: (id: string) => ['post', id] as const,
};

/** A post's versions (its author's edit history). */
export const historyKey = (id: string) => ['post-history', id] as const;

export function withLike(post: Post, liked: boolean): Post {
  if (post.liked_by_me === liked) return post;
  return {
    ...post,
    liked_by_me: liked,
    like_count: post.like_count === null ? null : Math.max(0, post.like_count + (liked ? 1 : -1)),
  };
}

export function withSave(post: Post, saved: boolean): Post {
  return { ...post, saved_by_me: saved };
}

type Snapshot = [readonly unknown[], unknown][];

/** Applies `update` to the post in every cache that holds it; returns what to restore on failure. */
export function updatePostEverywhere(
  client: QueryClient,
  id: string,
  update: (post: Post) => Post,
): Snapshot {
  const lists = client.getQueriesData<InfiniteData<Page<Post>>>({ queryKey: postKeys.lists });
  const single = client.getQueriesData<Post>({ queryKey: postKeys.one(id) });
  const snapshot: Snapshot = [...lists, ...single];
  for (const [key, data] of lists) client.setQueryData(key, mapPages(data, id, update));
  for (const [key, data] of single) if (data) client.setQueryData(key, update(data));
  return snapshot;
}

export function restore(client: QueryClient, snapshot: Snapshot): void {
  for (const [key, data] of snapshot) client.setQueryData(key, data);
}

/** Like/unlike and save/unsave: the screen changes at once and rolls back if the server refuses. */
export function usePostToggle(kind: 'like' | 'save') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, on }: { id: string; on: boolean }) => {
      const params = { params: { path: { id } } };
      if (kind === 'like') {
        return must(
          on
            ? api.POST('/api/v1/posts/{id}/like', params)
            : api.DELETE('/api/v1/posts/{id}/like', params),
        );
      }
      return must(
        on
          ? api.POST('/api/v1/posts/{id}/save', params)
          : api.DELETE('/api/v1/posts/{id}/save', params),
      );
    },
    onMutate: async ({ id, on }) => {
      await client.cancelQueries({ queryKey: postKeys.one(id) });
      return updatePostEverywhere(client, id, (p) =>
        kind === 'like' ? withLike(p, on) : withSave(p, on),
      );
    },
    onError: (_error, _vars, snapshot) => {
      if (snapshot) restore(client, snapshot);
    },
    onSuccess: (post) => {
      updatePostEverywhere(client, post.id, () => post);
    },
  });
}
