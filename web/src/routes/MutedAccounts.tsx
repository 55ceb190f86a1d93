import { useQueryClient } from '@tanstack/react-query';
import { api, must } from '../api/client';
import { AccountsPage } from '../components/AccountsPage';
import { profileKey } from './Profile';

/** Settings › Muted accounts: whose posts or stories I muted, each with Unmute. */
export default function MutedAccounts() {
  const client = useQueryClient();
  return (
    <AccountsPage
      title="Muted accounts"
      intro="Their posts or stories stay out of your feed. They aren't told."
      empty="You haven't muted anyone."
      queryKey={['me', 'mutes']}
      fetchPage={(cursor) => must(api.GET('/api/v1/me/mutes', { params: { query: { cursor } } }))}
      verb="Unmute"
      undo={(user) =>
        must(
          api.DELETE('/api/v1/users/{username}/mute', {
            params: { path: { username: user.username } },
          }),
        )
      }
      afterUndo={(user) => client.invalidateQueries({ queryKey: profileKey(user.username) })}
      detail={(m) => (
        <span className="muted small">
          {[m.posts && 'posts', m.stories && 'stories'].filter(Boolean).join(' and ')} muted
        </span>
      )}
    />
  );
}
