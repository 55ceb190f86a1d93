import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FAN_OUT_IMPACT_LIMIT, type FanOutImpact, type FanOutLag } from './fanout.js';
import type { LoadResult } from './load.js';
import type { ScenarioName } from './scenarios.js';
import type { SoakReport } from './soak.js';

export interface ScenarioReport extends LoadResult {
  statements: number[];
  /** 1-minute load average just before the scenario: > nproc means the figures are noisy. */
  loadBefore: number;
  /**
   * Server CPU time per answered request, in µs (all server processes): what a request costs
   * whatever else the machine is doing, so 1e6 / cpuUsPerRequest is the rate one free core
   * would sustain. Null where /proc is not available.
   */
  cpuUsPerRequest: number | null;
  /** Scenarios that create posts: commit → followers' timeline rows, sampled during the load. */
  fanOutLag?: FanOutLag;
  /**
   * `mixed`: p99 of the other endpoints' requests that overlapped a popular author's fan-out,
   * against the rest of the run.
   */
  popularImpact?: FanOutImpact;
  /** How long the jobs the load queued (fan-outs, backfills) took to drain after it. */
  jobsDrainSeconds: number;
}

export interface RunReport {
  users: number;
  dialect: 'sqlite' | 'mysql';
  feedMode: string;
  workers: number;
  connections: number;
  duration: number;
  seed: { seconds: number; bytes: number } | null;
  scenarios: Partial<Record<ScenarioName, ScenarioReport>>;
  peakRssMb: number | null;
  /** Fan-out lag with the server otherwise idle (when a scenario creates posts). */
  fanOutLag?: FanOutLag;
  /** `--soak`: the mixed scenario per window. */
  soak?: SoakReport;
  /** `--with-raw`: the same scenarios on the raw reference server (scripts/bench/raw/). */
  raw?: Partial<Record<ScenarioName, ScenarioReport>>;
  rawPeakRssMb?: number | null;
  /** Photogram's req/s as a percentage of the raw server's, per scenario. */
  percentOfRaw?: Partial<Record<ScenarioName, number>>;
}

/** Photogram's throughput as a percentage of the raw server's, per scenario both ran. */
export function percentOfRaw(run: RunReport): Partial<Record<ScenarioName, number>> {
  const out: Partial<Record<ScenarioName, number>> = {};
  for (const [name, s] of Object.entries(run.scenarios) as [ScenarioName, ScenarioReport][]) {
    const raw = run.raw?.[name];
    if (raw && raw.rps > 0) out[name] = Math.round((100 * s.rps) / raw.rps);
  }
  return out;
}

export const machine = () => ({
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  ramGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
});

export function printRun(run: RunReport) {
  const seconds = run.soak ? `soak ${run.soak.seconds} s` : `${run.duration} s`;
  const head = `${run.dialect}, ${run.users} users, feed mode ${run.feedMode}, ${run.workers} process(es), ${run.connections} connections, ${seconds}`;
  const rawColumns = (name: string) => {
    const raw = run.raw?.[name as ScenarioName];
    const percent = run.percentOfRaw?.[name as ScenarioName];
    return raw
      ? [String(raw.rps), raw.p99.toFixed(2), raw.statements.join('/'), `${percent ?? '?'} %`]
      : ['', '', '', ''];
  };
  const rows = Object.entries(run.scenarios).map(([name, s]) => [
    name,
    String(s.rps),
    s.p50.toFixed(2),
    s.p99.toFixed(2),
    String(s.non2xx),
    String(s.errors),
    s.statements.join('/'),
    s.cpuUsPerRequest === null ? '?' : String(s.cpuUsPerRequest),
    s.loadBefore.toFixed(2),
    ...(run.raw ? rawColumns(name) : []),
  ]);
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'SQL/req',
    'CPU µs/req',
    'load',
    ...(run.raw ? ['raw req/s', 'raw p99', 'raw SQL/req', 'of raw'] : []),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${head}`);
  if (rows.length > 0) console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const [name, s] of Object.entries(run.scenarios)) {
    if (!s.endpoints) continue;
    console.log(`${name}, per endpoint:`);
    for (const [tag, e] of Object.entries(s.endpoints)) {
      const share = ((100 * e.requests) / s.requests).toFixed(1);
      console.log(
        `  ${tag.padEnd(12)} ${String(e.requests).padStart(8)} (${share.padStart(4)} %)  p50 ${e.p50.toFixed(2)} ms  p99 ${e.p99.toFixed(2)} ms`,
      );
    }
  }
  const lags: [string, FanOutLag | undefined][] = [
    ['idle', run.fanOutLag],
    ...Object.entries(run.scenarios).map(([n, s]) => [n, s.fanOutLag] as [string, FanOutLag]),
  ];
  for (const [when, lag] of lags) {
    for (const [kind, l] of Object.entries(lag ?? {})) {
      console.log(
        `fan-out lag (${when}, ${kind} author, ${l.followers} followers): ${l.posts} posts, p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms, missed ${l.missed}`,
      );
    }
  }
  for (const [name, s] of Object.entries(run.scenarios)) {
    const impact = s.popularImpact;
    if (!impact) continue;
    const verdict =
      impact.raised === null
        ? 'no overlap seen'
        : impact.raised <= FAN_OUT_IMPACT_LIMIT
          ? 'ok'
          : 'OVER';
    const side = (x: { requests: number; p99: number }) => `${x.p99} ms (${x.requests} requests)`;
    console.log(
      `${name}: p99 of the other endpoints ${side(impact.all)}; overlapping a popular fan-out ${side(impact.during)}, the rest ${side(impact.otherwise)}: raised ×${impact.raised ?? '?'} (limit ×${FAN_OUT_IMPACT_LIMIT}, ${verdict})`,
    );
  }
  console.log(`peak RSS per server process: ${run.peakRssMb ?? '?'} MiB`);
  if (run.raw) {
    const failed = Object.entries(run.raw).filter(([, s]) => s.non2xx > 0 || s.errors > 0);
    console.log(
      `raw reference server: peak RSS ${run.rawPeakRssMb ?? '?'} MiB (through the tsx loader), non-2xx/errors in ${failed.map(([n]) => n).join(', ') || 'none'}`,
    );
  }
}

/** How p50/p99 of feed and profile move from the smallest data set to each larger one (per feed mode). */
export function scaling(runs: RunReport[]) {
  const out: Record<string, Record<string, number>> = {};
  for (const run of runs) {
    const base = runs.find((r) => r.feedMode === run.feedMode);
    if (!base || base === run || base.users === run.users) continue;
    for (const name of ['feed', 'profile'] as const) {
      const a = base.scenarios[name];
      const b = run.scenarios[name];
      if (!a || !b) continue;
      out[`${name} (${run.feedMode}) ${base.users} → ${run.users} users`] = {
        p50Ratio: Math.round((b.p50 / a.p50) * 100) / 100,
        p99Ratio: Math.round((b.p99 / a.p99) * 100) / 100,
      };
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

export async function writeResults(root: string, body: object): Promise<string> {
  const dir = path.join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  // ISO 8601 with the colons swapped for dashes: sorts by time and is a valid file name everywhere.
  const file = path.join(dir, `${new Date().toISOString().replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
