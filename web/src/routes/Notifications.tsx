import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { notificationKeys } from '../api/notifications';
import type { User } from '../api/types';
import { Avatar, UserLink } from '../components/bits';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { relativeTime } from '../lib/time';
import type { Schemas } from '../../../openapi/client/index';

type Group = Schemas['NotificationGroup'] & { id: string };

const WHAT: Record<Group['type'], string> = {
  follow: 'started following you.',
  follow_request: 'asked to follow you.',
  follow_accepted: 'accepted your follow request.',
  like: 'liked your post.',
  comment: 'commented on your post:',
  reply: 'replied to your comment:',
  comment_like: 'liked your comment:',
  mention: 'mentioned you:',
  tag: 'tagged you in a post.',
  story_like: 'liked your story.',
};

/** "alice", "alice and bob", "alice, bob and 12 others". */
function Who({ actors, count }: { actors: User[]; count: number }) {
  const [first, second] = actors;
  if (!first) return null;
  const others = count - 2;
  if (count === 1 || !second) return <UserLink user={first} withAvatar={false} />;
  return (
    <>
      <UserLink user={first} withAvatar={false} />
      {others > 0 ? ', ' : ' and '}
      <UserLink user={second} withAvatar={false} />
      {others > 0 && ` and ${others} other${others === 1 ? '' : 's'}`}
    </>
  );
}

function GroupItem({ group }: { group: Group }) {
  const target = group.post ? `/p/${group.post.id}` : null;
  return (
    <li className={group.read ? 'notification' : 'notification unread'}>
      {group.latest_actors[0] && <Avatar user={group.latest_actors[0]} size={40} />}
      <p className="notification-text">
        <Who actors={group.latest_actors} count={group.count} /> {WHAT[group.type]}
        {group.comment && <> “{group.comment.text}”</>}{' '}
        <time className="muted" dateTime={group.latest_at}>
          {relativeTime(group.latest_at)}
        </time>
      </p>
      {target && group.post?.thumbnail_url && (
        <Link to={target} className="notification-thumb" aria-label="Open the post">
          <img src={group.post.thumbnail_url} alt="" width={44} height={44} loading="lazy" />
        </Link>
      )}
      {group.type === 'follow_request' && (
        <Link to="/requests" className="button secondary">
          Requests
        </Link>
      )}
    </li>
  );
}

export default function Notifications() {
  const client = useQueryClient();
  const list = useCursorList<Group>(notificationKeys.grouped, async (cursor) => {
    const page = await must(
      api.GET('/api/v1/notifications/grouped', { params: { query: { cursor } } }),
    );
    return { ...page, data: page.data.map((group) => ({ ...group, id: group.latest_id })) };
  });
  const newest = list.items[0]?.latest_id;
  const markAll = useMutation({
    mutationFn: (upToId: string) =>
      must(api.POST('/api/v1/notifications/read', { body: { up_to_id: upToId } })),
    onSuccess: () => client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
  const anyUnread = list.items.some((group) => !group.read);
  return (
    <div className="page-narrow">
      <div className="page-header">
        <h1>Notifications</h1>
        <button
          type="button"
          className="button secondary"
          disabled={!newest || !anyUnread || markAll.isPending}
          onClick={() => newest && markAll.mutate(newest)}
        >
          Mark all read
        </button>
      </div>
      {markAll.isError && (
        <p className="form-error" role="alert">
          {messageOf(markAll.error)}
        </p>
      )}
      <InfiniteList
        list={list}
        empty={<p>Nothing yet. Likes, comments, mentions and follows show up here.</p>}
        render={(groups) => (
          <ul className="notification-list">
            {groups.map((group) => (
              <GroupItem key={`${group.type}-${group.id}`} group={group} />
            ))}
          </ul>
        )}
      />
    </div>
  );
}
