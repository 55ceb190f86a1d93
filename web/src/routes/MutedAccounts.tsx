import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import type { User } from '../api/types';
import { UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { profileKey } from './Profile';

const mutesKey = ['me', 'mutes'] as const;

/** Settings › Muted accounts: whose posts or stories I muted, each with Unmute. */
export default function MutedAccounts() {
  const list = useCursorList(mutesKey, async (cursor) => {
    const page = await must(api.GET('/api/v1/me/mutes', { params: { query: { cursor } } }));
    return { ...page, data: page.data.map((m) => ({ ...m, id: m.user.id })) };
  });
  return (
    <div className="page-narrow">
      <h1>Muted accounts</h1>
      <p className="muted">Their posts or stories stay out of your feed. They aren&apos;t told.</p>
      <InfiniteList
        list={list}
        empty={<p>You haven&apos;t muted anyone.</p>}
        render={(items) => (
          <ul className="user-list">
            {items.map((m) => (
              <li key={m.id}>
                <UserLink user={m.user} />
                <span className="muted small">
                  {[m.posts && 'posts', m.stories && 'stories'].filter(Boolean).join(' and ')} muted
                </span>
                <span className="spacer" />
                <UnmuteButton user={m.user} />
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}

function UnmuteButton({ user }: { user: User }) {
  const client = useQueryClient();
  const unmute = useMutation({
    mutationFn: () =>
      must(
        api.DELETE('/api/v1/users/{username}/mute', {
          params: { path: { username: user.username } },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: mutesKey });
      await client.invalidateQueries({ queryKey: profileKey(user.username) });
    },
  });
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={unmute.isPending}
        aria-label={`Unmute ${user.username}`}
        onClick={() => unmute.mutate()}
      >
        Unmute
      </button>
      {unmute.isError && (
        <span className="field-error" role="alert">
          {messageOf(unmute.error)}
        </span>
      )}
    </>
  );
}
