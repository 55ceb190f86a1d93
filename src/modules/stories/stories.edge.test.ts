import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createMedia, createUser } from '../../../test/helpers/factories.js';
import { expectStatus, queryCount } from '../../../test/helpers/http.js';
import { insertStory } from '../../../test/helpers/stories-factories.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

describe('POST /stories races', () => {
  test('media swept between the ownership check and the insert is a 400 naming media_id', async () => {
    const alice = await createUser(t);
    const mediaId = await createMedia(t, alice);
    // Stands in for the sweeper deleting the row after createStory has read it.
    await sql
      .raw(
        t.dialect === 'mysql'
          ? 'create trigger sweep_first before insert on stories for each row ' +
              'delete from media where id = new.media_id'
          : 'create trigger sweep_first before insert on stories begin ' +
              'delete from media where id = new.media_id; end',
      )
      .execute(t.db);
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/stories',
        headers: alice.headers,
        payload: { media_id: String(mediaId) },
      });
      assert.equal(response.statusCode, 400, response.body);
      const body = response.json();
      assert.equal(body.code, 'validation_failed');
      assert.deepEqual(body.errors, [{ field: 'media_id', message: 'no media with this id' }]);
    } finally {
      await sql.raw('drop trigger sweep_first').execute(t.db);
    }
    const stories = await t.db.selectFrom('stories').select('id').execute();
    assert.deepEqual(stories, []);
  });
});

describe('GET /users/{username}/stories', () => {
  test('costs one statement per step: token, owner visibility, page, authors, media', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    for (let i = 0; i < 3; i++) await insertStory(t, alice, 60 - i);
    for (const limit of [1, 3]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/users/${alice.username.toUpperCase()}/stories?limit=${limit}`,
        headers: bob.headers,
      });
      assert.equal(expectStatus(response, 200).data.length, limit);
      assert.equal(queryCount(response), 5);
    }
  });
});
