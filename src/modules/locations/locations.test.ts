import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, follow } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { createLocation, createPost, ids } from '../../../test/helpers/posts-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const fields = (response: { json: () => any }) =>
  (response.json().errors as { field: string }[]).map((e) => e.field).sort();
const create = (user: { headers: Record<string, string> } | null, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/locations', headers: user?.headers ?? {}, payload });
const get = (url: string, user?: { headers: Record<string, string> }) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: user?.headers ?? {} });

describe('POST /locations', () => {
  test('requires authentication', async () => {
    assert.equal((await create(null, { name: 'x' })).statusCode, 401);
  });

  test('creates a location with coordinates', async () => {
    const alice = await createUser(t);
    const response = await create(alice, {
      name: ' Café Central ',
      address: 'Herrengasse 14, Wien',
      lat: 48.21,
      lng: 16.366,
    });
    const place = expectStatus(response, 201);
    assert.equal(response.headers.location, `/api/v1/locations/${place.id}`);
    assert.deepEqual(place, {
      id: place.id,
      name: 'Café Central',
      address: 'Herrengasse 14, Wien',
      lat: 48.21,
      lng: 16.366,
      posts_count: 0,
    });
  });

  test('names every invalid field', async () => {
    const alice = await createUser(t);
    const response = await create(alice, { name: '', lat: 91, lng: -181, extra: true });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(fields(response), ['extra', 'lat', 'lng', 'name']);
    assert.deepEqual(fields(await create(alice, { name: 'x'.repeat(101) })), ['name']);
    assert.deepEqual(fields(await create(alice, { name: 'x', lat: '1' })), ['lat']);
  });
});

describe('GET /locations/:id', () => {
  test('is public and counts only the posts the caller may see', async () => {
    const alice = await createUser(t);
    const priv = await createUser(t, { isPrivate: true });
    const friend = await createUser(t);
    await follow(t, friend, priv);
    const place = await createLocation(t, alice, 'Shared place');
    await createPost(t, alice, { locationId: place.id });
    await createPost(t, alice, { locationId: place.id });
    await createPost(t, priv, { locationId: place.id });
    assert.equal(expectStatus(await get(`/locations/${place.id}`), 200).posts_count, 2);
    assert.equal(expectStatus(await get(`/locations/${place.id}`, friend), 200).posts_count, 3);
    assert.equal((await get('/locations/999999')).statusCode, 404);
    assert.deepEqual(fields(await get('/locations/abc')), ['id']);
  });
});

describe('GET /locations?q=', () => {
  test('prefix match, case-insensitive, with literal % and _', async () => {
    const alice = await createUser(t);
    const names = ['Zed Bar', 'zebra Park', 'ZEN_garden', 'Zen%Pub', 'Zenith', 'A zed'];
    const created = new Map<string, string>();
    for (const name of names) created.set(name, (await createLocation(t, alice, name)).id);
    const search = async (q: string) =>
      expectStatus(await get(`/locations?q=${encodeURIComponent(q)}`), 200).data.map(
        (l: { name: string }) => l.name,
      );
    assert.deepEqual(await search('ZE'), [
      'Zed Bar',
      'zebra Park',
      'ZEN_garden',
      'Zen%Pub',
      'Zenith',
    ]);
    assert.deepEqual(await search('zen_'), ['ZEN_garden']);
    assert.deepEqual(await search('zen%'), ['Zen%Pub']);
    assert.deepEqual(await search('zed'), ['Zed Bar']);
    assert.deepEqual(await search('!'), []);
  });

  test('paginates with a constant statement count, and rejects bad parameters', async () => {
    const alice = await createUser(t);
    for (let i = 0; i < 25; i++) await createLocation(t, alice, `Paged ${i}`);
    const one = await get('/locations?q=paged&limit=1');
    const twenty = await get('/locations?q=paged&limit=20');
    assert.equal(expectStatus(one, 200).data.length, 1);
    assert.equal(queryCount(one), queryCount(twenty));
    assert.equal(queryCount(twenty), 2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = expectStatus(
        await get(`/locations?q=paged&limit=7${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      seen.push(...ids(page));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(new Set(seen).size, 25);
    for (const bad of [
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=abc',
      'cursor=zzz',
      'q=',
      'x=1',
    ]) {
      const response = await get(`/locations?${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.equal(fields(response).length, 1, bad);
    }
  });
});
