import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { postKeys } from '../api/posts';
import type { Profile as ProfileT } from '../api/types';
import { useSession } from '../api/useSession';
import { Avatar, ErrorState, Spinner } from '../components/bits';
import { HighlightsRow } from '../components/HighlightsRow';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { Menu, type MenuItem } from '../components/Menu';
import { PostGrid } from '../components/PostGrid';
import { ReportForm } from '../components/Report';
import NotFound from './NotFound';

type Tab = 'post' | 'reel' | 'tagged';
const TABS: { tab: Tab; label: string; empty: string }[] = [
  { tab: 'post', label: 'Posts', empty: 'No posts yet.' },
  { tab: 'reel', label: 'Reels', empty: 'No reels yet.' },
  { tab: 'tagged', label: 'Tagged', empty: 'No photos of them yet.' },
];

export const profileKey = (username: string) => ['profile', username.toLowerCase()] as const;

export default function Profile() {
  const { username = '' } = useParams();
  const profile = useQuery({
    queryKey: profileKey(username),
    queryFn: () => must(api.GET('/api/v1/users/{username}', { params: { path: { username } } })),
  });
  if (profile.isPending) return <Spinner />;
  if (profile.isError) {
    if (profile.error instanceof ApiError && profile.error.status === 404) return <NotFound />;
    return <ErrorState error={profile.error} retry={() => void profile.refetch()} />;
  }
  return <ProfileView profile={profile.data} />;
}

function ProfileView({ profile }: { profile: ProfileT }) {
  const me = useSession()?.user;
  const own = me?.id === profile.id;
  const canSee = own || !profile.is_private || profile.is_following;
  const [tab, setTab] = useState<Tab>('post');
  const current = TABS.find((each) => each.tab === tab)!;
  const posts = useCursorList(
    [...postKeys.lists, 'user', profile.username, tab],
    (cursor) => {
      const path = { username: profile.username };
      return must(
        tab === 'tagged'
          ? api.GET('/api/v1/users/{username}/tagged', { params: { path, query: { cursor } } })
          : api.GET('/api/v1/users/{username}/posts', {
              params: { path, query: { cursor, type: tab } },
            }),
      );
    },
    canSee && !profile.blocking,
  );
  return (
    <div className="page-wide profile">
      <header className="profile-header">
        <Avatar user={profile} size={96} />
        <div className="profile-info">
          <div className="profile-top">
            <h1 className="profile-username">{profile.username}</h1>
            {own ? (
              <>
                <Link className="button secondary" to="/accounts/edit">
                  Edit profile
                </Link>
                <Link className="button secondary" to="/settings">
                  Settings
                </Link>
              </>
            ) : profile.blocking ? null : (
              <FollowButton profile={profile} />
            )}
            {!own && me && <ProfileMenu profile={profile} />}
          </div>
          <ul className="counts">
            <li>
              <strong>{profile.posts_count}</strong> posts
            </li>
            <li>
              <Link to={`/u/${profile.username}/followers`}>
                <strong>{profile.followers_count}</strong> followers
              </Link>
            </li>
            <li>
              <Link to={`/u/${profile.username}/following`}>
                <strong>{profile.following_count}</strong> following
              </Link>
            </li>
          </ul>
          <p className="profile-name">
            <strong>{profile.name}</strong>
            {profile.follows_you && !own && <span className="badge">Follows you</span>}
          </p>
          {profile.bio && <p className="profile-bio">{profile.bio}</p>}
          {profile.website && (
            <a href={profile.website} rel="noopener noreferrer nofollow" target="_blank">
              {profile.website.replace(/^https?:\/\//, '')}
            </a>
          )}
        </div>
      </header>
      {profile.blocking ? (
        <BlockedState profile={profile} />
      ) : canSee ? (
        <>
          <HighlightsRow username={profile.username} own={own} />
          <div className="tabs" role="tablist" aria-label="Posts, reels or tagged">
            {TABS.map(({ tab: each, label }) => (
              <button
                key={each}
                type="button"
                role="tab"
                aria-selected={tab === each}
                onClick={() => setTab(each)}
              >
                {label}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={current.label}>
            <InfiniteList
              list={posts}
              empty={<p>{current.empty}</p>}
              render={(items) => <PostGrid posts={items} />}
            />
          </div>
        </>
      ) : (
        <div className="state private">
          <h2>This account is private</h2>
          <p>Follow this account to see their photos and videos.</p>
        </div>
      )}
    </div>
  );
}

function useBlock(profile: ProfileT) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (on: boolean) => {
      const params = { params: { path: { username: profile.username } } };
      await must(
        on
          ? api.POST('/api/v1/users/{username}/block', params)
          : api.DELETE('/api/v1/users/{username}/block', params),
      );
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: profileKey(profile.username) });
      await client.invalidateQueries({ queryKey: ['me', 'blocks'] });
      await client.invalidateQueries({ queryKey: postKeys.lists });
    },
  });
}

