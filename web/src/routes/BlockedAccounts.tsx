import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { postKeys } from '../api/posts';
import type { User } from '../api/types';
import { UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { profileKey } from './Profile';

const blocksKey = ['me', 'blocks'] as const;

/** Settings › Blocked accounts: everyone I block, each with Unblock. */
export default function BlockedAccounts() {
  const list = useCursorList(blocksKey, async (cursor) => {
    const page = await must(api.GET('/api/v1/me/blocks', { params: { query: { cursor } } }));
    return { ...page, data: page.data.map((b) => ({ ...b, id: b.user.id })) };
  });
  return (
    <div className="page-narrow">
      <h1>Blocked accounts</h1>
      <p className="muted">
        They can&apos;t find your profile, posts or stories. They aren&apos;t told you blocked them.
      </p>
      <InfiniteList
        list={list}
        empty={<p>You haven&apos;t blocked anyone.</p>}
        render={(items) => (
          <ul className="user-list">
            {items.map((b) => (
              <li key={b.id}>
                <UserLink user={b.user} />
                <span className="spacer" />
                <UnblockButton user={b.user} />
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}

function UnblockButton({ user }: { user: User }) {
  const client = useQueryClient();
  const unblock = useMutation({
    mutationFn: () =>
      must(
        api.DELETE('/api/v1/users/{username}/block', {
          params: { path: { username: user.username } },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: blocksKey });
      await client.invalidateQueries({ queryKey: profileKey(user.username) });
      await client.invalidateQueries({ queryKey: postKeys.lists });
    },
  });
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={unblock.isPending}
        aria-label={`Unblock ${user.username}`}
        onClick={() => unblock.mutate()}
      >
        Unblock
      </button>
      {unblock.isError && (
        <span className="field-error" role="alert">
          {messageOf(unblock.error)}
        </span>
      )}
    </>
  );
}
