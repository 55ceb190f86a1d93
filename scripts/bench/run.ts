import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { assertKnown, intArg, parseArgs, stringArg } from './args.js';
import { type BenchDatabase, freshBenchDatabase } from './bench-database.js';
import { writeChart } from './chart.js';
import { BENCH_PASSWORD, DEFAULT_SHAPE, username } from './dataset.js';
import {
  createLagTracker,
  drainJobs,
  type FanOutLag,
  fanOutImpact,
  followerCount,
} from './fanout.js';
import { benchUserIds, fillMediaPool, followTargets } from './fixture.js';
import { type OnCreated, runLoad, sampleStatements } from './load.js';
import {
  machine,
  percentOfRaw,
  printRun,
  type RunReport,
  scaling,
  writeResults,
} from './report.js';
import {
  CREATES_POSTS,
  type Fixture,
  parseScenarios,
  scenario,
  SCENARIOS,
  type ScenarioName,
} from './scenarios.js';
import { printSoak, runSoak } from './soak.js';
import { formatBytes, seedDatabase, SHAPE_FLAGS, shapeFromArgs } from './seed.js';
import { buildDist, type ServerEntry, type ServerProcess, startServer } from './server-process.js';
import type { SeedShape } from './dataset.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOGINS = 32;
/** The bench's data set: the issue's, plus bench_1 with 10,000 followers for the fan-out lag. */
const BENCH_SHAPE = { ...DEFAULT_SHAPE, popular: 10_000 };
/** Posts created per second the media pool is sized for (one image row per post). */
const POSTS_PER_SECOND: Partial<Record<ScenarioName, number>> = { 'post-create': 2500, mixed: 300 };
/** Posts per author in the fan-out lag measurement on an otherwise idle server. */
const IDLE_LAG_POSTS = 10;

interface BenchOptions {
  shape: SeedShape;
  databaseUrl: string | undefined;
  seed: boolean;
  scenarios: ScenarioName[];
  duration: number;
  warmup: number;
  connections: number;
  workers: number;
  feedMode: string | undefined;
  cpuProf: boolean;
  entry: ServerEntry;
  /** `--soak SECONDS`: only `mixed`, for that long, reported per window of `soakWindow` s. */
  soak: number | null;
  soakWindow: number;
  withRaw: boolean;
}

