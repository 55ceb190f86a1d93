import { useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import { AccountsPage } from '../components/AccountsPage';
import { profileKey } from './Profile';

/** Settings › Blocked accounts: everyone I block, each with Unblock. */
export default function BlockedAccounts() {
  const client = useQueryClient();
  return (
    <AccountsPage
      title="Blocked accounts"
      intro="They can't find your profile, posts or stories. They aren't told you blocked them."
      empty="You haven't blocked anyone."
      queryKey={['me', 'blocks']}
      fetchPage={(cursor) => must(api.GET('/api/v1/me/blocks', { params: { query: { cursor } } }))}
      verb="Unblock"
      undo={(user) =>
        must(
          api.DELETE('/api/v1/users/{username}/block', {
            params: { path: { username: user.username } },
          }),
        )
      }
      afterUndo={async (user) => {
        await client.invalidateQueries({ queryKey: profileKey(user.username) });
        await client.invalidateQueries({ queryKey: postKeys.lists });
      }}
    />
  );
}
