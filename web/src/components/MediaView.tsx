import { decode } from 'blurhash';
import { useMemo, useState } from 'react';
import type { Media } from '../api/types';
import { failedUrl, useSignedMediaRecovery } from '../lib/signed-media';

const cache = new Map<string, string>();

/** The blurhash as a tiny data: URL (allowed by the CSP's img-src), computed once per hash. */
function blurhashUrl(hash: string | null): string | undefined {
  if (!hash) return undefined;
  const known = cache.get(hash);
  if (known) return known;
  try {
    const pixels = decode(hash, 32, 32);
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 32;
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    const image = context.createImageData(32, 32);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
    const url = canvas.toDataURL();
    cache.set(hash, url);
    return url;
  } catch {
    return undefined;
  }
}

interface Props {
  media: Media;
  alt: string;
  eager?: boolean;
  /** Grid tiles use the thumbnail only. */
  thumbnail?: boolean;
}

/** One photo (srcset of thumbnail and display size, blurhash until loaded) or an inline muted video. */
export function MediaView({ media, alt, eager = false, thumbnail = false }: Props) {
  const [loaded, setLoaded] = useState(false);
  const recover = useSignedMediaRecovery();
  const placeholder = useMemo(() => blurhashUrl(media.blurhash), [media.blurhash]);
  const ratio = `${media.width} / ${media.height}`;
  if (media.type === 'video' && !thumbnail) {
    return (
      <video
        className="media"
        style={{ aspectRatio: ratio }}
        src={media.url}
        poster={media.poster_url ?? media.thumbnail_url}
        aria-label={alt}
        muted
        controls
        playsInline
        loop
        preload="metadata"
        onError={(event) => recover(failedUrl(event))}
      />
    );
  }
  return (
    <img
      className="media"
      style={{
        aspectRatio: thumbnail ? undefined : ratio,
        backgroundImage: !loaded && placeholder ? `url(${placeholder})` : undefined,
      }}
      src={thumbnail || media.type === 'video' ? media.thumbnail_url : media.url}
      srcSet={
        thumbnail || media.type === 'video'
          ? undefined
          : `${media.thumbnail_url} 320w, ${media.url} ${media.width}w`
      }
      sizes={thumbnail ? undefined : '(min-width: 640px) 470px, 100vw'}
      width={media.width}
      height={media.height}
      alt={media.alt_text ?? alt}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
      onLoad={() => setLoaded(true)}
      onError={(event) => recover(failedUrl(event))}
    />
  );
}
