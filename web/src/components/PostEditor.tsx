import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { paths } from '../../../openapi/client/index';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import type { Location, Media, Post } from '../api/types';
import { untilReady, uploadFile } from '../api/upload';
import { useMoveFocus } from '../lib/useMoveFocus';
import { move } from '../lib/order';
import { FieldError } from './bits';
import { LocationPicker } from './LocationPicker';

const MAX_MEDIA = 10;

/** One item of the post being edited: one it has (`media` from the start) or a new upload. */
interface EditItem {
  key: string;
  name: string;
  preview: string;
  /** A new video's preview is the file itself, played by a video element. */
  videoPreview?: boolean;
  media?: Media;
  alt: string;
  progress: number;
  error?: string;
}

type PatchBody = NonNullable<
  paths['/api/v1/posts/{id}']['patch']['requestBody']
>['content']['application/json'];

/**
 * The PATCH body for what changed, and only that: people tags are never sent, so the server
 * keeps them (on media that stay).
 */
export function editBody(
  post: Post,
  draft: {
    caption: string;
    location: Location | null;
    items: readonly Pick<EditItem, 'media' | 'alt'>[];
    commentsDisabled: boolean;
    hideLikeCount: boolean;
  },
): PatchBody {
  const body: PatchBody = {};
  if (draft.caption !== post.caption) body.caption = draft.caption;
  if ((draft.location?.id ?? null) !== (post.location?.id ?? null)) {
    body.location_id = draft.location?.id ?? null;
  }
  const ids = draft.items.flatMap((i) => (i.media ? [i.media.id] : []));
  if (ids.join() !== post.media.map((m) => m.id).join()) body.media_ids = ids;
  const before = new Map(post.media.map((m) => [m.id, m.alt_text ?? '']));
  const altTexts = draft.items.flatMap(({ media, alt }) =>
    media && alt.trim() !== (before.get(media.id) ?? '')
      ? [{ media_id: media.id, alt_text: alt.trim() }]
      : [],
  );
  if (altTexts.length > 0) body.alt_texts = altTexts;
  if (draft.commentsDisabled !== post.comments_disabled) {
    body.comments_disabled = draft.commentsDisabled;
  }
  if (draft.hideLikeCount !== post.hide_like_count) body.hide_like_count = draft.hideLikeCount;
  return body;
}