const USAGE = `usage: npm run bench -- [seed flags: --users --follows --posts --media --likes --comments --locations --popular 10000]
  [--duration 15] [--warmup 3] [--connections 32] [--scenarios ${SCENARIOS.join(',')}] [--workers 1]
  [--database-url mysql://user@host:port/any] [--no-seed] [--scale[=20000]] [--feed-mode timeline|read|timeline,read]
  [--cpu-prof] [--tsx (run src/ through tsx instead of building dist/)]
  [--soak SECONDS [--soak-window 300] (mixed only; RSS and p99 per window)]
  [--with-raw (then the same scenarios on the raw reference server, scripts/bench/raw/)]`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['no-seed', 'cpu-prof', 'tsx', 'with-raw', 'help']);
  if (args.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const known = [
    'database-url',
    'duration',
    'warmup',
    'connections',
    'scenarios',
    'workers',
    'scale',
    'soak',
    'soak-window',
  ];
  assertKnown(args, [
    ...SHAPE_FLAGS,
    ...known,
    'no-seed',
    'feed-mode',
    'cpu-prof',
    'tsx',
    'with-raw',
    'help',
  ]);
  const scale = args.get('scale');
  const soak = args.has('soak') ? intArg(args, 'soak', 1800, 1) : null;
  const options: BenchOptions = {
    shape: shapeFromArgs(args, BENCH_SHAPE),
    databaseUrl: stringArg(args, 'database-url'),
    seed: !args.has('no-seed'),
    scenarios: parseScenarios(
      stringArg(args, 'scenarios'),
      scale ? ['feed', 'profile'] : soak ? ['mixed'] : SCENARIOS,
    ),
    duration: intArg(args, 'duration', 15, 1),
    warmup: intArg(args, 'warmup', 3, 0),
    connections: intArg(args, 'connections', 32, 1),
    workers: intArg(args, 'workers', 1, 1),
    feedMode: stringArg(args, 'feed-mode'),
    cpuProf: args.has('cpu-prof'),
    entry: args.has('tsx') ? 'tsx' : 'dist',
    soak,
    soakWindow: intArg(args, 'soak-window', 300, 1),
    withRaw: args.has('with-raw'),
  };
  if (soak && (scale || options.withRaw || options.scenarios.join() !== 'mixed'))
    throw new Error(
      '--soak runs the mixed scenario alone: drop --scale, --with-raw and --scenarios',
    );
  if (options.withRaw && !options.seed) {
    throw new Error(
      '--with-raw seeds a second, identical data set for the raw server; drop --no-seed',
    );
  }
  if (scale && !options.seed) throw new Error('--scale seeds its own data sets; drop --no-seed');
  const sizes = scale
    ? [
        options.shape.users === 2000 ? 2000 : options.shape.users,
        scale === true ? 20_000 : Number(scale),
      ]
    : [options.shape.users];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--scale=N: N must be a positive integer');

  if (options.entry === 'dist') {
    console.error('building dist/ (npm run build) …');
    await buildDist();
  }
  const runs: RunReport[] = [];
  for (const users of sizes) {
    for (const run of await benchRun({ ...options, shape: { ...options.shape, users } })) {
      printRun(run);
      if (run.soak) printSoak(run.soak);
      runs.push(run);
    }
  }
  const scaled = scaling(runs);
  if (scaled) console.log('\nscaling (ratio to the smallest data set):', scaled);
  const file = await writeResults(ROOT, {
    date: new Date().toISOString(),
    machine: machine(),
    options: {
      ...options,
      shape: undefined,
      databaseUrl: options.databaseUrl ? 'mysql' : 'sqlite',
    },
    shape: options.shape,
    runs,
    scaling: scaled,
  });
  const charted = runs.some((r) => Object.keys(r.scenarios).length > 0);
  const chart = charted ? await writeChart(file, runs) : undefined;
  const wrote = [file, ...(chart ? [chart] : [])].map((f) => path.relative(ROOT, f));
  console.log(`\nwrote ${wrote.join(' and ')}`);
  const failed = runs.flatMap((r) => [
    ...[
      ...Object.entries(r.scenarios),
      ...Object.entries(r.raw ?? {}).map(([n, s]) => [`${n} (raw)`, s] as const),
    ]
      .filter(([, s]) => s.non2xx > 0 || s.errors > 0)
      .map(([n]) => n),
    ...(r.soak?.windows.some((w) => w.non2xx > 0 || w.errors > 0) ? ['soak'] : []),
  ]);
  if (failed.length > 0) {
    console.error(`FAILED: non-2xx answers or errors in ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

/**
 * One data set: seeds it, then measures each feed mode in turn (all scenarios under the first
 * mode; only `feed` under the others, as nothing else depends on the mode).
 */
async function benchRun(options: BenchOptions): Promise<RunReport[]> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'photogram-bench-'));
  let database: BenchDatabase | undefined;
  let rawDatabase: BenchDatabase | undefined;
  const seededAt = new Date();
  try {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      // As production runs: the statement counter costs throughput (src/http/server-timing.ts).
      // Statements per request are sampled from a separate server with SERVER_TIMING=1.
      SERVER_TIMING: '0',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MIN: '100000',
      // The load comes from a handful of accounts: per-account write limits would measure 429s.
      WRITE_RATE_LIMIT_PER_5MIN: '0',
      UPLOAD_RATE_LIMIT_PER_30MIN: '0',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
    };
    let seed: RunReport['seed'] = null;
    if (options.seed) {
      database = await freshBenchDatabase(tempDir, options.databaseUrl);
      Object.assign(env, {
        DATABASE_URL: database.url,
        DATA_DIR: tempDir,
        MEDIA_DIR: path.join(tempDir, 'media'),
      });
      console.error(`seeding ${options.shape.users} users into ${database.url.split(':')[0]} …`);
      const result = await seedDatabase({
        config: loadConfig(env),
        shape: options.shape,
        now: seededAt,
      });
      seed = { seconds: Math.round(result.seconds * 10) / 10, bytes: result.bytes };
      console.error(`seeded in ${seed.seconds} s, ${formatBytes(result.bytes)}`);
    } else if (options.databaseUrl) {
      env.DATABASE_URL = options.databaseUrl;
    }
    const modes = options.feedMode?.split(',') ?? [undefined];
    const reports: RunReport[] = [];
    for (const [i, mode] of modes.entries()) {
      const scenarios = i === 0 ? options.scenarios : options.scenarios.filter((n) => n === 'feed');
      const modeEnv = mode ? { ...env, FEED_MODE: mode } : env;
      reports.push({ ...(await measure(modeEnv, options, scenarios)), seed });
    }
    if (options.withRaw) {
      // The writes above changed the data, so the raw server gets a second seed of the same
      // shape and time anchor: the same rows (test/bench/seed.test.ts), on either engine.
      rawDatabase = await freshBenchDatabase(path.join(tempDir, 'raw'), options.databaseUrl);
      const rawEnv = { ...env, DATABASE_URL: rawDatabase.url };
      console.error(`seeding the raw server's copy of the data set …`);
      await seedDatabase({ config: loadConfig(rawEnv), shape: options.shape, now: seededAt });
      const raw = await measure(rawEnv, options, options.scenarios, 'raw');
      Object.assign(reports[0]!, { raw: raw.scenarios, rawPeakRssMb: raw.peakRssMb });
      reports[0]!.percentOfRaw = percentOfRaw(reports[0]!);
    }
    return reports;
  } finally {
    await database?.drop();
    await rawDatabase?.drop();
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Starts the server process(es), logs in and runs `scenarios` against them. */
async function measure(
  env: Record<string, string | undefined>,
  options: BenchOptions,
  scenarioNames: ScenarioName[],
  server: 'photogram' | 'raw' = 'photogram',
): Promise<Omit<RunReport, 'seed'>> {
  let scenarios = scenarioNames;
  const config = loadConfig(env);
  const servers: ServerProcess[] = [];
  let sampler: ServerProcess | undefined;
  // The bench's own connection: pre-made media, follow targets, and polling for fan-out rows.
  const db = createDb(config.database);
  try {
    const nodeArgs = options.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/profiles')}`]
      : [];
    const entry = server === 'raw' ? 'raw' : options.entry;
    for (let i = 0; i < options.workers; i++) {
      servers.push(await startServer(env, entry, nodeArgs));
    }
    const urls = servers.map((s) => s.url);
    const needsPosts = scenarios.some((n) => n !== 'feed' && n !== 'profile');
    // The raw server has no login: Photogram logs the bench users in on the same database.
    const loginServer = server === 'raw' ? await startServer(env, options.entry) : servers[0]!;
    const fixture = await login(loginServer.url, options.shape.users, needsPosts);
    if (loginServer !== servers[0]) await loginServer.stop();
    const ids = await benchUserIds(db, fixture.tokens.length);
    fixture.followTargets = await followTargets(db, ids, options.shape.users);
    const poolFor = (name: ScenarioName, seconds: number) =>
      fillMediaPool(
        db,
        fixture,
        ids,
        Math.ceil(((POSTS_PER_SECOND[name] ?? 0) * seconds) / ids.length) + 16,
      );
    // Statements per request come from a short-lived server with the counter on, stopped
    // before any load: no second process touches the database while the figures are taken.
    sampler = await startServer({ ...env, SERVER_TIMING: '1' }, entry);
    const statementsOf = new Map<ScenarioName, number[]>();
    for (const name of scenarios) {
      if (CREATES_POSTS.includes(name)) await poolFor(name, 0);
      statementsOf.set(name, await sampleStatements(sampler.url, scenario(name, fixture)));
    }
    await sampler.stop();
    await drainJobs(db);
    const report: Omit<RunReport, 'seed'> = {
      users: options.shape.users,
      dialect: config.database.dialect,
      feedMode: config.feedMode,
      workers: options.workers,
      connections: options.connections,
      duration: options.duration,
      scenarios: {},
      peakRssMb: null,
    };
    const popularId = ids[0]!;
    const followers = {
      popular: await followerCount(db, popularId),
      regular: await followerCount(db, ids[1] ?? popularId),
    };
    if (scenarios.some((n) => CREATES_POSTS.includes(n))) {
      await poolFor('post-create', 0);
      report.fanOutLag = await idleFanOutLag(db, urls[0]!, fixture, popularId, followers);
    }
    if (options.soak) {
      console.error(`soak: warm-up ${options.warmup} s, then mixed for ${options.soak} s`);
      await poolFor('mixed', options.warmup);
      if (options.warmup > 0) {
        await runLoad(urls, scenario('mixed', fixture), options.warmup, options.connections);
        await drainJobs(db);
      }
      report.soak = await runSoak({
        urls,
        servers,
        connections: options.connections,
        seconds: options.soak,
        windowSeconds: options.soakWindow,
        load: () => scenario('mixed', fixture),
        beforeWindow: (seconds) => poolFor('mixed', seconds),
        db,
        popularId,
        followers,
      });
      scenarios = [];
    }
    for (const name of scenarios) {
      console.error(
        `${name} (${server === 'raw' ? 'raw' : config.feedMode}): warm-up ${options.warmup} s, then ${options.duration} s`,
      );
      const creates = CREATES_POSTS.includes(name);
      if (creates) await poolFor(name, options.warmup + options.duration);
      if (options.warmup > 0) {
        await runLoad(urls, scenario(name, fixture), options.warmup, options.connections);
        await drainJobs(db);
      }
      const statements = statementsOf.get(name)!;
      const loadBefore = os.loadavg()[0]!;
      const load = scenario(name, fixture);
      const tracker = creates ? createLagTracker(db, popularId) : undefined;
      const onCreated: OnCreated | undefined = tracker
        ? (tag, body, at) => tag === 'post-create' && tracker.track(body, at)
        : undefined;
      const cpuBefore = await cpuSeconds(servers);
      const mixed = name === 'mixed';
      const { answers, ...result } = await runLoad(
        urls,
        load,
        options.duration,
        options.connections,
        onCreated,
        mixed,
      );
      const cpuUsed = await cpuSeconds(servers);
      const cpuUsPerRequest =
        cpuBefore === null || cpuUsed === null || result.requests === 0
          ? null
          : Math.round(((cpuUsed - cpuBefore) * 1e6) / result.requests);
      const fanOutLag = await tracker?.finish(followers);
      const popularImpact =
        answers && tracker ? fanOutImpact(answers, tracker.popularSpans()) : undefined;
      // Fan-outs and backfills left queued would run during the next scenario.
      const jobsDrainSeconds = await drainJobs(db);
      report.scenarios[name] = {
        ...result,
        statements,
        loadBefore,
        cpuUsPerRequest,
        ...(fanOutLag ? { fanOutLag } : {}),
        ...(popularImpact ? { popularImpact } : {}),
        jobsDrainSeconds,
      };
    }
    const peaks = await Promise.all(servers.map((s) => s.peakRssMb()));
    report.peakRssMb = peaks.every((p) => p === null)
      ? null
      : Math.max(...peaks.map((p) => p ?? 0));
    return report;
  } finally {
    await Promise.all([...servers, ...(sampler ? [sampler] : [])].map((s) => s.stop()));
    await db.destroy();
  }
}

/**
 * Fan-out lag with nothing else running: bench_2 (a regular author) then bench_1 (the popular
 * one) each create posts one at a time, the next once the last one's rows are in.
 */
async function idleFanOutLag(
  db: Db,
  url: string,
  fixture: Fixture,
  popularId: number,
  followers: { regular: number; popular: number },
): Promise<FanOutLag> {
  console.error(`fan-out lag, idle: ${IDLE_LAG_POSTS} posts each by bench_2 and bench_1`);
  const tracker = createLagTracker(db, popularId, 1);
  for (const token of [1, 0]) {
    if (token >= fixture.tokens.length) continue;
    for (let i = 0; i < IDLE_LAG_POSTS; i++) {
      const media = fixture.media[token]!.pop();
      const response = await fetch(`${url}/api/v1/posts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fixture.tokens[token]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ caption: `fan-out lag ${i}`, media_ids: [media] }),
      });
      const body = await response.text();
      const at = performance.now();
      if (response.status !== 201) throw new Error(`POST /posts: HTTP ${response.status} ${body}`);
      tracker.track(body, at);
      await tracker.settle();
    }
  }
  return tracker.finish(followers);
}

async function cpuSeconds(servers: ServerProcess[]): Promise<number | null> {
  const each = await Promise.all(servers.map((s) => s.cpuSeconds()));
  return each.some((t) => t === null) ? null : each.reduce((a, b) => a! + b!, 0);
}

/** Logs in as bench_1 … bench_32 over HTTP and collects post ids from their feeds. */
async function login(url: string, users: number, collectPosts: boolean): Promise<Fixture> {
  const names = Array.from({ length: Math.min(LOGINS, users) }, (_, i) => username(i + 1));
  const tokens: string[] = [];
  for (const name of names) {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: name, password: BENCH_PASSWORD }),
    });
    if (!response.ok)
      throw new Error(`login as ${name}: HTTP ${response.status} ${await response.text()}`);
    tokens.push(((await response.json()) as { access_token: string }).access_token);
  }
  const postIds = new Set<string>();
  for (const token of collectPosts ? tokens : []) {
    const response = await fetch(`${url}/api/v1/feed?limit=20`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`feed: HTTP ${response.status} ${await response.text()}`);
    for (const post of ((await response.json()) as { data: { id: string }[] }).data)
      postIds.add(post.id);
  }
  return { tokens, postIds: [...postIds], users, media: [], followTargets: [] };
}

const stop = () => process.exit(130);
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
