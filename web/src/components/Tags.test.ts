import { describe, expect, test } from 'vitest';
import type { Media } from '../api/types';
import { tagsOf } from '../routes/Composer';
import { fraction } from './Tags';

describe('people tags in the composer', () => {
  test('a spot is a fraction of the box, clamped and rounded to four decimals', () => {
    expect(fraction(150, 600)).toBe(0.25);
    expect(fraction(-5, 600)).toBe(0);
    expect(fraction(700, 600)).toBe(1);
    expect(fraction(1, 3)).toBe(0.3333);
    expect(fraction(10, 0)).toBe(0.5);
  });

  test("the post's tags: each photo's people by media id; videos and unfinished uploads have none", () => {
    const tag = { username: 'bob', x: 0.1, y: 0.2 };
    const image = { id: '1', type: 'image' } as Media;
    const video = { id: '2', type: 'video' } as Media;
    expect(
      tagsOf([
        { media: image, tags: [tag] },
        { media: video, tags: [tag] },
        { media: undefined, tags: [tag] },
      ]),
    ).toEqual([{ media_id: '1', ...tag }]);
  });
});
