import type { Static } from 'typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { toDbTime, toIso } from '../../db/time.js';
import { inTransaction, isUniqueViolation } from '../../db/transaction.js';
import type { ReportTargetType, UserRole } from '../../db/types.js';
import type { Actor } from '../../http/auth.js';
import {
  AppError,
  badRequest,
  conflict,
  forbidden,
  invalidField,
  notFound,
} from '../../http/errors.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { getComment, removeCommentAsModerator } from '../comments/comments.service.js';
import { loadMediaRows } from '../media/media.service.js';
import { getPost, removePostAsModerator } from '../posts/posts.service.js';
import { getStory, removeStoryAsModerator } from '../stories/stories.service.js';
import { findAccount, setRole } from '../users/accounts.service.js';
import { loadUserSummaries } from '../users/user-summary.js';
import { getProfilesByIds, suspendAccount, unsuspendAccount } from '../users/users.service.js';
import * as repo from './moderation.repository.js';
import type {
  AdminReportDto,
  AuditEntryDto,
  CreateReportBody,
  ReportDto,
  ReportsQuery,
  ResolveBody,
  SnapshotDto,
} from './moderation.schema.js';

/** The target as stored in reports.snapshot (JSON); URLs are derived when it is read. */
interface StoredSnapshot {
  author_id: number;
  author_username: string;
  text: string | null;
  media_keys: string[];
  post_id: number | null;
}

const TARGET_NAMES: Record<ReportTargetType, string> = {
  post: 'Post',
  comment: 'Comment',
  user: 'User',
  story: 'Story',
};

/** What cannot be seen cannot be reported: a private account's content is 404 here, not 403. */
async function visible<T>(type: ReportTargetType, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.status === 403) throw notFound(TARGET_NAMES[type]);
    throw error;
  }
}

async function mediaKeys(deps: AppDeps, mediaIds: readonly string[]): Promise<string[]> {
  const rows = await loadMediaRows(deps.db, mediaIds.map(Number));
  return mediaIds.flatMap((id) => rows.get(Number(id))?.storage_key ?? []);
}

/** Reads the target as the reporter sees it (404 when they cannot) and snapshots it. */
async function snapshotOf(
  deps: AppDeps,
  actor: Actor,
  type: ReportTargetType,
  id: number,
): Promise<StoredSnapshot> {
  switch (type) {
    case 'post': {
      const post = await visible(type, () => getPost(deps, actor.id, id));
      return {
        author_id: Number(post.author.id),
        author_username: post.author.username,
        text: post.caption,
        media_keys: await mediaKeys(
          deps,
          post.media.map((m) => m.id),
        ),
        post_id: null,
      };
    }
    case 'comment': {
      const comment = await visible(type, () => getComment(deps, actor.id, id));
      return {
        author_id: Number(comment.author.id),
        author_username: comment.author.username,
        text: comment.text,
        media_keys: [],
        post_id: Number(comment.post_id),
      };
    }
    case 'story': {
      const story = await visible(type, () => getStory(deps, actor, id));
      return {
        author_id: Number(story.author.id),
        author_username: story.author.username,
        text: null,
        media_keys: await mediaKeys(deps, [story.media.id]),
        post_id: null,
      };
    }
    case 'user': {
      const profile = (await getProfilesByIds(deps, actor.id, [id])).get(id);
      if (!profile) throw notFound('User');
      const image = (await loadUserSummaries(deps.db, [id])).get(id)?.profile_image_key;
      return {
        author_id: id,
        author_username: profile.username,
        text: [profile.name, profile.bio].filter((part) => part !== '').join('\n') || null,
        media_keys: image ? [image] : [],
        post_id: null,
      };
    }
  }
}

function toReport(row: repo.ReportRow): ReportDto {
  return {
    id: String(row.id),
    target_type: row.target_type,
    target_id: String(row.target_id),
    reason: row.reason as ReportDto['reason'],
    details: row.details,
    status: row.status,
    created_at: toIso(row.created_at),
  };
}

/**
 * Idempotent per (reporter, target): reporting the same thing again answers the report made
 * the first time (`created: false`), whatever its status now.
 */
