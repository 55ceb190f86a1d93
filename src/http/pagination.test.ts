import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from './errors.js';
import { decodeCursor, encodeCursor, splitPage } from './pagination.js';

test('a cursor round-trips its keyset', () => {
  const cursor = encodeCursor(['2026-11-24 21:17:19.000', 42]);
  assert.deepEqual(decodeCursor(cursor, ['time', 'id'] as const), ['2026-11-24 21:17:19.000', 42]);
  assert.equal(decodeCursor(undefined, ['id'] as const), null);
});

test('anything that is not a cursor of the expected shape is a 400 naming the cursor', () => {
  const bad = [
    'not-base64-json',
    encodeCursor([42]),
    encodeCursor(['2026-11-24 21:17:19.000', -1]),
    encodeCursor(['yesterday', 3]),
    Buffer.from('{"a":1}').toString('base64url'),
  ];
  for (const cursor of bad) {
    assert.throws(
      () => decodeCursor(cursor, ['time', 'id'] as const),
      (e: AppError) =>
        e instanceof AppError && e.status === 400 && e.errors?.[0]?.field === 'cursor',
      cursor,
    );
  }
});

test('splitPage keeps limit rows and makes a cursor only when more rows exist', () => {
  const rows = [1, 2, 3].map((id) => ({ id }));
  const full = splitPage(rows, 2, (r) => [r.id]);
  assert.deepEqual(full.rows, [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(decodeCursor(full.next_cursor ?? undefined, ['id'] as const), [2]);
  assert.equal(splitPage(rows, 3, (r) => [r.id]).next_cursor, null);
});
