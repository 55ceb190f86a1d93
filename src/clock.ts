/**
 * The one source of "now". The offset exists only so tests (TEST_CLOCK=1) can move time
 * forward, e.g. past a story's expiry, without waiting.
 */
export interface Clock {
  now(): Date;
  setOffset(ms: number): void;
}

export function createClock(): Clock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    setOffset: (ms) => {
      offsetMs = ms;
    },
  };
}
