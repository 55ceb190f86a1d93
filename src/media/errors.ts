/** Why an upload was refused: too big, not an accepted type, or unreadable/invalid content. */
export type MediaRejection = 'too_large' | 'unsupported_type' | 'invalid';

/**
 * The one error the media pipeline raises for a file it refuses. It knows nothing of HTTP: the
 * media module turns `kind` into the problem the client gets (413, 415 or 400), `detail` being
 * the message for the client (never a server path).
 */
export class MediaRejected extends Error {
  constructor(
    readonly kind: MediaRejection,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'MediaRejected';
  }
}

export const tooLarge = (detail: string) => new MediaRejected('too_large', detail);
export const unsupportedType = (detail: string) => new MediaRejected('unsupported_type', detail);
export const invalidMedia = (detail: string) => new MediaRejected('invalid', detail);
