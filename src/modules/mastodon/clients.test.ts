import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOAuthAPIClient, createRestAPIClient, type mastodon } from 'masto';
import megalodon, { detector, type MegalodonInterface } from 'megalodon';
import { createUser, FACTORY_PASSWORD, type TestUser } from '../../../test/helpers/factories.js';
import { makeImage } from '../../../test/helpers/media-fixtures.js';
import { pkcePair } from '../../../test/helpers/oauth.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/test-app.js';

/**
 * Two real third-party clients, masto.js 7 and megalodon 9, against this server listening on
 * a port (issue #20's "done when"): every request below goes over HTTP as those libraries
 * build it.
 */
// megalodon is CommonJS: its default export arrives as `.default` of the module object.
const generator = megalodon.default;
const REDIRECT = 'https://client.example/callback';
let t: TestApp;
let url: string;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  t = await buildTestApp();
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  alice = await createUser(t, { name: 'Alice' });
  bob = await createUser(t, { name: 'Bob' });
});
after(async () => t.close());

/** What a person does in the browser: open the authorize page, fill in the form, submit it. */
async function authorizeInBrowser(authorizeUrl: string, user: TestUser): Promise<string> {
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    form.set(name!, value!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  assert.match(html, /<form method="post" action="\/oauth\/authorize">/);
  form.set('username', user.username);
  form.set('password', FACTORY_PASSWORD);
  const submitted = await fetch(`${url}/oauth/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  assert.equal(submitted.status, 302);
  const location = new URL(submitted.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  return location.searchParams.get('code')!;
}

let aliceApp: mastodon.v1.Client;
let aliceMasto: mastodon.rest.Client;
let aliceToken: string;
let bobMega: MegalodonInterface;
let bobMasto: mastodon.rest.Client;

test('masto.js: app registration, the authorize form, a token with PKCE, verify_credentials', async () => {
  const anonymous = createRestAPIClient({ url });
  const registered = await anonymous.v1.apps.create({
    clientName: 'masto.js test',
    redirectUris: REDIRECT,
    scopes: 'read write follow push',
    website: 'https://masto.example',
  });
  assert.ok(registered.clientId && registered.clientSecret);
  aliceApp = registered as unknown as mastodon.v1.Client;

  const { verifier, challenge } = pkcePair();
  const authorizeUrl = new URL('/oauth/authorize', url);
  authorizeUrl.search = new URLSearchParams({
    response_type: 'code',
    client_id: registered.clientId!,
    redirect_uri: REDIRECT,
    scope: 'read write follow push',
    state: 'masto-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const code = await authorizeInBrowser(authorizeUrl.toString(), alice);

  const oauth = createOAuthAPIClient({ url });
  // masto sends a multipart form here; `codeVerifier` becomes `code_verifier` on the wire.
  const token = await oauth.token.create({
    grantType: 'authorization_code',
    clientId: registered.clientId!,
    clientSecret: registered.clientSecret!,
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as Parameters<typeof oauth.token.create>[0]);
  assert.equal(token.tokenType, 'Bearer');
  assert.equal(token.scope, 'read write follow push');
  aliceToken = token.accessToken;
  aliceMasto = createRestAPIClient({ url, accessToken: aliceToken });
  const me = await aliceMasto.v1.accounts.verifyCredentials();
  assert.equal(me.id, String(alice.id));
  assert.equal(me.username, alice.username);
  assert.equal(me.source.privacy, 'public');
  const app = await aliceMasto.v1.apps.verifyCredentials();
  assert.equal(app.name, 'masto.js test');
});

test('megalodon: detects the server as Mastodon, registers, exchanges the code (JSON body)', async () => {
  assert.equal(await detector(url), 'mastodon');
  const client = generator('mastodon', url);
  const app = await client.registerApp('megalodon test', {
    scopes: ['read', 'write', 'follow'],
    redirect_uris: REDIRECT,
  });
  assert.ok(app.url);
  // megalodon builds the authorize URL itself, without state or PKCE.
  const code = await authorizeInBrowser(app.url!, bob);
  const token = await client.fetchAccessToken(app.client_id, app.client_secret, code, REDIRECT);
  assert.equal(token.token_type, 'Bearer');
  bobMega = generator('mastodon', url, token.access_token);
  bobMasto = createRestAPIClient({ url, accessToken: token.access_token });
  const me = await bobMega.verifyAccountCredentials();
  assert.equal(me.data.username, bob.username);
});

let firstStatusId: string;

test('masto.js: a v2 media upload that resolves, then a status with it', async () => {
  const image = await makeImage('jpeg', 640, 480);
  const media = await aliceMasto.v2.media.create({
    file: new Blob([image], { type: 'image/jpeg' }),
    description: 'A harbour at dawn',
  });
  assert.equal(media.type, 'image');
  assert.ok(media.url);
  assert.equal(media.description, 'A harbour at dawn');
  const status = await aliceMasto.v1.statuses.create({
    status: 'Harbour #dawn',
    mediaIds: [media.id],
    visibility: 'public',
  });
  assert.equal(status.mediaAttachments[0]?.id, media.id);
  assert.equal(status.mediaAttachments[0]?.description, 'A harbour at dawn');
  assert.deepEqual(
    status.tags.map((tag) => tag.name),
    ['dawn'],
  );
  firstStatusId = status.id;
});

test('megalodon: uploads media and follows from the second account', async () => {
  const image = await makeImage('png', 200, 200);
  const media = await bobMega.uploadMedia(image, { description: 'Square' });
  assert.ok(media.data.id);
  const posted = await bobMega.postStatus('From megalodon', { media_ids: [media.data.id] });
  assert.ok('id' in posted.data);
  const relationship = await bobMega.followAccount(String(alice.id));
  assert.equal(relationship.data.following, true);
  const rels = await bobMasto.v1.accounts.relationships.fetch({ id: [String(alice.id)] });
  assert.equal(rels[0]?.following, true);
});

test('the home timeline over several pages through the Link header (both clients)', async () => {
  const mediaIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const m = await aliceMasto.v2.media.create({
      file: new Blob([await makeImage('jpeg', 32, 32)], { type: 'image/jpeg' }),
    });
    mediaIds.push(m.id);
  }
  for (const [i, id] of mediaIds.entries()) {
    await aliceMasto.v1.statuses.create({ status: `Photo ${i}`, mediaIds: [id] });
  }
  await t.drainJobs();
  // Bob's home: his own post and Alice's five, newest first.
  const pages: string[][] = [];
  for await (const page of bobMasto.v1.timelines.home.list({ limit: 2 })) {
    pages.push(page.map((status) => status.id));
    if (pages.length > 10) break;
  }
  assert.deepEqual(
    pages.map((p) => p.length),
    [2, 2, 2],
  );
  const ids = pages.flat();
  assert.equal(new Set(ids).size, 6);
  assert.deepEqual(
    [...ids].sort((a, b) => Number(b) - Number(a)),
    ids,
    'newest first',
  );
  assert.ok(ids.includes(firstStatusId));

  // megalodon: follow rel="next" by hand, as its users do.
  const seen: string[] = [];
  let maxId: string | undefined;
  for (let i = 0; i < 10; i++) {
    const res = await bobMega.getHomeTimeline({ limit: 4, ...(maxId ? { max_id: maxId } : {}) });
    seen.push(...res.data.map((s) => s.id));
    const next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    if (!next) break;
    maxId = new URL(next).searchParams.get('max_id')!;
  }
  assert.deepEqual(seen, ids);
});

test('favourite and bookmark; a reply and its context', async () => {
  const status = bobMasto.v1.statuses.$select(firstStatusId);
  const favourited = await status.favourite();
  assert.equal(favourited.favourited, true);
  assert.equal(favourited.favouritesCount, 1);
  const bookmarked = await status.bookmark();
  assert.equal(bookmarked.bookmarked, true);
  const megaFav = await bobMega.unfavouriteStatus(firstStatusId);
  assert.equal(megaFav.data.favourited, false);
  await bobMega.favouriteStatus(firstStatusId);
  const marks = await bobMasto.v1.bookmarks.list();
  assert.deepEqual(
    marks.map((s) => s.id),
    [firstStatusId],
  );

  const reply = await bobMasto.v1.statuses.create({
    status: 'Lovely light',
    inReplyToId: firstStatusId,
  });
  assert.equal(reply.inReplyToId, firstStatusId);
  const answer = await bobMega.postStatus('Thanks!', { in_reply_to_id: reply.id });
  assert.ok('in_reply_to_id' in answer.data && answer.data.in_reply_to_id === reply.id);
  const context = await aliceMasto.v1.statuses.$select(firstStatusId).context.fetch();
  assert.deepEqual(context.ancestors, []);
  assert.deepEqual(
    context.descendants.map((s) => s.id),
    [reply.id, (answer.data as { id: string }).id],
  );
  const fromReply = await bobMega.getStatusContext(reply.id);
  assert.deepEqual(
    fromReply.data.ancestors.map((s) => s.id),
    [firstStatusId],
  );
  const again = await aliceMasto.v1.statuses.$select(firstStatusId).fetch();
  assert.equal(again.repliesCount, 2);
  assert.equal(again.favouritesCount, 1);
});

test('notifications: the favourite, follow and reply above, in both clients; dismiss', async () => {
  const list = await aliceMasto.v1.notifications.list({ limit: 40 });
  const seen = list.map((n) => `${n.type}:${n.account.id}`);
  assert.ok(seen.includes(`follow:${bob.id}`), seen.join(' '));
  const favourite = list.find((n) => n.type === 'favourite');
  assert.equal(favourite?.status?.id, firstStatusId);
  const replies = list.filter((n) => n.type === 'mention').map((n) => n.status?.inReplyToId);
  assert.ok(replies.includes(firstStatusId), 'Bob’s reply to Alice’s status reaches her');

  const favourites = await aliceMasto.v1.notifications.list({ types: ['favourite'] });
  assert.deepEqual(
    favourites.map((n) => n.type),
    ['favourite'],
  );
  const mega = generator('mastodon', url, aliceToken);
  const megaList = await mega.getNotifications({ exclude_types: ['favourite', 'mention'] });
  assert.deepEqual(
    megaList.data.map((n) => n.type),
    ['follow'],
  );
  await aliceMasto.v1.notifications.$select(favourite!.id).dismiss();
  const after = await aliceMasto.v1.notifications.list();
  assert.ok(!after.some((n) => n.id === favourite!.id));
});

test('block and mute through masto.js', async () => {
  const blocked = await aliceMasto.v1.accounts.$select(String(bob.id)).block();
  assert.equal(blocked.blocking, true);
  const blocks = await aliceMasto.v1.blocks.list();
  assert.deepEqual(
    blocks.map((a) => a.id),
    [String(bob.id)],
  );
  assert.equal((await aliceMasto.v1.accounts.$select(String(bob.id)).unblock()).blocking, false);
  const muted = await aliceMasto.v1.accounts.$select(String(bob.id)).mute();
  assert.equal(muted.muting, true);
  assert.deepEqual(
    (await aliceMasto.v1.mutes.list()).map((a) => a.id),
    [String(bob.id)],
  );
  assert.equal((await aliceMasto.v1.accounts.$select(String(bob.id)).unmute()).muting, false);
});

test('search, instance, and Photogram’s refusals as client errors', async () => {
  const found = await bobMasto.v2.search.list({ q: 'Harbour', type: 'statuses' });
  assert.deepEqual(
    found.statuses.map((s) => s.id),
    [firstStatusId],
  );
  const people = await bobMega.search(alice.username, { type: 'accounts' });
  assert.deepEqual(
    people.data.accounts.map((a) => a.id),
    [String(alice.id)],
  );
  const instance = await aliceMasto.v2.instance.fetch();
  assert.equal(instance.configuration.statuses.maxMediaAttachments, 10);
  const megaInstance = await bobMega.getInstance();
  assert.equal(megaInstance.data.title, 'Photogram');

  await assert.rejects(
    aliceMasto.v1.statuses.create({ status: 'words only' }),
    (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 422);
      assert.match(error.message, /at least one media/);
      return true;
    },
  );
  await assert.rejects(
    aliceMasto.v1.statuses.$select(firstStatusId).reblog(),
    (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 422);
      return true;
    },
  );
});

test('revoke: the token stops working at once', async () => {
  const oauth = createOAuthAPIClient({ url });
  await oauth.revoke({
    clientId: (aliceApp as unknown as { clientId: string }).clientId,
    clientSecret: (aliceApp as unknown as { clientSecret: string }).clientSecret,
    token: aliceToken,
  });
  await assert.rejects(
    aliceMasto.v1.accounts.verifyCredentials(),
    (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 401);
      return true;
    },
  );
});
