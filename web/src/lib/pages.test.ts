import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, test } from 'vitest';
import type { Page } from '../api/types';
import { mapPages, mergePages, nextCursor, removeFromPages } from './pages';

type Item = { id: string; n: number };
const pages = (...lists: [Item[], string | null][]): InfiniteData<Page<Item>> => ({
  pages: lists.map(([data, next_cursor]) => ({ data, next_cursor })),
  pageParams: lists.map((_, i) => (i === 0 ? undefined : `c${i}`)),
});

describe('cursor pages', () => {
  test('merging keeps page order and drops an item that moved into the next page', () => {
    const data = pages(
      [
        [
          { id: 'a', n: 1 },
          { id: 'b', n: 2 },
        ],
        'c1',
      ],
      [
        [
          { id: 'b', n: 2 },
          { id: 'c', n: 3 },
        ],
        null,
      ],
    );
    expect(mergePages(data).map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(mergePages(undefined)).toEqual([]);
  });

  test('next cursor is the page’s next_cursor, or undefined at the end', () => {
    expect(nextCursor({ data: [], next_cursor: 'xyz' })).toBe('xyz');
    expect(nextCursor({ data: [], next_cursor: null })).toBeUndefined();
  });

  test('an item is updated or removed in whichever page holds it, the others untouched', () => {
    const data = pages([[{ id: 'a', n: 1 }], 'c1'], [[{ id: 'b', n: 2 }], null]);
    const updated = mapPages(data, 'b', (i) => ({ ...i, n: 20 }))!;
    expect(updated.pages[1]!.data[0]).toEqual({ id: 'b', n: 20 });
    expect(updated.pages[0]!.data[0]).toBe(data.pages[0]!.data[0]);
    expect(updated.pageParams).toBe(data.pageParams);
    expect(removeFromPages(data, 'a')!.pages[0]!.data).toEqual([]);
  });
});
