import autocannon, { type Request } from 'autocannon';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

/**
 * Runs autocannon against the server(s) for `seconds`; connections are spread over `urls`.
 * Latencies are kept exactly (autocannon's histogram rounds to whole milliseconds).
 */
export async function runLoad(
  urls: string[],
  next: () => Request,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: urls.length === 1 ? urls[0]! : urls,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
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
  };
}

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
