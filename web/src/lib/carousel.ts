/** The slide index after a step, kept within 0…count-1 (no wrap-around, like Instagram). */
export function stepIndex(index: number, step: number, count: number): number {
  return Math.min(Math.max(index + step, 0), Math.max(count - 1, 0));
}

/** A horizontal swipe longer than this fraction of the width moves one slide. */
const SWIPE_FRACTION = 0.15;

export function swipeStep(dx: number, dy: number, width: number): -1 | 0 | 1 {
  if (Math.abs(dx) < Math.abs(dy) || Math.abs(dx) < width * SWIPE_FRACTION) return 0;
  return dx < 0 ? 1 : -1;
}

/** Two taps within this many ms count as a double tap (like). */
export const DOUBLE_TAP_MS = 300;
