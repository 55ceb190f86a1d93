import { writeFile } from 'node:fs/promises';
import type { RunReport } from './report.js';
import type { ScenarioName } from './scenarios.js';

const WIDTH = 760;
const HEIGHT = 380;
const PLOT = { left: 64, right: 64, top: 48, bottom: 72 };

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum at or above `value` (1, 2 or 5 × a power of ten). */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

/**
 * The runs as an SVG bar chart: requests/s per scenario as bars (left axis), p99 latency as a
 * marker on each bar (right axis). Plain SVG text, so it renders on GitHub and needs no library.
 */
export function chartSvg(runs: RunReport[], title: string): string {
  const bars = runs.flatMap((run) =>
    Object.entries(run.scenarios).map(([name, s]) => ({
      label: runs.length > 1 ? `${name} (${run.feedMode}, ${run.users})` : name,
      rps: s.rps,
      p99: s.p99,
      raw: run.raw?.[name as ScenarioName],
    })),
  );
  const withRaw = bars.some((b) => b.raw);
  const rpsMax = niceMax(Math.max(0, ...bars.flatMap((b) => [b.rps, b.raw?.rps ?? 0])));
  const p99Max = niceMax(Math.max(0, ...bars.flatMap((b) => [b.p99, b.raw?.p99 ?? 0])));
  const width = WIDTH - PLOT.left - PLOT.right;
  const height = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = width / Math.max(1, bars.length);
  const yRps = (v: number) => PLOT.top + height - (v / rpsMax) * height;
  const yP99 = (v: number) => PLOT.top + height - (v / p99Max) * height;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">${escape(title)}</text>`,
    `<text x="${WIDTH / 2}" y="36" text-anchor="middle" fill="#555">${withRaw ? 'blue: Photogram, grey: raw reference server · ' : ''}bars: requests/s (left axis) · ◆ p99 ms (right axis)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = PLOT.top + height - (i / 4) * height;
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + width}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 6}" y="${y + 4}" text-anchor="end">${Math.round((rpsMax * i) / 4).toLocaleString('en-US')}</text>`,
      `<text x="${PLOT.left + width + 6}" y="${y + 4}" fill="#c0392b">${((p99Max * i) / 4).toFixed(p99Max < 4 ? 1 : 0)}</text>`,
    );
  }
  /** One bar with its value above it and its p99 marker. */
  const bar = (label: string, rps: number, p99: number, x: number, w: number, fill: string) => {
    const top = yRps(rps);
    const cx = x + w / 2;
    const py = yP99(p99);
    out.push(
      `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${(PLOT.top + height - top).toFixed(1)}" fill="${fill}"><title>${escape(label)}: ${rps} req/s, p99 ${p99} ms</title></rect>`,
      `<text x="${cx.toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle">${rps.toLocaleString('en-US')}</text>`,
      `<path d="M${cx.toFixed(1)} ${(py - 5).toFixed(1)} l5 5 l-5 5 l-5 -5 z" fill="#c0392b"/>`,
    );
  };
  bars.forEach((b, i) => {
    const x = PLOT.left + i * slot;
    const cx = x + slot / 2;
    if (withRaw) {
      bar(b.label, b.rps, b.p99, x + slot * 0.1, slot * 0.4, '#2e86c1');
      if (b.raw)
        bar(`${b.label} (raw)`, b.raw.rps, b.raw.p99, x + slot * 0.5, slot * 0.4, '#95a5a6');
    } else {
      bar(b.label, b.rps, b.p99, x + slot * 0.2, slot * 0.6, '#2e86c1');
    }
    out.push(
      `<text x="${cx.toFixed(1)}" y="${PLOT.top + height + 14}" text-anchor="end" transform="rotate(-30 ${cx.toFixed(1)} ${PLOT.top + height + 14})">${escape(b.label)}</text>`,
    );
  });
  out.push(
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.top + height}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left + width}" y1="${PLOT.top + height}" y2="${PLOT.top + height}" stroke="#333"/>`,
    `<line x1="${PLOT.left + width}" x2="${PLOT.left + width}" y1="${PLOT.top}" y2="${PLOT.top + height}" stroke="#c0392b"/>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** Writes the chart beside the results JSON (same name, .svg); returns its path. */
export async function writeChart(jsonFile: string, runs: RunReport[]): Promise<string> {
  const file = jsonFile.replace(/\.json$/, '.svg');
  const first = runs[0];
  const title = first
    ? `Photogram, ${first.dialect}, ${first.workers} process(es), ${first.connections} connections, ${first.duration} s per scenario, ${new Date().toISOString().slice(0, 16)} UTC`
    : 'Photogram';
  await writeFile(file, chartSvg(runs, title));
  return file;
}
