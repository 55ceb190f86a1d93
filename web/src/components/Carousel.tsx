import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Link } from 'react-router';
import type { Media, MediaTag } from '../api/types';
import { DOUBLE_TAP_MS, stepIndex, swipeStep } from '../lib/carousel';
import { MediaView } from './MediaView';
import { PersonIcon, TagLayer } from './Tags';

interface Props {
  /** A post's media carry their people tags; other media have none. */
  media: (Media & { tags?: MediaTag[] })[];
  alt: string;
  eager?: boolean;
  onDoubleTap?: () => void;
}

/**
 * Slides with arrows, swipe, dots and "2 / 3"; ←/→ keys move when it has focus. A photo with
 * people tags has a button that shows or hides them (links to their profiles).
 */
export function Carousel({ media, alt, eager, onDoubleTap }: Props) {
  const [index, setIndex] = useState(0);
  const [tagsShown, setTagsShown] = useState(false);
  const tagCount = media[index]?.tags?.length ?? 0;
  const start = useRef<{ x: number; y: number } | null>(null);
  const lastTap = useRef(0);
  const count = media.length;
  const go = (step: number) => setIndex((i) => stepIndex(i, step, count));

  const onPointerDown = (e: PointerEvent) => {
    start.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const from = start.current;
    start.current = null;
    if (!from) return;
    const step = swipeStep(e.clientX - from.x, e.clientY - from.y, e.currentTarget.clientWidth);
    if (step !== 0) return go(step);
    if ((e.target as HTMLElement).closest('a, button, video')) return;
    const now = Date.now();
    if (now - lastTap.current < DOUBLE_TAP_MS) {
      lastTap.current = 0;
      onDoubleTap?.();
    } else lastTap.current = now;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight') go(1);
    else if (e.key === 'ArrowLeft') go(-1);
  };

  return (
    <div
      className="carousel"
      role="group"
      aria-roledescription="carousel"
      aria-label={count > 1 ? `${alt.slice(0, 60)}: ${count} items` : alt.slice(0, 60)}
      tabIndex={count > 1 ? 0 : undefined}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerUp={onPointerUp}
    >
      <div className="carousel-track" style={{ transform: `translateX(-${index * 100}%)` }}>
        {media.map((m, i) => (
          <div
            className="carousel-slide"
            key={m.id}
            role="group"
            aria-roledescription="slide"
            aria-label={`${i + 1} of ${count}`}
            inert={i !== index}
          >
            <div className="tag-frame">
              <MediaView media={m} alt={alt} eager={eager && i === 0} />
              {tagsShown && (
                <TagLayer
                  name="Tagged people"
                  spots={(m.tags ?? []).map((tag) => ({
                    key: tag.user.id,
                    x: tag.x,
                    y: tag.y,
                    label: <Link to={`/u/${tag.user.username}`}>{tag.user.username}</Link>,
                  }))}
                />
              )}
            </div>
          </div>
        ))}
      </div>
      {tagCount > 0 && (
        <button
          type="button"
          className="tags-toggle"
          aria-label="Show tagged people"
          aria-pressed={tagsShown}
          onClick={() => setTagsShown((shown) => !shown)}
        >
          <PersonIcon />
        </button>
      )}
      {count > 1 && (
        <>
          <span className="carousel-index" aria-live="polite">
            {index + 1} / {count}
          </span>
          {index > 0 && (
            <button
              type="button"
              className="carousel-arrow prev"
              aria-label="Previous photo"
              onClick={() => go(-1)}
            >
              ‹
            </button>
          )}
          {index < count - 1 && (
            <button
              type="button"
              className="carousel-arrow next"
              aria-label="Next photo"
              onClick={() => go(1)}
            >
              ›
            </button>
          )}
          <div className="carousel-dots" aria-hidden="true">
            {media.map((m, i) => (
              <span key={m.id} className={i === index ? 'dot active' : 'dot'} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
