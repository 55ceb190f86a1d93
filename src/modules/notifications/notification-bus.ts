import type { Redis } from 'ioredis';

/**
 * Tells open live streams that their account has new notifications. The message carries only
 * recipient ids: each stream reads what is new from the database itself (so Last-Event-ID
 * resumes exactly, and nothing is shown that the reader may no longer see). With Redis every
 * replica hears every publish through one channel; without it, only this process's streams.
 */
export interface NotificationBus {
  publish(recipientIds: readonly number[]): void;
  /** Returns the unsubscribe function; `onClose` runs when the app closes (streams end). */
  subscribe(recipientId: number, listener: () => void, onClose: () => void): () => void;
  /** Resolves once this process hears publishes (its Redis subscription is in place). */
  listening(): Promise<void>;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
}

export function createNotificationBus(
  redis: Redis | null,
  channel: string,
  log: Log,
): NotificationBus {
  const listeners = new Map<number, Set<() => void>>();
  const closers = new Set<() => void>();
  const dispatch = (ids: readonly number[]) => {
    for (const id of ids) for (const listener of listeners.get(id) ?? []) listener();
  };
  // A connection in subscriber mode runs no other command: a second one, opened on first use.
  let subscriber: Redis | null = null;
  let ready: Promise<unknown> | null = null;
  const ensureSubscriber = () => {
    if (!redis || subscriber) return;
    subscriber = redis.duplicate();
    subscriber.on('error', (err: Error) => log.warn({ err }, 'redis subscriber error'));
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        dispatch(JSON.parse(message) as number[]);
      } catch (err) {
        log.warn({ err, message }, 'unreadable notification message');
      }
    });
    ready = subscriber.subscribe(channel).catch((err: unknown) => {
      log.warn({ err }, 'could not subscribe to notifications');
    });
  };
  return {
    publish(recipientIds) {
      const ids = [...new Set(recipientIds)];
      if (ids.length === 0) return;
      if (!redis) return dispatch(ids);
      redis.publish(channel, JSON.stringify(ids)).catch((err: unknown) => {
        // Without Redis this process's own streams still hear it.
        log.warn({ err }, 'could not publish notifications; telling local streams only');
        dispatch(ids);
      });
    },
    subscribe(recipientId, listener, onClose) {
      ensureSubscriber();
      closers.add(onClose);
      const set = listeners.get(recipientId) ?? new Set();
      set.add(listener);
      listeners.set(recipientId, set);
      return () => {
        set.delete(listener);
        closers.delete(onClose);
        if (set.size === 0) listeners.delete(recipientId);
      };
    },
    async listening() {
      ensureSubscriber();
      await ready;
    },
    async close() {
      for (const close of [...closers]) close();
      closers.clear();
      listeners.clear();
      if (subscriber) {
        await ready;
        await subscriber.quit().catch(() => subscriber?.disconnect());
      }
    },
  };
}
