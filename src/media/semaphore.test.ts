import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createLimiter } from './semaphore.js';

describe('createLimiter', () => {
  it('never runs more than max jobs at once and runs them in order', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        limit(async () => {
          started.push(i);
          peak = Math.max(peak, ++running);
          await sleep(5);
          running--;
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  });

  it('releases the slot when a job fails', async () => {
    const limit = createLimiter(1);
    await assert.rejects(
      limit(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limit(() => Promise.resolve(42)), 42);
  });
});
