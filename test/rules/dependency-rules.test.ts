import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

/** A tiny tree that breaks each rule once, next to the imports the rules allow. */
const FIXTURE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    include: ['src'],
  }),
  'src/app.ts': 'export const buildApp = () => 1;\n',
  'src/server.ts': "import { buildApp } from './app.js';\nbuildApp();\n",
  'src/http/errors.ts': 'export class AppError extends Error {}\n',
  'src/db/client.ts':
    "import { serve } from '../modules/a/a.service.js';\nexport const db = serve;\n",
  'src/media/sniff.ts':
    "import { AppError } from '../http/errors.js';\nexport const no = AppError;\n",
  'src/modules/a/a.repository.ts': 'export const rows = () => [];\n',
  'src/modules/a/a.service.ts':
    "import { rows } from './a.repository.js';\nexport const serve = rows;\n",
  'src/modules/b/b.service.ts': [
    "import { buildApp } from '../../app.js';",
    "import { rows } from '../a/a.repository.js';",
    'export const both = [buildApp, rows];',
    '',
  ].join('\n'),
  // A run-time cycle.
  'src/modules/c/one.ts': "import { two } from './two.js';\nexport const one = () => two;\n",
  'src/modules/c/two.ts': "import { one } from './one.js';\nexport const two = () => one;\n",
  // A cycle closed only by a type-only import: erased at compile time, allowed.
  'src/modules/d/left.ts': "import { right } from './right.js';\nexport const left = right;\n",
  'src/modules/d/right.ts':
    "import type { left } from './left.js';\nexport const right = (x?: typeof left) => x;\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'photogram-deps-'));
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (outputType: string) =>
    promisify(execFile)(depcruise, ['src', '--config', config, '--output-type', outputType], {
      cwd: dir,
    });

  it('fails on a tree that breaks every rule, naming each violation and nothing allowed', async () => {
    // The reporter `npm run check:deps` uses exits non-zero; the JSON one lists the violations.
    const exitCode = await run('err').then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    const violations = JSON.parse((await run('json')).stdout).summary.violations as Violation[];
    assert.equal(exitCode, violations.length, 'depcruise exits with the number of errors');
    // A cycle is reported once, from whichever of its files comes first.
    const found = violations
      .map((v) => {
        const ends = v.rule.name === 'no-run-time-cycle' ? [v.from, v.to].sort() : [v.from, v.to];
        return `${v.rule.name}: ${ends.join(' -> ')}`;
      })
      .sort();
    assert.deepEqual(found, [
      'infrastructure-uses-no-module: src/db/client.ts -> src/modules/a/a.service.ts',
      'media-knows-no-http: src/media/sniff.ts -> src/http/errors.ts',
      'no-app-import: src/modules/b/b.service.ts -> src/app.ts',
      'no-other-modules-repository: src/modules/b/b.service.ts -> src/modules/a/a.repository.ts',
      'no-run-time-cycle: src/modules/c/one.ts -> src/modules/c/two.ts',
    ]);
  });
});