export async function createReport(
  deps: AppDeps,
  actor: Actor,
  input: Static<typeof CreateReportBody>,
): Promise<{ report: ReportDto; created: boolean }> {
  const targetId = Number(input.target_id);
  const existing = await repo.findReportOf(deps.db, actor.id, input.target_type, targetId);
  if (existing) return { report: toReport(existing), created: false };
  const snapshot = await snapshotOf(deps, actor, input.target_type, targetId);
  if (snapshot.author_id === actor.id) {
    throw invalidField('target_id', 'you cannot report yourself or your own content');
  }
  try {
    await repo.insertReport(deps.db, {
      reporter_id: actor.id,
      target_type: input.target_type,
      target_id: targetId,
      target_user_id: snapshot.author_id,
      reason: input.reason,
      details: input.details?.trim() || null,
      snapshot: JSON.stringify(snapshot),
      created_at: toDbTime(deps.clock.now()),
    });
  } catch (error) {
    // A simultaneous identical report won: answer that one.
    if (!isUniqueViolation(error)) throw error;
  }
  const row = await repo.findReportOf(deps.db, actor.id, input.target_type, targetId);
  if (!row) throw notFound(TARGET_NAMES[input.target_type]);
  return { report: toReport(row), created: true };
}

/** Moderators and admins only (403 `forbidden` for everyone else); returns the caller's role. */
async function requireModerator(deps: AppDeps, actor: Actor): Promise<UserRole> {
  const account = await findAccount(deps.db, { id: actor.id });
  if (!account || (account.role !== 'moderator' && account.role !== 'admin')) {
    throw forbidden('Only moderators and admins may do this.');
  }
  return account.role;
}

function toSnapshot(json: string, deps: AppDeps): SnapshotDto {
  const stored = JSON.parse(json) as StoredSnapshot;
  return {
    author: { id: String(stored.author_id), username: stored.author_username },
    text: stored.text,
    media_keys: stored.media_keys,
    media_urls: stored.media_keys.map((key) => deps.mediaUrl(key, true)),
    post_id: stored.post_id === null ? null : String(stored.post_id),
  };
}

function toAdminReport(row: repo.AdminReportRow, deps: AppDeps): AdminReportDto {
  return {
    ...toReport(row),
    reporter: { id: String(row.reporter_id), username: row.reporter_username },
    target_user: { id: String(row.target_user_id), username: row.target_username },
    snapshot: toSnapshot(row.snapshot, deps),
    resolution:
      row.resolution === null || row.resolved_at === null
        ? null
        : {
            action: row.resolution,
            note: row.resolution_note,
            moderator:
              row.resolved_by === null || row.moderator_username === null
                ? null
                : { id: String(row.resolved_by), username: row.moderator_username },
            resolved_at: toIso(row.resolved_at),
          },
  };
}

