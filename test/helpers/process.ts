import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `node` arguments that run one of the project's TypeScript entry points (e.g. src/server.ts)
 * from any working directory. Tests start processes in their own temp folder, so a developer's
 * `.env` in the project folder never reaches them.
 */
export const entryPointArgs = (entry: string, ...args: string[]) => [
  '--import',
  import.meta.resolve('tsx'),
  path.join(ROOT, entry),
  ...args,
];

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an entry point to its end with only the given environment (plus PATH). */
export function runEntryPoint(
  entry: string,
  args: string[],
  { cwd, env }: { cwd: string; env: Record<string, string> },
): Promise<Exited> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      entryPointArgs(entry, ...args),
      { cwd, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
    );
  });
}
