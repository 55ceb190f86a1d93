import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractHashtags } from './hashtags.js';

test('hashtags: Unicode letters, marks, digits and underscore; lowercased; de-duplicated in order', () => {
  assert.deepEqual(extractHashtags('#Sun #sun #SUN'), ['sun']);
  assert.deepEqual(extractHashtags('Trip #日本 #Łódź #été #a_b1 #2026 #ok!'), [
    '日本',
    'łódź',
    'été',
    'a_b1',
    '2026',
    'ok',
  ]);
  assert.deepEqual(extractHashtags('# alone, ## double, #-dash, no tags'), []);
  assert.deepEqual(extractHashtags('#hello#world'), ['hello', 'world']);
  assert.deepEqual(extractHashtags('#नमस्ते'), ['नमस्ते']);
});

test('hashtags: composed and decomposed forms are one tag; over-long tags are not tags', () => {
  assert.deepEqual(extractHashtags('#Cafe\u0301 #café'), ['café']);
  // Compatibility forms fold too (NFKC): fullwidth letters, ligatures.
  assert.deepEqual(extractHashtags('#ｃａｔ #CAT #Ｃａｔ'), ['cat']);
  assert.deepEqual(extractHashtags('#ﬁsh'), ['fish']);
  assert.deepEqual(extractHashtags(`#${'a'.repeat(100)} #${'b'.repeat(101)}`), ['a'.repeat(100)]);
});
