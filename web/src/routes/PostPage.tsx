import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { historyKey, postKeys, updatePostEverywhere } from '../api/posts';
import type { Comment, Post } from '../api/types';
import { useSession } from '../api/useSession';
import { Caption, ErrorState, FieldError, Spinner, UserLink } from '../components/bits';
import { useCursorList } from '../components/InfiniteList';
import { Menu, type MenuItem } from '../components/Menu';
import { HeartIcon, PostCard } from '../components/PostCard';
import { PostEditor } from '../components/PostEditor';
import { ReportButton, ReportForm } from '../components/Report';
import { relativeTime } from '../lib/time';
import { profileKey } from './Profile';

export default function PostPage() {
  const { id = '' } = useParams();
  const post = useQuery({
    queryKey: postKeys.one(id),
    queryFn: () => must(api.GET('/api/v1/posts/{id}', { params: { path: { id } } })),
  });
  if (post.isPending) return <Spinner />;
  if (post.isError) {
    const gone = post.error instanceof ApiError && post.error.status === 404;
    return (
      <div className="state error" role="alert">
        <h1>{gone ? 'This post is no longer available.' : 'Could not load this post.'}</h1>
        <p>{messageOf(post.error)}</p>
        <Link to="/">Back to your feed</Link>
      </div>
    );
  }
  return (
    <div className="post-page">
      <h1 className="visually-hidden">Post by {post.data.author.username}</h1>
      <PostCard post={post.data} eager full />
      <EditedMarker post={post.data} />
      <OwnerTools post={post.data} />
      <Insights post={post.data} />
      <TaggedTools post={post.data} />
      <ReportTool post={post.data} />
      <Comments post={post.data} />
    </div>
  );
}

function OwnerTools({ post }: { post: Post }) {
  const me = useSession()?.user;
  const client = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // Once the form is gone, focus goes back to the button that opened it.
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    editButton.current?.focus();
  }, [editing]);
  const archive = useMutation({
    mutationFn: (on: boolean) => {
      const params = { params: { path: { id: post.id } } };
      return must(
        on
          ? api.POST('/api/v1/posts/{id}/archive', params)
          : api.DELETE('/api/v1/posts/{id}/archive', params),
      );
    },
    onSuccess: async (updated) => {
      updatePostEverywhere(client, post.id, () => updated);
      await client.invalidateQueries({ queryKey: postKeys.lists });
      await client.invalidateQueries({ queryKey: profileKey(post.author.username) });
    },
  });
  if (me?.id !== post.author.id) return null;
  const closeEditor = () => {
    returnFocus.current = true;
    setEditing(false);
  };
  const remove = async () => {
    if (!window.confirm('Delete this post?')) return;
    try {
      await must(api.DELETE('/api/v1/posts/{id}', { params: { path: { id: post.id } } }));
      await client.invalidateQueries({ queryKey: postKeys.lists });
      void navigate(`/u/${post.author.username}`);
    } catch (err) {
      setError(err);
    }
  };
  if (editing) {
    return (
      <section className="owner-tools" aria-label="Your post">
        <PostEditor
          post={post}
          onCancel={closeEditor}
          onSaved={(updated) => {
            updatePostEverywhere(client, post.id, () => updated);
            void client.invalidateQueries({ queryKey: postKeys.lists });
            void client.invalidateQueries({ queryKey: historyKey(post.id) });
            closeEditor();
          }}
        />
      </section>
    );
  }
  const archived = post.archived_at !== null;
  return (
    <section className="owner-tools" aria-label="Your post">
      {archived && (
        <p className="muted" role="status">
          Archived: only you can see this post.
        </p>
      )}
      <button
        ref={editButton}
        type="button"
        className="button secondary"
        onClick={() => setEditing(true)}
      >
        Edit
      </button>{' '}
      <button
        type="button"
        className="button secondary"
        disabled={archive.isPending}
        onClick={() => archive.mutate(!archived)}
      >
        {archived ? 'Unarchive' : 'Archive'}
      </button>{' '}
      <button type="button" className="button danger" onClick={() => void remove()}>
        Delete post
      </button>
      {(error !== null || archive.isError) && (
        <p className="form-error" role="alert">
          {messageOf(error ?? archive.error)}
        </p>
      )}
    </section>
  );
}

/** "Edited" under an edited post; for its author a link to the versions it replaced. */
function EditedMarker({ post }: { post: Post }) {
  const me = useSession()?.user;
  if (!post.edited_at) return null;
  return (
    <p className="muted edited-marker">
      {me?.id === post.author.id ? (
        <Link to={`/p/${post.id}/history`}>
          Edited<span className="visually-hidden">: see the edit history</span>
        </Link>
      ) : (
        'Edited'
      )}
    </p>
  );
}

