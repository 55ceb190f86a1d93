import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeCursor } from '../../http/pagination.js';
import { toIso } from '../../db/time.js';
import type { AppDeps } from '../../deps.js';
import { postTime } from '../posts/posts.service.js';
import { parseStatusId } from './entities.js';
import { baseUrlOf } from './wire.js';

/** Mastodon's paging parameters: ids bound the page; `limit` defaults to 20, at most 40. */
export interface PageQuery {
  max_id?: string;
  since_id?: string;
  min_id?: string;
  limit?: number;
}

export const pageLimit = (query: PageQuery) => Math.min(Math.max(query.limit ?? 20, 1), 40);

/**
 * Where a list of posts starts. The `max_id` of a Link this server wrote is the native keyset
 * cursor itself (opaque, exact, no lookup); a status id that a client took from the last item
 * becomes the same cursor from that post's created_at. `null` means "nothing older" (an id
 * that names no post).
 */
export async function postListCursor(
  deps: AppDeps,
  maxId: string | undefined,
): Promise<string | undefined | null> {
  if (maxId === undefined || maxId === '') return undefined;
  const ref = parseStatusId(maxId);
  if (!ref) return maxId;
  if (ref.kind !== 'post') return null;
  const time = await postTime(deps.db, ref.id);
  return time ? encodeCursor([time, ref.id]) : null;
}

/** since_id / min_id: only posts newer than that one (the newest of them, up to the limit). */
export async function newerThan(
  deps: AppDeps,
  query: PageQuery,
): Promise<((status: { id: string; created_at: string }) => boolean) | null> {
  const raw = query.min_id ?? query.since_id;
  if (raw === undefined || raw === '') return null;
  const ref = parseStatusId(raw);
  if (!ref || ref.kind !== 'post') return null;
  const time = await postTime(deps.db, ref.id);
  if (!time) return null;
  const iso = toIso(time);
  return (status) =>
    status.created_at > iso || (status.created_at === iso && Number(status.id) > ref.id);
}

/** A list's query string without the paging parameters, to build its Link URLs on. */
function listUrl(request: FastifyRequest, params: Record<string, string>): string {
  const url = new URL(request.url, baseUrlOf(request));
  for (const key of ['max_id', 'since_id', 'min_id']) url.searchParams.delete(key);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The Link header masto.js and megalodon page with: absolute URLs, `rel="next"` (older) when
 * there is more, `rel="prev"` (newer) for status lists.
 */
export function setLinks(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { nextCursor: string | null; firstId?: string },
): void {
  const links: string[] = [];
  if (page.nextCursor) links.push(`<${listUrl(request, { max_id: page.nextCursor })}>; rel="next"`);
  if (page.firstId) links.push(`<${listUrl(request, { min_id: page.firstId })}>; rel="prev"`);
  if (links.length > 0) reply.header('link', links.join(', '));
}
