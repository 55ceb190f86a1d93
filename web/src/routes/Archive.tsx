import { useState } from 'react';
import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { PostGrid } from '../components/PostGrid';
import { MediaView } from '../components/MediaView';

export const archivedStoriesKey = ['stories', 'archive'] as const;

type Tab = 'posts' | 'stories';

/** Your archive: posts you archived (only you see them) and stories that expired. */
export default function Archive() {
  const [tab, setTab] = useState<Tab>('posts');
  return (
    <div className="page-wide archive">
      <h1>Archive</h1>
      <div className="tabs" role="tablist" aria-label="Archived posts or stories">
        {(['posts', 'stories'] as const).map((each) => (
          <button
            key={each}
            type="button"
            role="tab"
            aria-selected={tab === each}
            onClick={() => setTab(each)}
          >
            {each === 'posts' ? 'Posts' : 'Stories'}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tab === 'posts' ? 'Archived posts' : 'Archived stories'}>
        {tab === 'posts' ? <ArchivedPosts /> : <ArchivedStories />}
      </div>
    </div>
  );
}

function ArchivedPosts() {
  const list = useCursorList([...postKeys.lists, 'archive'], (cursor) =>
    must(api.GET('/api/v1/me/archive/posts', { params: { query: { cursor } } })),
  );
  return (
    <InfiniteList
      list={list}
      empty={<p>No archived posts. Archive a post from its menu to hide it from your profile.</p>}
      render={(items) => <PostGrid posts={items} />}
    />
  );
}

function ArchivedStories() {
  const list = useCursorList(archivedStoriesKey, (cursor) =>
    must(api.GET('/api/v1/me/archive/stories', { params: { query: { cursor } } })),
  );
  return (
    <InfiniteList
      list={list}
      empty={<p>No archived stories yet. Your stories are kept here once they expire.</p>}
      render={(items) => (
        <ul className="post-grid">
          {items.map((story) => {
            const when = new Date(story.created_at).toLocaleDateString('en', {
              day: 'numeric',
              month: 'short',
              year: 'numeric',
            });
            return (
              <li key={story.id}>
                <figure className="archived-story">
                  <MediaView
                    media={story.media}
                    alt={story.media.alt_text ?? `Story from ${when}`}
                    thumbnail
                  />
                  <figcaption className="muted">{when}</figcaption>
                </figure>
              </li>
            );
          })}
        </ul>
      )}
    />
  );
}
