import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, NavLink, useNavigate, useParams } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { postKeys } from '../api/posts';
import type { Location, Media } from '../api/types';
import { untilReady, uploadFile } from '../api/upload';
import { FieldError } from '../components/bits';
import { LocationPicker } from '../components/LocationPicker';
import { storyFeedKey } from '../components/StoriesTray';
import { PersonIcon } from '../components/Tags';
import { type DraftTag, TagEditor } from '../components/TagEditor';
import { move } from '../lib/order';

export const CAPTION_MAX = 2200;
const LIMITS = { post: 10, reel: 1, story: 1 } as const;
type Kind = keyof typeof LIMITS;

interface Item {
  key: string;
  file: File;
  preview: string;
  progress: number;
  media?: Media;
  error?: string;
  tags: DraftTag[];
  /** Describes it for screen readers (the post's `alt_texts`, or the story upload's `alt_text`). */
  alt: string;
}

/** The post's `tags`: every uploaded photo's people, by media id. */
export const tagsOf = (items: readonly Pick<Item, 'media' | 'tags'>[]) =>
  items.flatMap(({ media, tags }) =>
    media?.type === 'image' ? tags.map((tag) => ({ media_id: media.id, ...tag })) : [],
  );

/** The post's `alt_texts`: each uploaded item's description, when it has one. */
export const altTextsOf = (items: readonly Pick<Item, 'media' | 'alt'>[]) =>
  items.flatMap(({ media, alt }) =>
    media && alt.trim() ? [{ media_id: media.id, alt_text: alt.trim() }] : [],
  );

/** Characters as the server counts them (Unicode code points). */
export const captionLength = (caption: string) => [...caption].length;

/** A video still being transcoded is asked about this often until it is ready or failed. */
const PROCESSING_POLL_MS = 2000;

