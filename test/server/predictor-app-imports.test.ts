import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/** Relative modules `file` imports for their values (type-only imports are erased by the compiler). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\s+from\s+'(\.[^']+)';/gms)) {
    if (match[2] !== undefined) continue;
    found.push(path.resolve(path.dirname(file), match[3]!.replace(/\.js$/, '.ts')));
  }
  for (const match of text.matchAll(/^import\s+'(\.[^']+)';/gm))
    found.push(path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  return found;
}

/** Every source module loaded with `entry` at import time (dynamic imports are left out: they load later). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [path.join(SRC, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...valueImports(file));
  }
  return new Set([...seen].map((file) => path.relative(SRC, file)));
}

describe("the web app's import graph", () => {
  it('createPredictorApp (the Node server main thread) loads no image decoder, reader or engine', () => {
    const graph = staticGraph('server/predictor-app.ts');
    expect(graph.has('server/routes/predict.ts')).toBe(true); // the walk follows the routes
    const heavy = [...graph].filter(
      (file) =>
        file === 'image/decode.ts' ||
        file === 'image/index.ts' ||
        file === 'server/in-process-predictor.ts' ||
        file.startsWith('read/') ||
        file.startsWith('ml/engine/'),
    );
    expect(heavy).toEqual([]);
  });

  it('createApp still brings the in-process predictor, for a model classified in process', () => {
    const graph = staticGraph('server/app.ts');
    expect(graph.has('server/in-process-predictor.ts')).toBe(true);
    expect(graph.has('image/decode.ts')).toBe(true);
  });
});
