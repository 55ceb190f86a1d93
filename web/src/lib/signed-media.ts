import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

/**
 * Private and story media come with signed URLs that expire (`/media/<key>?exp=&sig=`, or an S3
 * presigned GET). A page left open longer than that shows a broken image the next time the
 * browser loads one (a lazy image scrolled into view, a video played, a later slide). On such a
 * load error the answers on screen are fetched again, once per URL, and their fresh URLs render.
 */
export const isSignedMediaUrl = (url: string): boolean => /[?&](sig|X-Amz-Signature)=/.test(url);

/** URLs already recovered from: a fresh URL that fails too is not refetched for in a loop. */
const retried = new Set<string>();
/** One refetch at a time, however many images of the page fail together. */
let refetching: Promise<void> | null = null;

/** The onError handler for an <img>/<video> whose URL may be signed. */
export function useSignedMediaRecovery(): (url: string) => void {
  const client = useQueryClient();
  return useCallback(
    (url: string) => {
      if (!isSignedMediaUrl(url) || retried.has(url)) return;
      retried.add(url);
      refetching ??= client
        .invalidateQueries({ refetchType: 'active' })
        .finally(() => (refetching = null));
    },
    [client],
  );
}

/** `onError` for an element: the URL it failed to load. */
export const failedUrl = (event: { currentTarget: HTMLImageElement | HTMLVideoElement }) =>
  event.currentTarget.currentSrc || event.currentTarget.src;