export async function listReports(
  deps: AppDeps,
  actor: Actor,
  query: Static<typeof ReportsQuery>,
): Promise<Page<AdminReportDto>> {
  await requireModerator(deps, actor);
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const rows = await repo.reportsPage(deps.db, query.status ?? 'open', cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  return {
    data: page.rows.map((row) => toAdminReport(row, deps)),
    next_cursor: page.next_cursor,
  };
}

export async function getReport(deps: AppDeps, actor: Actor, id: number): Promise<AdminReportDto> {
  await requireModerator(deps, actor);
  const row = await repo.findAdminReport(deps.db, id);
  if (!row) throw notFound('Report');
  return toAdminReport(row, deps);
}

/**
 * Who may be suspended by whom: never yourself, never an admin (demote first, from the
 * console), a moderator only by an admin.
 */
async function requireSuspendable(deps: AppDeps, actor: Actor, role: UserRole, userId: number) {
  if (userId === actor.id) throw badRequest('You cannot suspend yourself.');
  const target = await findAccount(deps.db, { id: userId });
  if (!target) throw notFound('User');
  if (target.role === 'admin' || (target.role === 'moderator' && role !== 'admin')) {
    throw forbidden(
      `A${target.role === 'admin' ? 'n admin' : ' moderator'} cannot be suspended by you.`,
    );
  }
  return target;
}

/**
 * Applies the action, then marks the report resolved with an audit entry (one transaction).
 * remove_content deletes through the owners' own delete services (counters, timelines and
 * notifications follow); content already gone is not an error. suspend_user suspends the
 * reported account; the note is the reason its owner is told at login.
 */
export async function resolveReport(
  deps: AppDeps,
  actor: Actor,
  id: number,
  input: Static<typeof ResolveBody>,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<AdminReportDto> {
  const role = await requireModerator(deps, actor);
  const report = await repo.findAdminReport(deps.db, id);
  if (!report) throw notFound('Report');
  if (report.status !== 'open') throw conflict('This report is already resolved.');
  const note = input.note?.trim() || null;
  if (input.action === 'remove_content') {
    if (report.target_type === 'user') {
      throw invalidField('action', 'a reported account has no content to remove: use suspend_user');
    }
    await removeContent(deps, report.target_type, report.target_id, log).catch((error: unknown) => {
      if (!(error instanceof AppError && error.status === 404)) throw error;
    });
  } else if (input.action === 'suspend_user') {
    await requireSuspendable(deps, actor, role, report.target_user_id);
    await suspendAccount(deps, report.target_user_id, note ?? `Reported for ${report.reason}.`);
  }
  await inTransaction(deps.db, async (trx) => {
    const now = toDbTime(deps.clock.now());
    await repo.lockReport(trx, id);
    const resolution = { by: actor.id, action: input.action, note, at: now };
    if (!(await repo.resolveReport(trx, id, resolution))) {
      throw conflict('This report is already resolved.');
    }
    await repo.insertAuditEntry(trx, {
      actor_id: actor.id,
      action: input.action === 'dismiss' ? 'dismiss_report' : input.action,
      target_type: input.action === 'suspend_user' ? 'user' : report.target_type,
      target_id: input.action === 'suspend_user' ? report.target_user_id : report.target_id,
      report_id: id,
      note,
      created_at: now,
    });
  });
  return getReport(deps, actor, id);
}

function removeContent(
  deps: AppDeps,
  type: Exclude<ReportTargetType, 'user'>,
  id: number,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  switch (type) {
    case 'post':
      return removePostAsModerator(deps, id, (err, keys) =>
        log.warn({ err, keys }, 'post removed but some of its files could not be deleted'),
      );
    case 'comment':
      return removeCommentAsModerator(deps, id);
    case 'story':
      return removeStoryAsModerator(deps, id, log);
  }
}

/** Lifts a suspension (409 when the account is not suspended), with an audit entry. */
export async function unsuspend(
  deps: AppDeps,
  actor: Actor,
  username: string,
  note: string | undefined,
): Promise<void> {
  await requireModerator(deps, actor);
  const target = await findAccount(deps.db, { username: username.toLowerCase() });
  if (!target) throw notFound('User');
  if (!(await unsuspendAccount(deps, target.id))) {
    throw conflict('This account is not suspended.');
  }
  await repo.insertAuditEntry(deps.db, {
    actor_id: actor.id,
    action: 'unsuspend_user',
    target_type: 'user',
    target_id: target.id,
    note: note?.trim() || null,
    created_at: toDbTime(deps.clock.now()),
  });
}

export async function auditLog(
  deps: AppDeps,
  actor: Actor,
  query: { limit?: number; cursor?: string },
): Promise<Page<AuditEntryDto>> {
  await requireModerator(deps, actor);
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['time', 'id']);
  const rows = await repo.auditPage(deps.db, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.created_at, row.id]);
  return {
    data: page.rows.map((row) => ({
      id: String(row.id),
      actor:
        row.actor_id === null || row.actor_username === null
          ? null
          : { id: String(row.actor_id), username: row.actor_username },
      action: row.action,
      target: { type: row.target_type, id: String(row.target_id) },
      report_id: row.report_id === null ? null : String(row.report_id),
      note: row.note,
      created_at: toIso(row.created_at),
    })),
    next_cursor: page.next_cursor,
  };
}

export const ROLES: readonly UserRole[] = ['user', 'moderator', 'admin'];

/**
 * The console's role change (npm run user:role): how an install gets its first admin. Returns
 * the previous role; the change goes to the audit log with no actor.
 */
export async function changeRoleFromConsole(
  db: Db,
  now: Date,
  username: string,
  role: UserRole,
): Promise<UserRole> {
  const account = await findAccount(db, { username: username.toLowerCase() });
  if (!account) throw notFound('User');
  await inTransaction(db, async (trx) => {
    await setRole(trx, account.id, role);
    await repo.insertAuditEntry(trx, {
      actor_id: null,
      action: 'set_role',
      target_type: 'user',
      target_id: account.id,
      note: `${account.role} → ${role}`,
      created_at: toDbTime(now),
    });
  });
  return account.role;
}
