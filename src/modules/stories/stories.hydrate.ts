import type { AppDeps } from '../../deps.js';
import { toIso } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import { toMediaDto } from '../media/media.schema.js';
import { loadUserSummaries, toUserSummary, type UserSummaryDto } from '../users/user-summary.js';
import { loadMediaRows } from '../media/media.service.js';
import type { StoryWithFlags } from './stories.repository.js';
import type { StoryDto } from './stories.schema.js';

export interface TrayGroup {
  user: UserSummaryDto;
  stories: StoryDto[];
  has_unseen: boolean;
  has_close_friends: boolean;
}

/**
 * Turns story rows into Story objects with one batched statement per relation (authors, media),
 * whatever the number of rows. The author is not recorded as a viewer of their own stories,
 * yet has obviously seen them, so their own stories count as seen.
 */
export async function hydrateStories(
  deps: Pick<AppDeps, 'mediaUrl'> & { db: Executor },
  viewerId: number,
  rows: readonly StoryWithFlags[],
): Promise<StoryDto[]> {
  const [authors, media] = await Promise.all([
    loadUserSummaries(
      deps.db,
      rows.map((row) => row.author_id),
    ),
    loadMediaRows(
      deps.db,
      rows.map((row) => row.media_id),
    ),
  ]);
  return rows.flatMap((row) => {
    const author = authors.get(row.author_id);
    const file = media.get(row.media_id);
    if (!author || !file) return [];
    return [
      {
        id: String(row.id),
        author: toUserSummary(author, deps.mediaUrl),
        media: toMediaDto(file, deps.mediaUrl, true),
        created_at: toIso(row.created_at),
        expires_at: toIso(row.expires_at),
        seen_by_me: row.author_id === viewerId || Number(row.viewed) === 1,
        liked_by_me: Number(row.liked) === 1,
        audience: row.audience,
      },
    ];
  });
}

/**
 * One group per account, stories oldest first: the viewer's own group first, then groups with
 * unseen stories, then fully seen ones; within each of the last two, the account that posted
 * most recently comes first (ties: higher user id first, so the order is total).
 */
export function groupTray(viewerId: number, stories: readonly StoryDto[]): TrayGroup[] {
  const groups = new Map<string, TrayGroup>();
  for (const story of stories) {
    let group = groups.get(story.author.id);
    if (!group) {
      group = { user: story.author, stories: [], has_unseen: false, has_close_friends: false };
      groups.set(story.author.id, group);
    }
    group.stories.push(story);
    if (!story.seen_by_me) group.has_unseen = true;
    if (story.audience === 'close_friends') group.has_close_friends = true;
  }
  const latest = (group: TrayGroup) => group.stories[group.stories.length - 1]?.created_at ?? '';
  const rank = (group: TrayGroup) =>
    group.user.id === String(viewerId) ? 0 : group.has_unseen ? 1 : 2;
  return [...groups.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      latest(b).localeCompare(latest(a)) ||
      Number(b.user.id) - Number(a.user.id),
  );
}
