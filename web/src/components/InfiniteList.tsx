import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import type { Page } from '../api/types';
import { mergePages, nextCursor } from '../lib/pages';
import { Empty, ErrorState, Spinner } from './bits';

/** A cursor-paginated list: pages load as the end scrolls into view (or with the button). */
export function useCursorList<T extends { id: string }>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  enabled = true,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
    enabled,
  });
  return { ...query, items: mergePages(query.data) };
}

interface Props<T> {
  list: ReturnType<typeof useCursorList<T & { id: string }>>;
  empty: ReactNode;
  render: (items: (T & { id: string })[]) => ReactNode;
}

export function InfiniteList<T>({ list, empty, render }: Props<T>) {
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '600px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (list.isPending) return <Spinner />;
  if (list.isError && list.items.length === 0)
    return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  if (list.items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {render(list.items)}
      <div ref={sentinel} />
      {isFetchingNextPage && <Spinner label="Loading more…" />}
      {list.isFetchNextPageError && (
        <ErrorState error={list.error} retry={() => void fetchNextPage()} />
      )}
      {hasNextPage && !isFetchingNextPage && (
        <button
          type="button"
          className="button secondary load-more"
          onClick={() => void fetchNextPage()}
        >
          Load more
        </button>
      )}
    </>
  );
}
