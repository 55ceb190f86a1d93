import type { AppDeps } from '../../deps.js';
import type { JobHandlers } from '../../jobs/runner.js';
import { sweepUnattachedMedia } from './media.service.js';
import { sweepStaleUploads, uploadTempDir } from './receive-upload.js';

export const SWEEP_MEDIA = 'media.sweep';

/** Retention: unattached uploads past their TTL, and temp uploads a crash left behind. */
export function mediaJobHandlers(
  deps: AppDeps,
  log: { error(obj: object, msg: string): void },
): JobHandlers {
  return {
    async [SWEEP_MEDIA]() {
      const onError = (err: unknown) => log.error({ err }, 'media sweep: file delete failed');
      await sweepUnattachedMedia(deps, { onError });
      await sweepStaleUploads(uploadTempDir(deps.config));
    },
  };
}