export default function Composer() {
  const { kind: param } = useParams();
  const kind: Kind = param === 'reel' || param === 'story' ? param : 'post';
  const navigate = useNavigate();
  const client = useQueryClient();
  const [items, setItems] = useState<Item[]>([]);
  const [caption, setCaption] = useState('');
  const [location, setLocation] = useState<Location | null>(null);
  const [closeFriends, setCloseFriends] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** The item whose people are being tagged. */
  const [tagging, setTagging] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const captionId = useId();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      items.forEach((i) => URL.revokeObjectURL(i.preview));
    },
    [],
  );

  const update = (key: string, change: Partial<Item>) =>
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const pick = (files: FileList | null) => {
    if (!files) return;
    const room = LIMITS[kind] - items.length;
    const added = [...files].slice(0, Math.max(room, 0)).map((file) => ({
      key: `${file.name}-${file.size}-${Math.random()}`,
      file,
      preview: URL.createObjectURL(file),
      progress: 0,
      tags: [],
      alt: '',
    }));
    setItems((all) => [...all, ...added]);
    if (fileInput.current) fileInput.current.value = '';
    // A story's file goes up when it is shared, with its alt text (POST /media's `alt_text`).
    if (kind === 'story') return;
    for (const item of added) {
      uploadFile<Media>('/api/v1/media', item.file, (p) => update(item.key, { progress: p }))
        .then((media) => {
          update(item.key, { media, progress: 1 });
          if (media.status === 'processing') void untilProcessed(item.key, media.id);
        })
        .catch((err: unknown) => update(item.key, { error: messageOf(err) }));
    }
  };

  /** A video answered 202 is transcoded on the server: poll it until it is ready or failed. */
  const untilProcessed = async (key: string, id: string) => {
    while (mounted.current) {
      await new Promise((resolve) => setTimeout(resolve, PROCESSING_POLL_MS));
      try {
        const media = await must(api.GET('/api/v1/media/{id}', { params: { path: { id } } }));
        if (media.status === 'ready') return update(key, { media });
        if (media.status === 'failed') {
          return update(key, { media: undefined, error: media.failure_reason ?? 'Failed.' });
        }
      } catch (err) {
        return update(key, { error: messageOf(err) });
      }
    }
  };

  const uploading = kind !== 'story' && items.some((i) => i.media?.status !== 'ready' && !i.error);
  const ready =
    items.length > 0 &&
    items.every((i) => (kind === 'story' ? !i.error : i.media?.status === 'ready'));
  const tooLong = captionLength(caption) > CAPTION_MAX;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (kind === 'story') {
        const item = items[0]!;
        const uploaded = await uploadFile<Media>(
          '/api/v1/media',
          item.file,
          (progress) => update(item.key, { progress }),
          'POST',
          { alt_text: item.alt.trim() },
        );
        update(item.key, { media: uploaded });
        const media = await untilReady(uploaded, () => mounted.current);
        await must(
          api.POST('/api/v1/stories', {
            body: { media_id: media.id, audience: closeFriends ? 'close_friends' : 'everyone' },
          }),
        );
        await client.invalidateQueries({ queryKey: storyFeedKey });
        void navigate('/');
        return;
      }
      const mediaIds = items.map((i) => i.media!.id);
      const tags = tagsOf(items);
      const altTexts = altTextsOf(items);
      const post = await must(
        api.POST('/api/v1/posts', {
          body: {
            type: kind,
            media_ids: mediaIds,
            ...(tags.length > 0 ? { tags } : {}),
            ...(altTexts.length > 0 ? { alt_texts: altTexts } : {}),
            ...(caption.trim() ? { caption } : {}),
            ...(location ? { location_id: location.id } : {}),
          },
        }),
      );
      await client.invalidateQueries({ queryKey: postKeys.lists });
      void navigate(`/p/${post.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const captionError = error instanceof ApiError ? error.fieldMessage('caption') : undefined;
  const title = { post: 'New post', reel: 'New reel', story: 'New story' }[kind];
  return (
    <div className="composer page-narrow">
      <nav className="tabs" aria-label="What to create">
        <NavLink to="/create" end>
          Post
        </NavLink>
        <NavLink to="/create/reel">Reel</NavLink>
        <NavLink to="/create/story">Story</NavLink>
      </nav>
      <h1>{title}</h1>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="composer-files" className="button secondary file-label">
            {kind === 'post'
              ? `Add photos or videos (up to ${LIMITS.post})`
              : kind === 'reel'
                ? 'Choose a video'
                : 'Choose a photo or video'}
          </label>
          <input
            id="composer-files"
            ref={fileInput}
            className="visually-hidden"
            type="file"
            multiple={kind === 'post'}
            accept={kind === 'reel' ? 'video/*' : 'image/*,video/*'}
            disabled={items.length >= LIMITS[kind]}
            onChange={(e) => pick(e.target.files)}
          />
          <p className="muted">
            {items.length} of {LIMITS[kind]} selected
          </p>
        </div>
        {items.length > 0 && (
          <ol className="upload-list">
            {items.map((item, index) => (
              <li key={item.key} className={item.error ? 'upload failed' : 'upload'}>
                {item.file.type.startsWith('video/') ? (
                  <video src={item.preview} muted aria-label={`Preview of ${item.file.name}`} />
                ) : (
                  <img src={item.preview} alt={`Preview of ${item.file.name}`} />
                )}
                <div className="upload-info">
                  <span className="upload-name">{item.file.name}</span>
                  <progress
                    max={1}
                    value={item.progress}
                    aria-label={`Upload of ${item.file.name}`}
                  />
                  {item.error ? (
                    <span className="field-error" role="alert">
                      {item.error}
                    </span>
                  ) : (
                    <span className="muted">
                      {item.media?.status === 'processing'
                        ? 'Processing video…'
                        : item.media
                          ? 'Uploaded'
                          : kind === 'story' && !busy
                            ? 'Uploads when you share it'
                            : `${Math.round(item.progress * 100)} %`}
                      {item.tags.length > 0 &&
                        ` · ${item.tags.length} ${item.tags.length === 1 ? 'person' : 'people'} tagged`}
                    </span>
                  )}
                  <label htmlFor={`alt-${item.key}`} className="visually-hidden">
                    Alt text for {item.file.name}
                  </label>
                  <input
                    id={`alt-${item.key}`}
                    className="alt-input"
                    value={item.alt}
                    maxLength={1000}
                    disabled={kind === 'story' && busy}
                    placeholder="Describe this for people who can't see it (alt text)"
                    onChange={(e) => update(item.key, { alt: e.target.value })}
                  />
                </div>
                <div className="upload-buttons">
                  {kind === 'post' && item.media?.type === 'image' && (
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Tag people in ${item.file.name}`}
                      aria-expanded={tagging === item.key}
                      onClick={() => setTagging((key) => (key === item.key ? null : item.key))}
                    >
                      <PersonIcon />
                    </button>
                  )}
                  {kind === 'post' && (
                    <>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Move ${item.file.name} earlier`}
                        disabled={index === 0}
                        onClick={() => setItems((all) => move(all, index, -1))}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Move ${item.file.name} later`}
                        disabled={index === items.length - 1}
                        onClick={() => setItems((all) => move(all, index, 1))}
                      >
                        ↓
                      </button>
                    </>
                  )}
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${item.file.name}`}
                    onClick={() => setItems((all) => all.filter((i) => i.key !== item.key))}
                  >
                    ✕
                  </button>
                </div>
              </li>
            ))}
          </ol>
        )}
        {items
          .filter((item) => item.key === tagging && item.media?.type === 'image')
          .map((item) => (
            <TagEditor
              key={item.key}
              src={item.preview}
              name={item.file.name}
              tags={item.tags}
              onChange={(tags) => update(item.key, { tags })}
            />
          ))}
        {kind === 'story' && (
          <div className="field checkbox">
            <label>
              <input
                type="checkbox"
                checked={closeFriends}
                onChange={(e) => setCloseFriends(e.target.checked)}
              />{' '}
              Close friends only (<Link to="/accounts/close-friends">edit list</Link>)
            </label>
          </div>
        )}
        {kind !== 'story' && (
          <>
            <div className="field">
              <label htmlFor={captionId}>Caption</label>
              <textarea
                id={captionId}
                rows={4}
                value={caption}
                onChange={(e) => setCaption(e.target.value)}
                aria-invalid={tooLong || captionError ? true : undefined}
                aria-describedby={`${captionId}-count${captionError ? ` ${captionId}-error` : ''}`}
              />
              <p id={`${captionId}-count`} className={tooLong ? 'counter over' : 'counter'}>
                {captionLength(caption).toLocaleString('en')} / {CAPTION_MAX.toLocaleString('en')}
              </p>
              <FieldError id={`${captionId}-error`} message={captionError} />
            </div>
            <LocationPicker value={location} onChange={setLocation} />
          </>
        )}
        {error !== null && !captionError && (
          <p className="form-error" role="alert">
            {messageOf(error)}
          </p>
        )}
        <button
          type="submit"
          className="button primary wide"
          disabled={!ready || uploading || tooLong || busy}
        >
          {kind === 'story' ? 'Share to story' : 'Share'}
        </button>
      </form>
    </div>
  );
}
