/** A counting semaphore: at most `max` callers run `fn` at once; the rest wait in FIFO order. */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];

  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      if (next) next();
      else active--;
    }
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
