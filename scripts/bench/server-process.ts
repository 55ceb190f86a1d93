import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  pid: number;
  url: string;
  /** Peak resident set size so far, in MiB (VmHWM from /proc, so short peaks are not missed). */
  peakRssMb(): Promise<number | null>;
  /** Resident set size now, in MiB (VmRSS). */
  rssMb(): Promise<number | null>;
  /** CPU time (user + system) the process has used so far, in seconds; null off Linux. */
  cpuSeconds(): Promise<number | null>;
  stop(): Promise<void>;
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** USER_HZ: /proc reports CPU times in ticks of 1/100 s on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

const live = new Set<ChildProcess>();
/** Never leave a server behind, however the benchmark ends. */
process.once('exit', () => {
  for (const child of live) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

/**
 * How to start the server: the compiled `dist/server.js`, as production does, or the sources
 * through the tsx loader (no build, but the loader adds ~60 MiB of RSS, so not for figures).
 */
export type ServerEntry = 'dist' | 'tsx';

/** Compiles src/ to dist/ (`npm run build`) so the benchmark measures what production runs. */
export async function buildDist(): Promise<void> {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build failed (exit code ${String(code)})`);
}

/**
 * Node flags the bench gives every server process: the production image's NODE_OPTIONS, read
 * from the Dockerfile so the two cannot differ. Without an old-space limit V8 sizes the heap
 * for the host's 24 GiB and lets garbage reach ~120 MiB between full collections (peak RSS
 * 208-229 MiB under the bench); with the image's budget the peak was 137 MiB at the same
 * throughput (docs/BENCHMARKS.md).
 */
export const SERVER_NODE_FLAGS = imageNodeOptions();

function imageNodeOptions(): string[] {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const match = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (!match) throw new Error('Dockerfile: no ENV NODE_OPTIONS="…" line for the bench to use');
  return match[1]!.split(/\s+/).filter(Boolean);
}

async function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status && new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : null;
}
/**
 * What node runs for each server: Photogram (compiled or through tsx) or the raw reference
 * server (scripts/bench/raw/), which is loaded through tsx: the loader only compiles the few
 * files at start-up, but it adds ~60 MiB of RSS, so compare its CPU and latency, not memory.
 */
const ENTRY_ARGS: Record<ServerEntry | 'raw', string[]> = {
  dist: ['./dist/server.js'],
  tsx: ['--import', 'tsx', './src/server.ts'],
  raw: ['--import', 'tsx', './scripts/bench/raw/server.ts'],
};

/** Starts the server as its own process and waits until /healthz answers. */
export async function startServer(
  env: Record<string, string | undefined>,
  entry: ServerEntry | 'raw',
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      ...nodeArgs,
      ...ENTRY_ARGS[entry].map((a) => (a.startsWith('./') ? path.join(ROOT, a) : a)),
    ],
    {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.once('exit', () => live.delete(child));
  const pid = child.pid!;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(r, 100, 'waiting'))]);
    if (early !== 'waiting')
      throw new Error(`the server exited during start-up (code ${String(early)})`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      throw new Error('the server did not answer /healthz within 60 s');
    }
  }

  return {
    pid,
    url,
    peakRssMb: () => statusMb(pid, 'VmHWM'),
    rssMb: () => statusMb(pid, 'VmRSS'),
    async cpuSeconds() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : null;
    },
    async stop() {
      if (!live.has(child)) return;
      // SIGTERM first: close-with-grace shuts down cleanly (and --cpu-prof writes its profile).
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => live.has(child) && process.kill(pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
