import type { InfiniteData } from '@tanstack/react-query';
import type { Page } from '../api/types';

/** All items of the loaded cursor pages, in order, each id once (a post may move between pages). */
export function mergePages<T extends { id: string }>(data: InfiniteData<Page<T>> | undefined): T[] {
  if (!data) return [];
  const seen = new Set<string>();
  const items: T[] = [];
  for (const page of data.pages) {
    for (const item of page.data) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}

/** Replaces one item (matched by id) in every page, leaving the rest untouched. */
export function mapPages<T extends { id: string }>(
  data: InfiniteData<Page<T>> | undefined,
  id: string,
  update: (item: T) => T,
): InfiniteData<Page<T>> | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      data: page.data.map((item) => (item.id === id ? update(item) : item)),
    })),
  };
}

/** Drops one item (by id) from every page. */
export function removeFromPages<T extends { id: string }>(
  data: InfiniteData<Page<T>> | undefined,
  id: string,
): InfiniteData<Page<T>> | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, data: page.data.filter((i) => i.id !== id) })),
  };
}

/** `next_cursor` of the last page, as TanStack Query's getNextPageParam wants it. */
export const nextCursor = <T>(page: Page<T>): string | undefined => page.next_cursor ?? undefined;
