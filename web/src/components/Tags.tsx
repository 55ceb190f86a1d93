import type { ReactNode } from 'react';

/** Where a tag sits on its image: x and y are fractions of its width and height, 0 to 1. */
export interface TagSpot {
  key: string;
  x: number;
  y: number;
  label: ReactNode;
}

/**
 * Labels over an image at their spots; its parent (position: relative) has the image's box.
 * A label hangs below its spot, centred, but turns inwards near an edge to stay on the image.
 */
export function TagLayer({ spots, name }: { spots: TagSpot[]; name: string }) {
  if (spots.length === 0) return null;
  return (
    <ul className="tag-layer" aria-label={name}>
      {spots.map((spot) => (
        <li
          key={spot.key}
          className="tag-label"
          style={{
            left: `${spot.x * 100}%`,
            top: `${spot.y * 100}%`,
            transform: `translate(${spot.x < 0.25 ? '0%' : spot.x > 0.75 ? '-100%' : '-50%'}, ${
              spot.y > 0.85 ? 'calc(-100% - 6px)' : '6px'
            })`,
          }}
        >
          {spot.label}
        </li>
      ))}
    </ul>
  );
}

export function PersonIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" className="icon filled">
      <path d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4.4 0-8 2.4-8 5.5V21h16v-1.5c0-3.1-3.6-5.5-8-5.5z" />
    </svg>
  );
}

/** The fraction (0 to 1, four decimals) of `size` that `offset` is, clamped to the box. */
export const fraction = (offset: number, size: number) =>
  size > 0 ? Math.round(Math.min(Math.max(offset / size, 0), 1) * 10_000) / 10_000 : 0.5;
