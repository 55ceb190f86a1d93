import type { Db } from '../../src/db/client.js';
import { type Answer, quantile } from './load.js';

/** Fan-out lag of one class of authors, in ms from the post's 201 to its timeline rows. */
export interface LagResult {
  /** Accepted followers of the class's author(s) when the run started. */
  followers: number;
  posts: number;
  p50: number;
  p99: number;
  max: number;
  /** Tracked posts whose rows had not appeared after the timeout. */
  missed: number;
}

/** Lag per class of author: "popular" is bench_1, "regular" everyone else. */
export type FanOutLag = Partial<Record<'regular' | 'popular', LagResult>>;

interface Pending {
  postId: number;
  probe: number;
  at: number;
  popular: boolean;
}

const MAX_PENDING_PER_CLASS = 16;
const TIMEOUT_MS = 60_000;

/**
 * Watches the home timeline for the posts created during a load. A post's fan-out writes its
 * followers' rows in batches by ascending follower id (timeline.repository.ts, fanOutPost), so
 * the row of the author's highest follower id (a seeded account the follow toggle never
 * unfollows) appearing is the last follower's row appearing. At most 16 posts per
 * class are watched at a time, so polling stays cheap however fast posts are created.
 */
export function createLagTracker(db: Db, popularId: number, pollMs = 5) {
  const probes = new Map<number, Promise<number | undefined>>();
  const pending: Pending[] = [];
  const lags = { regular: [] as number[], popular: [] as number[] };
  const missed = { regular: 0, popular: 0 };
  /** From each popular post's 201 to its rows being seen: when its fan-out may be running. */
  const popularSpans: Span[] = [];
  let polling = false;

  const probeOf = (authorId: number) => {
    let probe = probes.get(authorId);
    if (!probe) {
      probe = db
        .selectFrom('follows')
        .select((eb) => eb.fn.max('follower_id').as('id'))
        .where('following_id', '=', authorId)
        .where('status', '=', 'accepted')
        .executeTakeFirst()
        .then((row) => (row?.id == null ? undefined : Number(row.id)));
      probes.set(authorId, probe);
    }
    return probe;
  };

  async function poll() {
    if (polling || pending.length === 0) return;
    polling = true;
    try {
      const found = await db
        .selectFrom('home_timeline')
        .select('post_id')
        .where((eb) =>
          eb.or(
            pending.map((p) => eb.and([eb('user_id', '=', p.probe), eb('post_id', '=', p.postId)])),
          ),
        )
        .execute();
      const now = performance.now();
      const seen = new Set(found.map((r) => Number(r.post_id)));
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i]!;
        const name = p.popular ? 'popular' : 'regular';
        if (seen.has(p.postId)) {
          lags[name].push(now - p.at);
          if (p.popular) popularSpans.push({ start: p.at, end: now });
        } else if (now - p.at > TIMEOUT_MS) missed[name]++;
        else continue;
        pending.splice(i, 1);
      }
    } finally {
      polling = false;
    }
  }
  const timer = setInterval(() => void poll(), pollMs);

  return {
    /** A 201 from POST /posts: watch its fan-out if its class has room. */
    track(body: string, at: number) {
      const post = JSON.parse(body) as { id: string; author: { id: string } };
      const authorId = Number(post.author.id);
      const popular = authorId === popularId;
      if (pending.filter((p) => p.popular === popular).length >= MAX_PENDING_PER_CLASS) return;
      void probeOf(authorId).then((probe) => {
        if (probe !== undefined) pending.push({ postId: Number(post.id), probe, at, popular });
      });
    },
    /** Resolves once every watched post's rows are in (or timed out). */
    async settle() {
      // The probe lookup of the last tracked post may still be on its way.
      await Promise.all(probes.values());
      while (pending.length > 0) await new Promise((r) => setTimeout(r, pollMs));
    },
    /** The popular author's fan-outs seen so far, as spans of performance.now() time. */
    popularSpans: () => popularSpans,
    /** Stops polling and summarises, given each class's follower count. */
    async finish(followers: { regular: number; popular: number }): Promise<FanOutLag> {
      await this.settle();
      clearInterval(timer);
      const out: FanOutLag = {};
      for (const name of ['regular', 'popular'] as const) {
        const list = lags[name].sort((a, b) => a - b);
        if (list.length === 0 && missed[name] === 0) continue;
        const round = (ms: number) => Math.round(ms * 10) / 10;
        out[name] = {
          followers: followers[name],
          posts: list.length,
          p50: round(quantile(list, 0.5)),
          p99: round(quantile(list, 0.99)),
          max: round(list.at(-1) ?? 0),
          missed: missed[name],
        };
      }
      return out;
    },
  };
}

export interface Span {
  start: number;
  end: number;
}

/** p99 of the other endpoints' requests: all, those that overlapped a popular fan-out, the rest. */
export interface FanOutImpact {
  all: { requests: number; p99: number };
  during: { requests: number; p99: number };
  otherwise: { requests: number; p99: number };
  /**
   * all.p99 / otherwise.p99: how much the popular fan-outs raised the run's p99 (the rest
   * standing in for the same run without them); null when either side has no request.
   */
  raised: number | null;
}

/** A popular fan-out may raise other endpoints' p99 by at most this much (issue #21 §1). */
export const FAN_OUT_IMPACT_LIMIT = 1.2;

/**
 * Splits the answers of every endpoint but post creation into those whose request overlapped
 * a popular author's fan-out and the rest, and compares their p99: one run, so both sides see
 * the same machine, data and load.
 */
export function fanOutImpact(answers: readonly Answer[], spans: readonly Span[]): FanOutImpact {
  const during: number[] = [];
  const otherwise: number[] = [];
  for (const answer of answers) {
    if (answer.tag === 'post-create') continue;
    const start = answer.end - answer.ms;
    const overlaps = spans.some((s) => s.start < answer.end && s.end > start);
    (overlaps ? during : otherwise).push(answer.ms);
  }
  const side = (list: number[]) => {
    list.sort((a, b) => a - b);
    return { requests: list.length, p99: Math.round(quantile(list, 0.99) * 100) / 100 };
  };
  const all = side([...during, ...otherwise]);
  const [a, b] = [side(during), side(otherwise)];
  const raised =
    a.requests === 0 || b.requests === 0 || b.p99 === 0
      ? null
      : Math.round((all.p99 / b.p99) * 100) / 100;
  return { all, during: a, otherwise: b, raised };
}

/** Accepted followers of a user. */
export async function followerCount(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('following_id', '=', userId)
    .where('status', '=', 'accepted')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits until no job is queued (the fan-outs and backfills a load left behind); returns seconds. */
export async function drainJobs(db: Db, limitSeconds = 300): Promise<number> {
  const started = performance.now();
  for (;;) {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    const seconds = (performance.now() - started) / 1000;
    if (Number(row.n) === 0) return Math.round(seconds * 10) / 10;
    if (seconds > limitSeconds) throw new Error(`jobs still queued after ${limitSeconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
