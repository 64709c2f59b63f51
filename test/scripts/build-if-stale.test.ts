/**
 * scripts/build-if-stale.mjs decides from modification times alone; these trees are made with chosen times, and the
 * script is asked (`--check`) what it would do, without building.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'build-if-stale.mjs');
const OUTPUTS = [
  'dist/cli/main.js',
  'dist/index.js',
  'dist/ml/engine/kernel.wasm',
  'dist/ml/engine/kernel-shared.wasm',
];
const BUILT_AT = new Date('2026-12-01T10:00:00Z');
const BEFORE = new Date('2026-12-01T09:00:00Z');
const AFTER = new Date('2026-12-01T11:00:00Z');

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A package with sources and (unless `omit`) every build output, each file at the time given or BEFORE/BUILT_AT. */
function tree(times: Record<string, Date> = {}, omit: string[] = []): string {
  root = mkdtempSync(path.join(tmpdir(), 'build-if-stale-'));
  const files: Record<string, Date> = {
    'src/index.ts': BEFORE,
    'src/ml/predict.ts': BEFORE,
    'tsconfig.json': BEFORE,
    ...Object.fromEntries(OUTPUTS.map((o) => [o, BUILT_AT])),
    ...times,
  };
  for (const [file, time] of Object.entries(files)) {
    if (omit.includes(file)) continue;
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, file);
    utimesSync(full, time, time);
  }
  return root;
}

function check(dir: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [SCRIPT, '--check', '--root', dir], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout.trim() };
}

describe('build-if-stale', () => {
  it('leaves a build newer than every source alone', () => {
    expect(check(tree())).toEqual({ status: 0, out: 'fresh' });
  });

  it('builds when an output is missing', () => {
    expect(check(tree({}, ['dist/ml/engine/kernel.wasm']))).toEqual({
      status: 1,
      out: 'stale: dist/ml/engine/kernel.wasm is missing',
    });
  });

  it('builds when a nested source changed after the oldest output', () => {
    const dir = tree({ 'src/ml/predict.ts': AFTER, 'dist/index.js': BEFORE });
    expect(check(dir)).toEqual({
      status: 1,
      out: `stale: ${path.join('src', 'ml', 'predict.ts')} changed after the last build`,
    });
  });

  it('builds when a build config changed', () => {
    expect(check(tree({ 'tsconfig.json': AFTER }))).toEqual({
      status: 1,
      out: 'stale: tsconfig.json changed after the last build',
    });
  });

  it('ignores the page script the build and the test setup generate', () => {
    expect(check(tree({ 'src/server/page/script.generated.ts': AFTER }))).toEqual({ status: 0, out: 'fresh' });
  });
});
