import {
  createLagTracker,
  drainJobs,
  type FanOutImpact,
  fanOutImpact,
  type FanOutLag,
} from './fanout.js';
import { type LoadResult, runLoad } from './load.js';
import type { TaggedRequest } from './scenarios.js';
import type { ServerProcess } from './server-process.js';
import type { Db } from '../../src/db/client.js';

/** RSS may grow at most this much from the end of the first window to the end of any later one. */
export const SOAK_RSS_GROWTH_LIMIT = 0.1;

export interface SoakWindow extends Pick<LoadResult, 'requests' | 'rps' | 'p50' | 'p99'> {
  /** Seconds since the soak began, at the window's end. */
  endsAt: number;
  /** Resident set size at the window's end, the largest of the server processes, in MiB. */
  rssMb: number | null;
  non2xx: number;
  errors: number;
  fanOutLag?: FanOutLag;
  popularImpact: FanOutImpact;
}

export interface SoakReport {
  seconds: number;
  windowSeconds: number;
  windows: SoakWindow[];
  /** Largest (RSS at a later window's end − at the first's) / at the first's; null without /proc. */
  rssGrowth: number | null;
  withinRssLimit: boolean | null;
}

export interface SoakOptions {
  urls: string[];
  servers: ServerProcess[];
  connections: number;
  seconds: number;
  windowSeconds: number;
  /** A fresh request generator for a window (the mixed scenario). */
  load: () => () => TaggedRequest;
  /** Tops up the media the window's post creations consume, before it starts. */
  beforeWindow: (seconds: number) => Promise<void>;
  /** For fan-out lag per window. */
  db: Db;
  popularId: number;
  followers: { regular: number; popular: number };
}

/**
 * Runs the load for `seconds` as back-to-back windows and records each window's throughput,
 * latency and the servers' RSS at its end: a leak shows as RSS that keeps climbing after the
 * first window (the heap's warm-up), a slowdown as a rising p99.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const windows: SoakWindow[] = [];
  const started = performance.now();
  for (let done = 0; done < options.seconds;) {
    const seconds = Math.min(options.windowSeconds, options.seconds - done);
    await options.beforeWindow(seconds);
    const tracker = createLagTracker(options.db, options.popularId);
    const { answers, ...result } = await runLoad(
      options.urls,
      options.load(),
      seconds,
      options.connections,
      (tag, body, at) => tag === 'post-create' && tracker.track(body, at),
      true,
    );
    const fanOutLag = await tracker.finish(options.followers);
    const popularImpact = fanOutImpact(answers!, tracker.popularSpans());
    done += seconds;
    const rss = await Promise.all(options.servers.map((s) => s.rssMb()));
    windows.push({
      endsAt: Math.round((performance.now() - started) / 1000),
      requests: result.requests,
      rps: result.rps,
      p50: result.p50,
      p99: result.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      rssMb: rss.some((r) => r === null) ? null : Math.max(...(rss as number[])),
      fanOutLag,
      popularImpact,
    });
    const last = windows.at(-1)!;
    console.error(
      `soak ${last.endsAt} s: ${last.rps} req/s, p99 ${last.p99} ms, RSS ${last.rssMb ?? '?'} MiB`,
    );
  }
  await drainJobs(options.db);
  const [first, ...later] = windows.map((w) => w.rssMb);
  const rssGrowth =
    first == null || later.length === 0 || later.includes(null)
      ? null
      : Math.round(((Math.max(...(later as number[])) - first) / first) * 1000) / 1000;
  return {
    seconds: options.seconds,
    windowSeconds: options.windowSeconds,
    windows,
    rssGrowth,
    withinRssLimit: rssGrowth === null ? null : rssGrowth <= SOAK_RSS_GROWTH_LIMIT,
  };
}

export function printSoak(soak: SoakReport): void {
  console.log(`\nsoak: mixed for ${soak.seconds} s in ${soak.windowSeconds} s windows`);
  console.log('ends at s   req/s   p50 ms   p99 ms  RSS MiB  non-2xx');
  for (const w of soak.windows) {
    console.log(
      `${String(w.endsAt).padStart(9)}  ${String(w.rps).padStart(6)}  ${w.p50.toFixed(2).padStart(7)}  ${w.p99.toFixed(2).padStart(7)}  ${String(w.rssMb ?? '?').padStart(7)}  ${String(w.non2xx).padStart(7)}`,
    );
  }
  const growth = soak.rssGrowth === null ? '?' : `${(soak.rssGrowth * 100).toFixed(1)} %`;
  const verdict = soak.withinRssLimit === false ? 'OVER the limit' : 'within the limit';
  console.log(
    `RSS growth after the first window: ${growth} (${verdict} of ${SOAK_RSS_GROWTH_LIMIT * 100} %)`,
  );
}
