import type { PostMediaRow } from '../../../src/modules/media/media.service.js';
import { toPostDto } from '../../../src/modules/posts/post-hydration.js';
import type { PostRow } from '../../../src/modules/posts/post-row.js';
import type { MediaUrl, UserSummaryRow } from '../../../src/modules/users/user-summary.js';
import { marks, type Sql } from './sql.js';

/** The posts columns a Post is built from (as `p`). */
export const POST_COLUMNS = `p.id, p.author_id, p.type, p.caption, p.location_id, p.like_count,
  p.comment_count, p.created_at, p.updated_at, p.edited_at, p.archived_at, p.comments_disabled,
  p.hide_like_count, p.view_count, p.mentions`;

export type { PostRow };

export const AUTHOR_SQL = `select u.id, u.username, p.name, p.profile_image_key, p.is_private
  from users u join profiles p on p.user_id = u.id where u.id in`;

const tagsJson = (sql: Sql) => {
  const item = `json_object('id', tu.id, 'username', tu.username, 'name', tp.name,
    'image', tp.profile_image_key, 'private', tp.is_private, 'x', mt.x, 'y', mt.y)`;
  const aggregate =
    sql.dialect === 'mysql' ? `json_arrayagg(${item})` : `json_group_array(${item})`;
  return `(select ${aggregate} from media_tags mt join users tu on tu.id = mt.user_id
    join profiles tp on tp.user_id = mt.user_id
    where mt.media_id = m.id and mt.status = 'approved' and tu.is_active = 1)`;
};

/**
 * Post rows to Posts for a reader: authors, media (with approved people tags), locations and
 * the reader's liked/saved flags, one statement each, locations only when a post has one.
 * `known` skips the flags where the caller knows them (a post just created, just liked).
 */
export async function hydrate(
  sql: Sql,
  mediaUrl: MediaUrl,
  readerId: number,
  rows: readonly PostRow[],
  known?: { liked: boolean; saved: boolean },
) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const authorIds = [...new Set(rows.map((r) => r.author_id))];
  const locationIds = [...new Set(rows.flatMap((r) => r.location_id ?? []))];
  const [authors, media, locations, flags] = await Promise.all([
    sql.all<UserSummaryRow>(`${AUTHOR_SQL} (${marks(authorIds)})`, authorIds),
    sql.all<PostMediaRow>(
      `select m.id, m.post_id, m.kind, m.storage_key, m.thumbnail_key, m.poster_key, m.width,
        m.height, m.duration_ms, m.blurhash, m.alt_text, m.status, m.failure_reason,
        ${tagsJson(sql)} as tags_json
       from media m where m.post_id in (${marks(ids)}) order by m.post_id, m.position`,
      ids,
    ),
    locationIds.length === 0
      ? []
      : sql.all<{ id: number; name: string; address: string; lat: number; lng: number }>(
          `select id, name, address, lat, lng from locations where id in (${marks(locationIds)})`,
          locationIds,
        ),
    known
      ? []
      : sql.all<{ saved: number; post_id: number }>(
          `select 0 as saved, post_id from post_likes where user_id = ? and post_id in (${marks(ids)})
           union all
           select 1 as saved, post_id from saves where user_id = ? and post_id in (${marks(ids)})`,
          [readerId, ...ids, readerId, ...ids],
        ),
  ]);
  const authorOf = new Map(authors.map((a) => [a.id, a]));
  const locationOf = new Map(locations.map((l) => [l.id, { ...l, id: String(l.id) }]));
  const liked = new Set(flags.filter((f) => !Number(f.saved)).map((f) => f.post_id));
  const saved = new Set(flags.filter((f) => Number(f.saved)).map((f) => f.post_id));
  return rows.map((row) =>
    toPostDto(row, {
      author: authorOf.get(row.author_id)!,
      media: media.filter((m) => m.post_id === row.id),
      location: row.location_id === null ? null : (locationOf.get(row.location_id) ?? null),
      liked: known ? known.liked : liked.has(row.id),
      saved: known ? known.saved : saved.has(row.id),
      actorId: readerId,
      mediaUrl,
    }),
  );
}
