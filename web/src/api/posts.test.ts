import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, test } from 'vitest';
import { postKeys, restore, updatePostEverywhere, withLike, withSave } from './posts';
import type { Page, Post } from './types';

const post = (id: string, likes = 0, liked = false) =>
  ({ id, like_count: likes, liked_by_me: liked, saved_by_me: false }) as Post;

describe('optimistic post updates', () => {
  test('a like adds one and an unlike removes one; repeating changes nothing', () => {
    expect(withLike(post('1', 4), true)).toMatchObject({ like_count: 5, liked_by_me: true });
    expect(withLike(post('1', 5, true), false)).toMatchObject({
      like_count: 4,
      liked_by_me: false,
    });
    const liked = post('1', 5, true);
    expect(withLike(liked, true)).toBe(liked);
    expect(withLike(post('1', 0, true), false).like_count).toBe(0);
    expect(withSave(post('1'), true).saved_by_me).toBe(true);
  });

  test('the change reaches every cached list and the single post, and rolls back exactly', () => {
    const client = new QueryClient();
    const feed: InfiniteData<Page<Post>> = {
      pages: [{ data: [post('1', 2), post('2', 7)], next_cursor: null }],
      pageParams: [undefined],
    };
    client.setQueryData([...postKeys.lists, 'feed'], feed);
    client.setQueryData([...postKeys.lists, 'user', 'alice'], {
      pages: [{ data: [post('2', 7)], next_cursor: null }],
      pageParams: [undefined],
    });
    client.setQueryData(postKeys.one('2'), post('2', 7));

    const snapshot = updatePostEverywhere(client, '2', (p) => withLike(p, true));
    const likesOf = (key: readonly unknown[]) =>
      client
        .getQueryData<InfiniteData<Page<Post>>>(key)!
        .pages.flatMap((p) => p.data.map((i) => `${i.id}:${i.like_count}`));
    expect(likesOf([...postKeys.lists, 'feed'])).toEqual(['1:2', '2:8']);
    expect(likesOf([...postKeys.lists, 'user', 'alice'])).toEqual(['2:8']);
    expect(client.getQueryData<Post>(postKeys.one('2'))!.liked_by_me).toBe(true);

    restore(client, snapshot);
    expect(likesOf([...postKeys.lists, 'feed'])).toEqual(['1:2', '2:7']);
    expect(client.getQueryData<Post>(postKeys.one('2'))!.like_count).toBe(7);
  });
});
