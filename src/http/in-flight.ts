import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

export interface InFlightHandlers {
  /** Resolves once no route handler is running, or after `timeoutMs` (false then). */
  drained(timeoutMs: number): Promise<boolean>;
}

/**
 * Counts running route handlers, so closing the app can wait for them before the database
 * goes. A handler whose client has gone away (a load generator stopping, a proxy timing out)
 * keeps running, and the HTTP server does not wait for it: its connection is already closed.
 * Without the wait such handlers met a destroyed pool ("driver has already been destroyed",
 * "Pool is closed") and were logged as errors during every graceful stop under load.
 * Must be registered before the routes.
 */
export function trackInFlightHandlers(app: FastifyInstance): InFlightHandlers {
  let running = 0;
  let wake: (() => void) | null = null;
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function (this: FastifyInstance, request, reply) {
      running += 1;
      try {
        return await handler.call(this, request, reply);
      } finally {
        running -= 1;
        if (running === 0) wake?.();
      }
    };
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
