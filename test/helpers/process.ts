import { type ChildProcess, execFile, spawn } from 'node:child_process';
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

export interface Running {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Resolves with the first match in stdout, waiting for it up to `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running entry point (the server) with only the given environment (plus PATH). */
export function startEntryPoint(
  entry: string,
  { cwd, env }: { cwd: string; env: Record<string, string> },
): Running {
  const child = spawn(process.execPath, entryPointArgs(entry), {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    stdout: () => stdout,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${pattern} in the output:\n${stdout}${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
