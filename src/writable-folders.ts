import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';

/** The folders this process writes to, by the variable that sets each. */
export const foldersToWrite = (config: Pick<Config, 'dataDir' | 'mediaDir' | 's3'>) => ({
  DATA_DIR: config.dataDir,
  // With S3 storage, media never touch the disk (uploads stream through DATA_DIR/tmp).
  ...(config.s3 ? {} : { MEDIA_DIR: config.mediaDir }),
});

/**
 * Creates each folder if missing and writes a probe file in it, so a folder the process cannot
 * write stops the start with one line instead of failing every upload later with a 500. A real
 * write, not access(): root passes access checks on read-only mounts.
 */
export async function checkWritableFolders(folders: Record<string, string>): Promise<void> {
  const problems: string[] = [];
  for (const [variable, dir] of Object.entries(folders)) {
    try {
      await mkdir(dir, { recursive: true });
      const probe = path.join(dir, `.write-check-${randomBytes(6).toString('hex')}`);
      await writeFile(probe, '');
      await rm(probe);
    } catch (error) {
      // "ENOTDIR: not a directory, mkdir '/x'" → "ENOTDIR: not a directory": the path is named already.
      problems.push(
        `${variable} ${dir} is not writable (${(error as Error).message.split(',')[0]})`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}
