import type { AppDeps } from '../../deps.js';
import type { JobHandlers } from '../../jobs/runner.js';
import { createLimiter } from '../../media/semaphore.js';
import { PROCESS_MEDIA, processQueuedVideo, sweepUnattachedMedia } from './media.service.js';
import { sweepStaleUploads, uploadTempDir } from './receive-upload.js';

export const SWEEP_MEDIA = 'media.sweep';
export { PROCESS_MEDIA };
/** Partial files in the disk media store older than this are left by a dead process. */
const PARTIAL_FILE_AGE_MS = 60 * 60 * 1000;

/**
 * Video processing, and retention: unattached uploads past their TTL, temp uploads and work
 * folders a crash left behind, partial files in the media store.
 */
export function mediaJobHandlers(
  deps: AppDeps,
  log: { error(obj: object, msg: string): void },
): JobHandlers {
  // Per process, shared by this process's workers and the uploads that run their job at once.
  const transcodes = createLimiter(deps.config.videoConcurrency);
  return {
    async [PROCESS_MEDIA](payload, attempt) {
      const { media_id } = payload as { media_id: number };
      await processQueuedVideo(deps, media_id, { transcodes, lastAttempt: attempt?.last ?? true });
    },
    async [SWEEP_MEDIA]() {
      const onError = (err: unknown) => log.error({ err }, 'media sweep: file delete failed');
      await sweepUnattachedMedia(deps, { onError });
      await sweepStaleUploads(uploadTempDir(deps.config));
      await deps.storage.sweepPartialFiles(PARTIAL_FILE_AGE_MS);
    },
  };
}
