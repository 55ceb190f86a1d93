import type { AppDeps } from '../../deps.js';
import { addSeconds, toDbTime } from '../../db/time.js';
import type { Actor } from '../../http/auth.js';
import { decodeCursor, type Page, splitPage } from '../../http/pagination.js';
import { hydratePosts } from '../posts/post-hydration.js';
import { hydratedPage } from '../posts/post-lists.service.js';
import type { PostDto } from '../posts/posts.schema.js';
import { EXPLORE_WINDOW_DAYS, explorePage } from './explore.repository.js';
import { feedPage } from './feed.repository.js';
import { timelinePage } from '../timeline/timeline.service.js';

type PageInput = { limit?: number; cursor?: string };

export async function homeFeed(
  deps: AppDeps,
  actor: Actor,
  query: PageInput,
): Promise<Page<PostDto>> {
  return hydratedPage(deps, actor.id, query, (cursor, limit) =>
    deps.config.feedMode === 'timeline'
      ? timelinePage(deps, actor.id, cursor, limit + 1)
      : feedPage(deps.db, actor.id, cursor, limit),
  );
}

export async function explore(
  deps: AppDeps,
  actor: Actor,
  query: PageInput,
): Promise<Page<PostDto>> {
  const limit = query.limit ?? 20;
  const cursor = decodeCursor(query.cursor, ['number', 'id']);
  const since = addSeconds(toDbTime(deps.clock.now()), -EXPLORE_WINDOW_DAYS * 86_400);
  const rows = await explorePage(deps, actor.id, since, cursor, limit);
  const page = splitPage(rows, limit, (row) => [row.score, row.id]);
  return { data: await hydratePosts(deps, actor.id, page.rows), next_cursor: page.next_cursor };
}