/** Block, mute and report, for someone else's profile. */
function ProfileMenu({ profile }: { profile: ProfileT }) {
  const client = useQueryClient();
  const [panel, setPanel] = useState<'mute' | 'report' | null>(null);
  const block = useBlock(profile);
  const unmute = useMutation({
    mutationFn: () =>
      must(
        api.DELETE('/api/v1/users/{username}/mute', {
          params: { path: { username: profile.username } },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: profileKey(profile.username) });
      await client.invalidateQueries({ queryKey: ['me', 'mutes'] });
    },
  });
  const items: MenuItem[] = [
    profile.blocking
      ? { label: 'Unblock', onSelect: () => block.mutate(false) }
      : {
          label: 'Block',
          danger: true,
          onSelect: () => {
            if (
              window.confirm(
                `Block ${profile.username}? They won't be able to find your profile, posts or stories. They won't be told.`,
              )
            )
              block.mutate(true);
          },
        },
    // Blocking already hides everything of theirs: muting on top would say nothing more.
    ...(profile.blocking
      ? []
      : [
          profile.muting
            ? { label: 'Unmute', onSelect: () => unmute.mutate() }
            : { label: 'Mute', onSelect: () => setPanel('mute') },
        ]),
    { label: 'Report account', danger: true, onSelect: () => setPanel('report') },
  ];
  const error = block.error ?? unmute.error;
  return (
    <>
      <Menu label={`More options for ${profile.username}`} items={items} />
      {error && (
        <span className="field-error" role="alert">
          {messageOf(error)}
        </span>
      )}
      {panel === 'mute' && <MuteForm profile={profile} onClose={() => setPanel(null)} />}
      {panel === 'report' && (
        <div className="profile-panel">
          <ReportForm targetType="user" targetId={profile.id} onClose={() => setPanel(null)} />
        </div>
      )}
    </>
  );
}

function MuteForm({ profile, onClose }: { profile: ProfileT; onClose: () => void }) {
  const client = useQueryClient();
  const [posts, setPosts] = useState(true);
  const [stories, setStories] = useState(true);
  const mute = useMutation({
    mutationFn: () =>
      must(
        api.POST('/api/v1/users/{username}/mute', {
          params: { path: { username: profile.username } },
          body: { posts, stories },
        }),
      ),
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: profileKey(profile.username) });
      await client.invalidateQueries({ queryKey: ['me', 'mutes'] });
    },
  });
  return (
    <form
      className="profile-panel"
      aria-label={`Mute ${profile.username}`}
      onSubmit={(e) => {
        e.preventDefault();
        mute.mutate();
      }}
    >
      <fieldset>
        <legend>Mute {profile.username}: they won&apos;t know.</legend>
        <label>
          <input type="checkbox" checked={posts} onChange={(e) => setPosts(e.target.checked)} />{' '}
          Posts
        </label>{' '}
        <label>
          <input type="checkbox" checked={stories} onChange={(e) => setStories(e.target.checked)} />{' '}
          Stories
        </label>
      </fieldset>
      <button
        type="submit"
        className="button primary"
        disabled={(!posts && !stories) || mute.isPending}
      >
        Mute
      </button>{' '}
      <button type="button" className="button secondary" onClick={onClose}>
        Cancel
      </button>
      {mute.isError && (
        <p className="form-error" role="alert">
          {messageOf(mute.error)}
        </p>
      )}
    </form>
  );
}

function BlockedState({ profile }: { profile: ProfileT }) {
  const block = useBlock(profile);
  return (
    <div className="state blocked">
      <h2>You blocked @{profile.username}</h2>
      <p>They can&apos;t find your profile, posts or stories.</p>
      <button
        type="button"
        className="button secondary"
        disabled={block.isPending}
        onClick={() => block.mutate(false)}
      >
        Unblock {profile.username}
      </button>
      {block.isError && (
        <p className="form-error" role="alert">
          {messageOf(block.error)}
        </p>
      )}
    </div>
  );
}

function FollowButton({ profile }: { profile: ProfileT }) {
  const client = useQueryClient();
  const key = profileKey(profile.username);
  const follow = useMutation({
    mutationFn: async (on: boolean) => {
      const params = { params: { path: { username: profile.username } } };
      if (on) return (await must(api.POST('/api/v1/users/{username}/follow', params))).status;
      await must(api.DELETE('/api/v1/users/{username}/follow', params));
      return null;
    },
    onMutate: (on) => {
      const before = client.getQueryData<ProfileT>(key);
      client.setQueryData<ProfileT>(
        key,
        (p) =>
          p && {
            ...p,
            is_following: on && !p.is_private,
            follow_requested: on && p.is_private,
            followers_count:
              p.followers_count + (on && !p.is_private ? 1 : !on && p.is_following ? -1 : 0),
          },
      );
      return before;
    },
    onError: (_e, _on, before) => client.setQueryData(key, before),
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
  const label = profile.is_following
    ? 'Following'
    : profile.follow_requested
      ? 'Requested'
      : profile.follows_you
        ? 'Follow back'
        : 'Follow';
  const on = profile.is_following || profile.follow_requested;
  return (
    <>
      <button
        type="button"
        className={on ? 'button secondary' : 'button primary'}
        aria-pressed={on}
        aria-label={on ? `${label}: unfollow ${profile.username}` : `Follow ${profile.username}`}
        onClick={() => follow.mutate(!on)}
      >
        {label}
      </button>
      {follow.isError && (
        <span className="field-error" role="alert">
          {messageOf(follow.error)}
        </span>
      )}
    </>
  );
}