/** The author's edit form: caption, place, media (order, alt text, add, remove) and settings. */
export function PostEditor({
  post,
  onSaved,
  onCancel,
}: {
  post: Post;
  onSaved: (post: Post) => void;
  onCancel: () => void;
}) {
  const [caption, setCaption] = useState(post.caption);
  const [location, setLocation] = useState<Location | null>(post.location);
  const [commentsDisabled, setCommentsDisabled] = useState(post.comments_disabled);
  const [hideLikeCount, setHideLikeCount] = useState(post.hide_like_count);
  const [items, setItems] = useState<EditItem[]>(() =>
    post.media.map((m, i) => ({
      key: m.id,
      name: `${m.type === 'video' ? 'Video' : 'Photo'} ${i + 1}`,
      preview: m.thumbnail_url,
      media: m,
      alt: m.alt_text ?? '',
      progress: 1,
    })),
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const captionRef = useRef<HTMLTextAreaElement>(null);
  const alive = useRef(true);
  const keepFocus = useMoveFocus(items);
  const id = useId();
  const isReel = post.type === 'reel';

  useEffect(() => {
    captionRef.current?.focus();
    return () => {
      alive.current = false;
    };
  }, []);

  const update = (key: string, change: Partial<EditItem>) =>
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const add = (files: FileList | null) => {
    if (!files) return;
    const room = MAX_MEDIA - items.length;
    const added = [...files].slice(0, Math.max(room, 0)).map((file) => ({
      key: `new-${file.name}-${Math.random()}`,
      name: file.name,
      preview: URL.createObjectURL(file),
      videoPreview: file.type.startsWith('video/'),
      alt: '',
      progress: 0,
      file,
    }));
    setItems((all) => [...all, ...added.map(({ file: _file, ...item }) => item)]);
    for (const item of added) {
      uploadFile<Media>('/api/v1/media', item.file, (p) => update(item.key, { progress: p }))
        .then((media) => untilReady(media, () => alive.current))
        .then((media) => update(item.key, { media, progress: 1 }))
        .catch((err: unknown) => update(item.key, { error: messageOf(err) }));
    }
  };

  const moveItem = (index: number, step: -1 | 1, key: string) => {
    keepFocus(`${id}-${key}-${step === -1 ? 'up' : 'down'}`);
    setItems((all) => move(all, index, step));
  };

  const pending = items.some((i) => !i.media && !i.error);
  const kept = items.filter((i) => i.media);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = editBody(post, {
      caption,
      location,
      items: kept,
      commentsDisabled,
      hideLikeCount,
    });
    if (Object.keys(body).length === 0) return onCancel();
    setBusy(true);
    try {
      const updated = await must(
        api.PATCH('/api/v1/posts/{id}', { params: { path: { id: post.id } }, body }),
      );
      onSaved(updated);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const captionError = error instanceof ApiError ? error.fieldMessage('caption') : undefined;
  const mediaError = error instanceof ApiError ? error.fieldMessage('media_ids') : undefined;

  return (
    <form className="post-editor" onSubmit={save} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        Edit post
      </h2>
      <div className="field">
        <label htmlFor={`${id}-caption`}>Caption</label>
        <textarea
          id={`${id}-caption`}
          ref={captionRef}
          rows={3}
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
          aria-invalid={captionError ? true : undefined}
          aria-describedby={captionError ? `${id}-caption-error` : undefined}
        />
        <FieldError id={`${id}-caption-error`} message={captionError} />
      </div>
      <LocationPicker value={location} onChange={setLocation} />
      <fieldset className="field">
        <legend className="label">Photos and videos</legend>
        <ol className="upload-list" aria-label="Photos and videos in order">
          {items.map((item, index) => (
            <li key={item.key} className={item.error ? 'upload failed' : 'upload'}>
              {item.videoPreview ? (
                <video src={item.preview} muted aria-hidden="true" />
              ) : (
                <img src={item.preview} alt="" />
              )}
              <div className="upload-info">
                <span className="upload-name">{item.name}</span>
                {!item.media && !item.error && (
                  <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
                )}
                {item.error && (
                  <span className="field-error" role="alert">
                    {item.error}
                  </span>
                )}
                <label htmlFor={`${id}-${item.key}-alt`} className="visually-hidden">
                  Alt text for {item.name}
                </label>
                <input
                  id={`${id}-${item.key}-alt`}
                  className="alt-input"
                  value={item.alt}
                  maxLength={1000}
                  placeholder="Alt text: describe it for people who can't see it"
                  onChange={(e) => update(item.key, { alt: e.target.value })}
                />
              </div>
              {!isReel && (
                <div className="upload-buttons">
                  <button
                    type="button"
                    id={`${id}-${item.key}-up`}
                    className="icon-button"
                    aria-label={`Move ${item.name} earlier`}
                    disabled={index === 0}
                    onClick={() => moveItem(index, -1, item.key)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    id={`${id}-${item.key}-down`}
                    className="icon-button"
                    aria-label={`Move ${item.name} later`}
                    disabled={index === items.length - 1}
                    onClick={() => moveItem(index, 1, item.key)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${item.name}`}
                    disabled={kept.length === 1 && Boolean(item.media)}
                    onClick={() => setItems((all) => all.filter((i) => i.key !== item.key))}
                  >
                    ✕
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
        {!isReel && items.length < MAX_MEDIA && (
          <>
            <label htmlFor={`${id}-files`} className="button secondary file-label">
              Add photos or videos
            </label>
            <input
              id={`${id}-files`}
              className="visually-hidden"
              type="file"
              multiple
              accept="image/*,video/*"
              onChange={(e) => {
                add(e.target.files);
                e.target.value = '';
              }}
            />
          </>
        )}
        <FieldError id={`${id}-media-error`} message={mediaError} />
      </fieldset>
      {(
        [
          ['Turn off commenting', commentsDisabled, setCommentsDisabled],
          ['Hide like count', hideLikeCount, setHideLikeCount],
        ] as const
      ).map(([label, checked, set]) => (
        <div key={label} className="field checkbox">
          <label>
            <input type="checkbox" checked={checked} onChange={(e) => set(e.target.checked)} />{' '}
            {label}
          </label>
        </div>
      ))}
      {error !== null && !captionError && !mediaError && (
        <p className="form-error" role="alert">
          {messageOf(error)}
        </p>
      )}
      <button type="submit" className="button primary" disabled={busy || pending}>
        Save changes
      </button>{' '}
      <button type="button" className="button secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
