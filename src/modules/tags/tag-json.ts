import { type RawBuilder, sql } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import type { Executor } from '../../db/transaction.js';
import type { MediaUrl, UserSummaryDto } from '../users/user-summary.js';
import { toUserSummary } from '../users/user-summary.js';

/**
 * The approved tags of the media row in `mediaIdColumn` as one JSON array, read in the media
 * query itself (no statement of their own): each with the person's summary and position.
 * Pending tags and deactivated people are left out.
 */
export function approvedTagsJson(db: Executor, mediaIdColumn: string): RawBuilder<string | null> {
  const item = sql`json_object('id', tu.id, 'username', tu.username, 'name', tp.name,
    'image', tp.profile_image_key, 'private', tp.is_private, 'x', mt.x, 'y', mt.y)`;
  const aggregate =
    dialectOf(db) === 'mysql' ? sql`json_arrayagg(${item})` : sql`json_group_array(${item})`;
  return sql<string | null>`(select ${aggregate} from media_tags mt
    inner join users tu on tu.id = mt.user_id
    inner join profiles tp on tp.user_id = mt.user_id
    where mt.media_id = ${sql.ref(mediaIdColumn)} and mt.status = 'approved' and tu.is_active = 1)`;
}

export interface MediaTagDto {
  user: UserSummaryDto;
  x: number;
  y: number;
}

export interface TagJson {
  id: number;
  username: string;
  name: string;
  image: string | null;
  private: number | boolean;
  x: number;
  y: number;
}

/** The column `approvedTagsJson` read back. */
export function tagsFromJson(
  json: string | TagJson[] | null | undefined,
  mediaUrl: MediaUrl,
): MediaTagDto[] {
  if (!json) return [];
  // SQLite answers text; mysql2 may already have parsed the JSON.
  const tags = typeof json === 'string' ? (JSON.parse(json) as TagJson[]) : json;
  return tags.map((tag) => ({
    user: toUserSummary(
      {
        id: Number(tag.id),
        username: tag.username,
        name: tag.name,
        profile_image_key: tag.image,
        is_private: Number(tag.private),
      },
      mediaUrl,
    ),
    x: Number(tag.x),
    y: Number(tag.y),
  }));
}

/** SQL condition on a posts.id column: `userId` is tagged (approved) in that post. */
export function taggedIn(postIdColumn: string, userId: number) {
  return sql<boolean>`${sql.ref(postIdColumn)} in (select tg.post_id from media_tags tg
    where tg.user_id = ${userId} and tg.status = 'approved')`;
}
