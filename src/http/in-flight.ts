import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface InFlightRequests {
  /** Resolves once no request is between its first hook and its reply, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
}

const counted = new WeakSet<FastifyRequest>();

/**
 * Counts requests from their first onRequest hook (before the auth hook's lookup) until their
 * reply is being sent (onSend: all database work of a route is done by then), so closing the
 * app can wait for them before the database goes. A request whose client has gone away
 * (a load generator stopping, a proxy timing out) keeps running, and the HTTP server does not
 * wait for it since its connection is already closed: without the wait such requests met a
 * destroyed pool ("driver has already been destroyed", "Pool is closed") and were logged as
 * errors during every graceful stop under load. onResponse releases a request whose onSend
 * never ran. Must be registered before any other onRequest hook.
 */
export function trackInFlightRequests(app: FastifyInstance): InFlightRequests {
  let running = 0;
  let wake: (() => void) | null = null;
  const release = (request: FastifyRequest) => {
    if (!counted.delete(request)) return;
    running -= 1;
    if (running === 0) wake?.();
  };
  app.addHook('onRequest', (request, _reply, done) => {
    counted.add(request);
    running += 1;
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    release(request);
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    release(request);
    done();
  });
  return {
    async drained(timeoutMs) {
      if (running === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
      });
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(resolve, timeoutMs, false);
      });
      try {
        return await Promise.race([idle, timeout]);
      } finally {
        clearTimeout(timer);
        wake = null;
      }
    },
  };
}
