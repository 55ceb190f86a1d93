/** mulberry32: a tiny, fast, seedable PRNG, so every seed run produces the same rows. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export const randomInt = (random: () => number, n: number): number => Math.floor(random() * n);

/** `count` distinct integers from [1, n], in draw order (count is capped at n). */
export function distinctFrom(random: () => number, n: number, count: number): number[] {
  const wanted = Math.min(count, n);
  if (wanted * 2 > n) {
    // Dense draw: a partial Fisher–Yates shuffle avoids long rejection loops.
    const pool = Array.from({ length: n }, (_, i) => i + 1);
    for (let i = 0; i < wanted; i++) {
      const j = i + randomInt(random, n - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, wanted);
  }
  const seen = new Set<number>();
  while (seen.size < wanted) seen.add(1 + randomInt(random, n));
  return [...seen];
}