/** The author's numbers for the post: likes, comments, saves and (with a video) views. */
function Insights({ post }: { post: Post }) {
  const me = useSession()?.user;
  const own = me?.id === post.author.id;
  const insights = useQuery({
    queryKey: ['post-insights', post.id, post.like_count, post.comment_count],
    queryFn: () =>
      must(api.GET('/api/v1/posts/{id}/insights', { params: { path: { id: post.id } } })),
    enabled: own,
  });
  if (!own) return null;
  const figures = insights.data && [
    ['Likes', insights.data.likes],
    ['Comments', insights.data.comments],
    ['Saves', insights.data.saves],
    ...(insights.data.views === null ? [] : [['Views', insights.data.views] as const]),
  ];
  return (
    <section className="insights" aria-labelledby={`insights-${post.id}`}>
      <h2 id={`insights-${post.id}`} className="section-title">
        Insights
      </h2>
      {insights.isError ? (
        <ErrorState error={insights.error} retry={() => void insights.refetch()} />
      ) : !figures ? (
        <Spinner label="Loading insights…" />
      ) : (
        <dl className="insight-figures">
          {figures.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{Number(value).toLocaleString('en')}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** Someone tagged on the post may take themselves off it. */
function TaggedTools({ post }: { post: Post }) {
  const me = useSession()?.user;
  const client = useQueryClient();
  const untag = useMutation({
    mutationFn: () =>
      must(api.DELETE('/api/v1/posts/{id}/tags/me', { params: { path: { id: post.id } } })),
    onSuccess: async () => {
      updatePostEverywhere(client, post.id, (p) => ({
        ...p,
        media: p.media.map((m) => ({ ...m, tags: m.tags.filter((t) => t.user.id !== me?.id) })),
      }));
      await client.invalidateQueries({ queryKey: [...postKeys.lists, 'user'] });
    },
  });
  if (!post.media.some((m) => m.tags.some((t) => t.user.id === me?.id))) return null;
  return (
    <section className="owner-tools" aria-label="You are tagged">
      <span className="muted">You are tagged in this post.</span>{' '}
      <button type="button" className="button secondary" onClick={() => untag.mutate()}>
        Remove me from this post
      </button>
      {untag.isError && (
        <p className="form-error" role="alert">
          {messageOf(untag.error)}
        </p>
      )}
    </section>
  );
}

/** "Report" in the post's menu, for everyone but its author. */
function ReportTool({ post }: { post: Post }) {
  const me = useSession()?.user;
  if (!me || me.id === post.author.id) return null;
  return <ReportButton targetType="post" targetId={post.id} />;
}

const commentKeys = {
  top: (postId: string) => ['comments', postId] as const,
  replies: (commentId: string) => ['replies', commentId] as const,
};

function Comments({ post }: { post: Post }) {
  const [replyTo, setReplyTo] = useState<Comment | null>(null);
  const list = useCursorList(commentKeys.top(post.id), (cursor) =>
    must(
      api.GET('/api/v1/posts/{id}/comments', {
        params: { path: { id: post.id }, query: { ordering: '-created_at', cursor, limit: 20 } },
      }),
    ),
  );
  return (
    <section className="comments" aria-label="Comments">
      <h2 className="section-title">Comments</h2>
      {list.isPending ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <p className="muted">No comments yet. Start the conversation.</p>
      ) : (
        <ul className="comment-list">
          {list.items.map((c) => (
            <CommentItem key={c.id} comment={c} post={post} onReply={setReplyTo} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          Load more comments
        </button>
      )}
      {post.comments_disabled ? (
        <p className="muted">Commenting is turned off.</p>
      ) : (
        <CommentForm post={post} replyTo={replyTo} onDone={() => setReplyTo(null)} />
      )}
    </section>
  );
}

function CommentItem({
  comment,
  post,
  onReply,
  isReply = false,
}: {
  comment: Comment;
  post: Post;
  onReply: (c: Comment) => void;
  isReply?: boolean;
}) {
  const me = useSession()?.user;
  const client = useQueryClient();
  const [current, setCurrent] = useState(comment);
  const [open, setOpen] = useState(false);
  const [reporting, setReporting] = useState(false);
  const like = useMutation({
    mutationFn: (on: boolean) => {
      const params = { params: { path: { id: comment.id } } };
      return must(
        on
          ? api.POST('/api/v1/comments/{id}/like', params)
          : api.DELETE('/api/v1/comments/{id}/like', params),
      );
    },
    onMutate: (on) => {
      const before = current;
      setCurrent({ ...current, liked_by_me: on, like_count: current.like_count + (on ? 1 : -1) });
      return before;
    },
    onError: (_e, _on, before) => before && setCurrent(before),
    onSuccess: (fresh) => setCurrent(fresh),
  });
  const remove = useMutation({
    mutationFn: () =>
      must(api.DELETE('/api/v1/comments/{id}', { params: { path: { id: comment.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({
        queryKey: comment.parent_id
          ? commentKeys.replies(comment.parent_id)
          : commentKeys.top(post.id),
      });
      await client.invalidateQueries({ queryKey: commentKeys.top(post.id) });
      await client.invalidateQueries({ queryKey: postKeys.one(post.id) });
    },
  });
  const shown = { ...comment, ...(current.id === comment.id ? current : {}) };
  const canDelete = me && (me.id === comment.author.id || me.id === post.author.id);
  const actions: MenuItem[] =
    me && me.id !== comment.author.id
      ? [{ label: 'Report comment', onSelect: () => setReporting(true), danger: true }]
      : [];
  return (
    <li className={isReply ? 'comment reply' : 'comment'}>
      <div className="comment-body">
        <p>
          <UserLink user={comment.author} />{' '}
          <Caption text={comment.text} mentions={comment.mentions} />
        </p>
        <p className="comment-meta muted">
          <time dateTime={comment.created_at}>{relativeTime(comment.created_at)}</time>
          {shown.like_count > 0 && (
            <span>
              {' '}
              · {shown.like_count} like{shown.like_count === 1 ? '' : 's'}
            </span>
          )}
          {!isReply && (
            <button type="button" className="link-button" onClick={() => onReply(comment)}>
              Reply
            </button>
          )}
          {canDelete && (
            <button type="button" className="link-button" onClick={() => remove.mutate()}>
              Delete
            </button>
          )}
          {actions.length > 0 && (
            <Menu
              label={`More options for comment by ${comment.author.username}`}
              items={actions}
            />
          )}
        </p>
        {reporting && (
          <ReportForm
            targetType="comment"
            targetId={comment.id}
            onClose={() => setReporting(false)}
          />
        )}
        {remove.isError && (
          <p className="field-error" role="alert">
            {messageOf(remove.error)}
          </p>
        )}
      </div>
      <button
        type="button"
        className="icon-button small"
        aria-label={
          shown.liked_by_me
            ? `Unlike comment by ${comment.author.username}`
            : `Like comment by ${comment.author.username}`
        }
        aria-pressed={shown.liked_by_me}
        onClick={() => like.mutate(!shown.liked_by_me)}
      >
        <HeartIcon filled={shown.liked_by_me} />
      </button>
      {!isReply && comment.reply_count > 0 && (
        <div className="replies">
          <button
            type="button"
            className="link-button muted"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide replies' : `View replies (${comment.reply_count})`}
          </button>
          {open && <Replies comment={comment} post={post} onReply={onReply} />}
        </div>
      )}
    </li>
  );
}

function Replies({
  comment,
  post,
  onReply,
}: {
  comment: Comment;
  post: Post;
  onReply: (c: Comment) => void;
}) {
  const list = useCursorList(commentKeys.replies(comment.id), (cursor) =>
    must(
      api.GET('/api/v1/comments/{id}/replies', {
        params: { path: { id: comment.id }, query: { cursor } },
      }),
    ),
  );
  if (list.isPending) return <Spinner />;
  if (list.isError) return <ErrorState error={list.error} />;
  return (
    <ul className="comment-list">
      {list.items.map((r) => (
        <CommentItem key={r.id} comment={r} post={post} onReply={onReply} isReply />
      ))}
      {list.hasNextPage && (
        <li>
          <button type="button" className="link-button" onClick={() => void list.fetchNextPage()}>
            More replies
          </button>
        </li>
      )}
    </ul>
  );
}

function CommentForm({
  post,
  replyTo,
  onDone,
}: {
  post: Post;
  replyTo: Comment | null;
  onDone: () => void;
}) {
  const client = useQueryClient();
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () =>
      must(
        api.POST('/api/v1/posts/{id}/comments', {
          params: { path: { id: post.id } },
          body: { text, ...(replyTo ? { parent_id: replyTo.id } : {}) },
        }),
      ),
    onSuccess: async (created) => {
      setText('');
      onDone();
      updatePostEverywhere(client, post.id, (p) => ({ ...p, comment_count: p.comment_count + 1 }));
      if (created.parent_id)
        await client.invalidateQueries({ queryKey: commentKeys.replies(created.parent_id) });
      await client.invalidateQueries({ queryKey: commentKeys.top(post.id) });
    },
  });
  const message = add.error
    ? (add.error instanceof ApiError && add.error.fieldMessage('text')) || messageOf(add.error)
    : undefined;
  return (
    <form
      className="comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      {replyTo && (
        <p className="muted">
          Replying to {replyTo.author.username}{' '}
          <button type="button" className="link-button" onClick={onDone}>
            Cancel
          </button>
        </p>
      )}
      <label htmlFor="comment-text" className="visually-hidden">
        {replyTo ? `Reply to ${replyTo.author.username}` : 'Add a comment'}
      </label>
      <div className="comment-row">
        <input
          id="comment-text"
          value={text}
          placeholder={replyTo ? `Reply to ${replyTo.author.username}…` : 'Add a comment…'}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'comment-text-error' : undefined}
        />
        <button type="submit" className="button primary" disabled={!text.trim() || add.isPending}>
          Post
        </button>
      </div>
      <FieldError id="comment-text-error" message={message} />
    </form>
  );
}
