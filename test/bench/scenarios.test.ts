import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartSvg } from '../../scripts/bench/chart.js';
import type { RunReport } from '../../scripts/bench/report.js';
import { type Fixture, MIX, scenario } from '../../scripts/bench/scenarios.js';

const fixture = (): Fixture => ({
  tokens: ['a', 'b', 'c'],
  postIds: ['10', '11'],
  users: 3,
  media: [['1', '2'], ['3'], []],
  followTargets: [
    [{ username: 'bench_2', following: false }],
    [{ username: 'bench_3', following: true }],
    [{ username: 'bench_2', following: false }],
  ],
});

test('mixed: every 100 requests hold each endpoint its share', () => {
  const f = fixture();
  f.media = [Array(10).fill('1'), Array(10).fill('2'), Array(10).fill('3')];
  const next = scenario('mixed', f);
  const counts = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const { tag } = next();
    counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(MIX.map(([n, s]) => [n, 2 * s])));
});

test('follow: each pair is toggled back, in the order that restores it', () => {
  const next = scenario('follow', fixture());
  const requests = Array.from({ length: 4 }, () => next());
  assert.deepEqual(
    requests.map((r) => `${r.method} ${r.path}`),
    [
      'POST /api/v1/users/bench_2/follow',
      'DELETE /api/v1/users/bench_2/follow',
      'DELETE /api/v1/users/bench_3/follow',
      'POST /api/v1/users/bench_3/follow',
    ],
  );
});

test('post-create: each post uses one pre-made media row of its user, once', () => {
  const f = fixture();
  const next = scenario('post-create', f);
  const bodies = [next(), next()].map((r) => JSON.parse(String(r.body)) as { media_ids: string[] });
  assert.deepEqual(
    bodies.map((b) => b.media_ids),
    [['2'], ['3']],
  );
  assert.throws(() => next(), /media ran out/);
});

test('the chart has a bar and a p99 marker per scenario', () => {
  const scenario = { rps: 1000, p50: 1, p99: 9 };
  const run = { feedMode: 'timeline', users: 3, scenarios: { feed: scenario, post: scenario } };
  const svg = chartSvg([run as unknown as RunReport], 'title <&>');
  assert.equal(svg.match(/<rect x=/g)?.length, 2);
  assert.equal(svg.match(/<path /g)?.length, 2);
  assert.match(svg, /title &lt;&amp;&gt;/);
});

test('with raw figures, the chart draws a raw bar and p99 marker beside each scenario', () => {
  const scenario = { rps: 1000, p50: 1, p99: 9 };
  const run = {
    feedMode: 'timeline',
    users: 3,
    scenarios: { feed: scenario, post: scenario },
    raw: { feed: { ...scenario, rps: 2000 }, post: scenario },
  };
  const svg = chartSvg([run as unknown as RunReport], 'title');
  assert.equal(svg.match(/<rect x=/g)?.length, 4);
  assert.equal(svg.match(/<path /g)?.length, 4);
  assert.match(svg, /feed \(raw\): 2000 req\/s/);
});
