import { api, must } from '../api/client';
import { postKeys } from '../api/posts';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { PostGrid } from '../components/PostGrid';

export default function Explore() {
  const list = useCursorList([...postKeys.lists, 'explore'], (cursor) =>
    must(api.GET('/api/v1/explore', { params: { query: { cursor } } })),
  );
  return (
    <div className="page-wide">
      <h1 className="visually-hidden">Explore</h1>
      <InfiniteList
        list={list}
        empty={<p>Nothing to explore yet.</p>}
        render={(posts) => <PostGrid posts={posts} />}
      />
    </div>
  );
}
