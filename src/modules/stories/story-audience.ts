import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Who is in a story's audience, as SQL over `stories`: everyone for an `everyone` story; its
 * author and the accounts on the author's close friends list for a `close_friends` one. Privacy
 * (`visibleAuthor`) still applies on top. Used by every list and lookup of stories, highlights
 * included, so a close-friends story never leaks through one of them.
 */
export function inStoryAudience(viewerId: number): Expression<SqlBool> {
  return sql<SqlBool>`(stories.audience = 'everyone' or stories.author_id = ${viewerId}
    or exists (select 1 from close_friends cf where cf.owner_id = stories.author_id
      and cf.friend_id = ${viewerId}))`;
}
