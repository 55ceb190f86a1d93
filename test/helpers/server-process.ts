import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { entryPointArgs } from './process.js';

/** A port free on loopback right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

export interface ServerProcess {
  process: ChildProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
}

/**
 * `src/server.ts` in a child process on a free loopback port (PUBLIC_URL pointing there) with
 * only `env` and PATH, once /readyz answers 200 (within a minute).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Started outside the project folder, so a developer's .env never reaches it.
  const child = spawn(process.execPath, entryPointArgs('src/server.ts'), {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  // Generous: a loaded CI machine can take many seconds to start tsx and migrate.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { process: child, base, logs: () => logs };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready:\n${logs}`);
}
