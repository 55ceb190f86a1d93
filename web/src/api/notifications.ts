import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { parseEvents } from '../lib/sse';
import { api, must, refreshSession } from './client';
import { getSession } from './session';

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
  grouped: ['notifications', 'grouped'] as const,
};

export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.unread,
    queryFn: () => must(api.GET('/api/v1/notifications/unread-count')),
    staleTime: 0,
  });
}

const RECONNECT_MS = 3000;

/**
 * Keeps the live notification stream open while signed in; each new notification refreshes the
 * bell and the notifications page. Read with fetch, since EventSource cannot send the bearer
 * token; a dropped stream reconnects with Last-Event-ID, an expired token is refreshed first.
 */
export function useNotificationStream(signedIn: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    let lastId: string | undefined;
    const readOnce = async () => {
      const token = getSession()?.accessToken;
      if (!token) return false;
      const response = await fetch('/api/v1/notifications/stream', {
        headers: {
          authorization: `Bearer ${token}`,
          ...(lastId ? { 'last-event-id': lastId } : {}),
        },
        signal: controller.signal,
      });
      if (response.status === 401) return refreshSession();
      if (!response.ok || !response.body) return true;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        const { events, rest } = parseEvents(buffer + value);
        buffer = rest;
        for (const event of events) {
          if (event.id) lastId = event.id;
          if (event.event === 'notification') {
            void client.invalidateQueries({ queryKey: notificationKeys.all });
          }
        }
      }
    };
    void (async () => {
      while (!controller.signal.aborted) {
        const again = await readOnce().catch(() => !controller.signal.aborted);
        if (!again) return;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    })();
    return () => controller.abort();
  }, [client, signedIn]);
}
