import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router';
import { describe, expect, test } from 'vitest';
import type { Media } from '../api/types';
import { stepIndex, swipeStep } from '../lib/carousel';
import { Carousel } from './Carousel';

// MediaView refetches expired signed URLs through the query client.
const withQueryClient = (node: ReactNode) => (
  <QueryClientProvider client={new QueryClient()}>{node}</QueryClientProvider>
);

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const media = (id: string): Media => ({
  id,
  type: 'image',
  url: `/media/${id}.jpg`,
  thumbnail_url: `/media/${id}-t.jpg`,
  width: 1080,
  height: 1080,
  duration_ms: null,
  blurhash: null,
  poster_url: null,
  status: 'ready',
  failure_reason: null,
  alt_text: null,
});

describe('carousel index', () => {
  test('steps stay within the slides, and a swipe must be mostly sideways and long enough', () => {
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(1, 1, 3)).toBe(2);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(swipeStep(-120, 10, 390)).toBe(1);
    expect(swipeStep(120, 10, 390)).toBe(-1);
    expect(swipeStep(-30, 0, 390)).toBe(0);
    expect(swipeStep(-100, 200, 390)).toBe(0);
  });

  test('arrows and arrow keys move the index; the ends hide their arrow', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        withQueryClient(<Carousel media={[media('a'), media('b'), media('c')]} alt="Sunset" />),
      ),
    );
    const index = () => container.querySelector('.carousel-index')!.textContent;
    const button = (name: string) =>
      container.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`);
    expect(index()).toBe('1 / 3');
    expect(button('Previous photo')).toBeNull();

    await act(async () => button('Next photo')!.click());
    await act(async () => button('Next photo')!.click());
    expect(index()).toBe('3 / 3');
    expect(button('Next photo')).toBeNull();

    const group = container.querySelector<HTMLElement>('.carousel')!;
    await act(async () =>
      group.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })),
    );
    expect(index()).toBe('2 / 3');
    const slides = [...container.querySelectorAll('.carousel-slide')];
    expect(slides.map((s) => s.hasAttribute('inert'))).toEqual([true, false, true]);
    expect(container.querySelector('img')!.getAttribute('alt')).toBe('Sunset');
    await act(async () => root.unmount());
    container.remove();
  });

  test("the tag button shows the current photo's people as profile links at their spots", async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const bob = {
      id: '7',
      username: 'bob',
      name: 'Bob',
      profile_image_url: null,
      is_private: false,
    };
    const tagged = { ...media('a'), tags: [{ user: bob, x: 0.25, y: 0.5 }] };
    await act(async () =>
      root.render(
        withQueryClient(
          <MemoryRouter>
            <Carousel media={[tagged, { ...media('b'), tags: [] }]} alt="Pier" />
          </MemoryRouter>,
        ),
      ),
    );
    const toggle = () =>
      container.querySelector<HTMLButtonElement>('button[aria-label="Show tagged people"]');
    expect(toggle()!.getAttribute('aria-pressed')).toBe('false');
    expect(container.querySelector('.tag-layer')).toBeNull();
    await act(async () => toggle()!.click());
    const label = container.querySelector<HTMLElement>('.tag-layer li')!;
    expect(label.querySelector('a')!.getAttribute('href')).toBe('/u/bob');
    expect([label.style.left, label.style.top]).toEqual(['25%', '50%']);
    // The second photo has nobody on it: no button there.
    await act(async () =>
      container.querySelector<HTMLButtonElement>('button[aria-label="Next photo"]')!.click(),
    );
    expect(toggle()).toBeNull();
    await act(async () => root.unmount());
    container.remove();
  });
});
