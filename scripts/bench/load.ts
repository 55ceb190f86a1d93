import autocannon, { type Request } from 'autocannon';
import type { TaggedRequest } from './scenarios.js';

export interface EndpointResult {
  requests: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Per endpoint (request tag), when the scenario mixes several. */
  endpoints?: Record<string, EndpointResult>;
  /** Every answer, when asked for (`keepAnswers`). */
  answers?: Answer[];
}

/** One answer: its endpoint, latency, and when it arrived (performance.now()). */
export interface Answer {
  tag: string;
  ms: number;
  end: number;
}

/** Called with each 201 answer's body and the time it arrived (performance.now()). */
export type OnCreated = (tag: string, body: string, at: number) => void;

interface Context {
  tag?: string;
}

/**
 * Runs autocannon against the server(s) for `seconds`; connections are spread over `urls`.
 * Latencies are kept exactly (autocannon's histogram rounds to whole milliseconds).
 */
export async function runLoad(
  urls: string[],
  next: () => TaggedRequest,
  seconds: number,
  connections: number,
  onCreated?: OnCreated,
  keepAnswers = false,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const answers: Answer[] = [];
  const byTag = new Map<string, number[]>();
  // autocannon calls onResponse and then, synchronously, emits 'response' (which carries the
  // latency) for the same answer; the request's tag rides on the connection's context between.
  let answered = '';
  const instance = autocannon({
    url: urls.length === 1 ? urls[0]! : urls,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (request, context: Context) => {
          const { tag, ...rest } = next();
          context.tag = tag;
          return { ...request, ...rest };
        },
        onResponse: (status, body, context: Context) => {
          answered = context.tag ?? '';
          if (status === 201 && onCreated) onCreated(answered, body, performance.now());
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (keepAnswers) answers.push({ tag: answered, ms, end: performance.now() });
    let list = byTag.get(answered);
    if (!list) byTag.set(answered, (list = []));
    list.push(ms);
  });
  const result = await instance;
  const endpoints =
    byTag.size > 1
      ? Object.fromEntries(
          [...byTag].map(([tag, list]) => {
            list.sort((a, b) => a - b);
            const p = (q: number) => round(quantile(list, q));
            return [tag, { requests: list.length, p50: p(0.5), p99: p(0.99) }];
          }),
        )
      : undefined;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => quantile(latencies, q);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]),
  );
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / result.duration),
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    ...(endpoints ? { endpoints } : {}),
    ...(keepAnswers ? { answers } : {}),
  };
}

/** The q-quantile of sorted values (0 for none). */
export const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Statements per request, from the Server-Timing header of a few plain requests. Returns the
 * distinct counts seen (one number when the count is constant, as it should be).
 */
export async function sampleStatements(url: string, next: () => Request, samples = 8) {
  const counts = new Set<number>();
  for (let i = 0; i < samples; i++) {
    const request = next();
    const response = await fetch(url + request.path!, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    await response.arrayBuffer();
    if (!response.ok) {
      throw new Error(
        `${request.method} ${request.path} answered ${response.status} while sampling`,
      );
    }
    const match = /queries=(\d+)/.exec(response.headers.get('server-timing') ?? '');
    if (!match) throw new Error('no Server-Timing header: is SERVER_TIMING=1 set for the server?');
    counts.add(Number(match[1]));
  }
  return [...counts].sort((a, b) => a - b);
}
