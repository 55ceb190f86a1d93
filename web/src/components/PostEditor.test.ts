import { describe, expect, test } from 'vitest';
import type { Location, Media, Post } from '../api/types';
import { move, moveTo } from '../lib/order';
import { editBody } from './PostEditor';

const media = (id: string, alt: string | null = null) =>
  ({ id, type: 'image', alt_text: alt, tags: [{ user: { username: 'tom' } }] }) as unknown as Media;
const place = { id: '9', name: 'Porto' } as Location;
const post = {
  id: '1',
  caption: 'Old',
  location: place,
  media: [media('10', 'A cat'), media('11')],
  comments_disabled: false,
  hide_like_count: false,
} as unknown as Post;
const unchanged = {
  caption: 'Old',
  location: place,
  items: post.media.map((m) => ({ media: m, alt: m.alt_text ?? '' })),
  commentsDisabled: false,
  hideLikeCount: false,
};

describe('the post edit body', () => {
  test('nothing changed sends nothing, and tags are never sent', () => {
    expect(editBody(post, unchanged)).toEqual({});
  });

  test('only what changed is sent', () => {
    const body = editBody(post, {
      ...unchanged,
      caption: 'New',
      location: null,
      items: [
        { media: post.media[1]!, alt: ' A dog ' },
        { media: post.media[0]!, alt: 'A cat' },
        { media: media('12'), alt: '' },
      ],
      hideLikeCount: true,
    });
    expect(body).toEqual({
      caption: 'New',
      location_id: null,
      media_ids: ['11', '10', '12'],
      alt_texts: [{ media_id: '11', alt_text: 'A dog' }],
      hide_like_count: true,
    });
    expect(body).not.toHaveProperty('tags');
  });

  test('clearing an alt text sends an empty one; turning comments off is sent', () => {
    expect(
      editBody(post, {
        ...unchanged,
        items: [{ media: post.media[0]!, alt: '  ' }, unchanged.items[1]!],
        commentsDisabled: true,
      }),
    ).toEqual({ alt_texts: [{ media_id: '10', alt_text: '' }], comments_disabled: true });
  });
});

describe('reordering', () => {
  test('move steps one place and stops at the ends', () => {
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    const same = ['a', 'b'];
    expect(move(same, 0, -1)).toBe(same);
  });

  test('moveTo drops an item at a place, the others keeping their order', () => {
    expect(moveTo(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveTo(['a', 'b', 'c', 'd'], 3, 1)).toEqual(['a', 'd', 'b', 'c']);
    const same = ['a'];
    expect(moveTo(same, 0, 5)).toBe(same);
  });
});
