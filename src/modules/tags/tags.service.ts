import type { AppDeps } from '../../deps.js';
import { type DbTime, toIso } from '../../db/time.js';
import type { Trx } from '../../db/transaction.js';
import type { Actor } from '../../http/auth.js';
import { badRequest, type FieldError, forbidden, notFound } from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { findAccountsFor } from '../mentions/mentions.service.js';
import { notify } from '../notifications/notifications.service.js';
import { authorSummaryOf, toUserSummary } from '../users/user-summary.js';
import * as repo from './tags.repository.js';
import { MAX_TAGS_PER_IMAGE, type PendingTagDto, type TagInputDto } from './tags.schema.js';

const invalidTags = (messages: string[]) =>
  badRequest(
    `Invalid request: tags ${messages.join('; ')}.`,
    messages.map((message): FieldError => ({ field: 'tags', message })),
  );

/**
 * Makes the post's tags exactly `input`, in the caller's transaction (post creation or edit).
 * A tag that stays keeps its approval; a new one waits for approval when the person asked for
 * that (and is not the author). Returns who is newly tagged and able to see the post: they
 * are notified.
 */
export async function setPostTags(
  trx: Trx,
  now: DbTime,
  authorId: number,
  postId: number,
  input: readonly TagInputDto[],
): Promise<number[]> {
  const [media, existing, accounts] = await Promise.all([
    repo.mediaOfPost(trx, postId),
    repo.tagsOfPost(trx, postId),
    findAccountsFor(trx, [...new Set(input.map((t) => t.username.toLowerCase()))], authorId),
  ]);
  const kinds = new Map(media.map((m) => [m.id, m.kind]));
  const alreadyTagged = new Set(existing.map((row) => row.user_id));
  const people = new Map(accounts.map((a) => [a.username, a]));
  const problems: string[] = [];
  const perImage = new Map<number, number>();
  const wanted = new Map<string, { mediaId: number; userId: number; x: number; y: number }>();
  for (const tag of input) {
    const mediaId = Number(tag.media_id);
    const person = people.get(tag.username.toLowerCase());
    const kind = kinds.get(mediaId);
    if (kind === undefined) problems.push(`media ${tag.media_id} is not an image of this post`);
    else if (kind !== 'image')
      problems.push(`media ${tag.media_id} is a video: only images take tags`);
    if (!person) problems.push(`@${tag.username} is not an active account`);
    // Either way round, a block means no new tag (one already on the post may stay, so an edit
    // of other tags still goes through); the message does not say who blocked whom.
    const refused = person !== undefined && person.blocked && !alreadyTagged.has(person.id);
    if (refused)
      problems.push(`@${tag.username} can't be tagged: one of you has blocked the other`);
    if (kind !== 'image' || !person || refused) continue;
    const key = `${mediaId}:${person.id}`;
    if (!wanted.has(key)) perImage.set(mediaId, (perImage.get(mediaId) ?? 0) + 1);
    wanted.set(key, { mediaId, userId: person.id, x: tag.x, y: tag.y });
  }
  for (const [mediaId, count] of perImage) {
    if (count > MAX_TAGS_PER_IMAGE) {
      problems.push(`media ${mediaId} has ${count} tags; at most ${MAX_TAGS_PER_IMAGE}`);
    }
  }
  if (problems.length > 0) throw invalidTags(problems);

  const kept = new Map(existing.map((row) => [`${row.media_id}:${row.user_id}`, row]));
  await repo.deleteTags(
    trx,
    existing.filter((row) => !wanted.has(`${row.media_id}:${row.user_id}`)).map((row) => row.id),
  );
  const moved = [...wanted].flatMap(([key, tag]) => {
    const row = kept.get(key);
    return row ? [{ id: row.id, x: tag.x, y: tag.y }] : [];
  });
  await repo.moveTags(trx, moved);
  const added = [...wanted].filter(([key]) => !kept.has(key)).map(([, tag]) => tag);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const rows = added.map((tag) => ({
    media_id: tag.mediaId,
    post_id: postId,
    user_id: tag.userId,
    x: tag.x,
    y: tag.y,
    status:
      byId.get(tag.userId)?.tag_approval === 'manual' && tag.userId !== authorId
        ? ('pending' as const)
        : ('approved' as const),
    created_at: now,
  }));
  await repo.insertTags(trx, rows);
  // A pending tag is announced too: that is how the person learns there is one to approve.
  const newlyShown = rows.filter((row) => byId.get(row.user_id)?.can_see).map((row) => row.user_id);
  return notify(
    trx,
    now,
    [...new Set(newlyShown)].map((recipientId) => ({
      type: 'tag' as const,
      recipientId,
      actorId: authorId,
      postId,
    })),
  );
}

/** Takes the caller off a post's tags (idempotent); 404 unknown post, 403 one they can't see. */
export async function untagMe(deps: AppDeps, actor: Actor, postId: number): Promise<void> {
  const post = await repo.postVisibility(deps.db, actor.id, postId);
  if (!post) throw notFound('Post');
  if (!Number(post.visible)) {
    throw forbidden('This account is private: only its approved followers see its posts.');
  }
  await repo.untagSelf(deps.db, postId, actor.id);
}

export async function listPendingTags(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<PendingTagDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const rows = await repo.pendingPage(deps.db, actor.id, cursor, limit + 1);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  return {
    data: page.rows.map((row) => ({
      id: String(row.id),
      post_id: String(row.post_id),
      media_id: String(row.media_id),
      tagged_by: toUserSummary(authorSummaryOf(row), deps.mediaUrl),
      x: Number(row.x),
      y: Number(row.y),
      created_at: toIso(row.created_at),
    })),
    next_cursor: page.next_cursor,
  };
}

/** Approving shows the tag on the photo; declining removes it. */
export async function answerPendingTag(
  deps: AppDeps,
  actor: Actor,
  id: number,
  approve: boolean,
): Promise<void> {
  if (!approve) {
    if (!(await repo.declineTag(deps.db, id, actor.id))) throw notFound('Pending tag');
    return;
  }
  if (!(await repo.approveTag(deps.db, id, actor.id))) throw notFound('Pending tag');
}
