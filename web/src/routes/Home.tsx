import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { PostCard } from '../components/PostCard';
import { StoriesTray } from '../components/StoriesTray';
import { Link } from 'react-router';

export default function Home() {
  const feed = useCursorList([...postKeys.lists, 'feed'], (cursor) =>
    must(api.GET('/api/v1/feed', { params: { query: { cursor, limit: 10 } } })),
  );
  return (
    <div className="feed-page">
      <h1 className="visually-hidden">Home</h1>
      <StoriesTray />
      <InfiniteList
        list={feed}
        empty={
          <>
            <p>Your feed is empty.</p>
            <p>
              <Link to="/search">Find people to follow</Link> or{' '}
              <Link to="/create">share your first post</Link>.
            </p>
          </>
        }
        render={(posts) =>
          posts.map((post, i) => <PostCard key={post.id} post={post} eager={i === 0} />)
        }
      />
    </div>
  );
}
