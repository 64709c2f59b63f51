import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanModuleGraph, scanSource } from './purity-scan.js';

/** Node-only code lives here and nowhere else; a pure module reaching into it is impure whatever it imports. */
const NODE_ONLY_DIRS = ['src/node/', 'src/cli/', 'src/server/node/', 'src/training/'];

/** Packages checked to run without Node (browser.test.ts bundles ml + image for a browser). Add new ones deliberately. */
const PURE_PACKAGES = ['jpeg-js', 'pako', 'upng-js', 'zod'];

function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.resolve(dir, f));
}

describe('purity scanner', () => {
  it('flags node: and bare built-in imports, dynamic and type imports, and Node globals, with their lines', () => {
    const text = [
      "import { readFile } from 'node:fs/promises';",
      "import path from 'path';",
      "export { Worker } from 'worker_threads';",
      "const zlib = await import('node:zlib');",
      "type B = import('node:buffer').Blob;",
      'const b = Buffer.from([1]);',
      'const env = process.env.X;',
      'const { platform } = process;',
    ].join('\n');
    expect(scanSource('bad.ts', text).map((f) => `${f.line}: ${f.what}`)).toEqual([
      "1: imports Node built-in 'node:fs/promises'",
      "2: imports Node built-in 'path'",
      "3: imports Node built-in 'worker_threads'",
      "4: imports Node built-in 'node:zlib'",
      "5: imports Node built-in 'node:buffer'",
      "6: uses Node global 'Buffer'",
      "7: uses Node global 'process'",
      "8: uses Node global 'process'",
    ]);
  });

  it('ignores comments, strings, property names and local declarations of the same names', () => {
    const text = [
      '// no Buffer and no process.env here',
      "/** import from 'node:fs' in a comment */",
      "const s = 'Buffer process.env';",
      'const o = { process: 1, Buffer: 2 };',
      'const v = o.process + o.Buffer;',
      "import { z } from 'zod';",
      "import { x } from './x.js';",
    ].join('\n');
    expect(scanSource('good.ts', text)).toEqual([]);
  });
});

/**
 * `mnist-digits/ml` and `mnist-digits/image` promise to run in browsers, Deno, Bun and edge workers, so nothing they
 * load may touch Node: every file in their folders is scanned. So is every file of the app in src/server (the
 * Hono app, `mnist-digits/server`) except its Node entry src/server/node; and the edge worker in src/server/edge, which
 * test/contract/workerd.test.ts runs in workerd.
 */
const CASES = [
  { name: 'src/ml', entries: sourcesIn('src/ml'), packages: PURE_PACKAGES },
  { name: 'src/image', entries: sourcesIn('src/image'), packages: PURE_PACKAGES },
  {
    name: 'src/server (all but src/server/node)',
    entries: sourcesIn('src/server').filter((f) => !f.startsWith(path.resolve('src/server/node') + path.sep) && !f.startsWith(path.resolve('src/server/edge') + path.sep)),
    packages: [...PURE_PACKAGES, 'hono'],
  },
  { name: 'src/training/augment', entries: sourcesIn('src/training/augment'), packages: PURE_PACKAGES },
  { name: 'src/server/edge', entries: sourcesIn('src/server/edge'), packages: [...PURE_PACKAGES, 'hono'] },
];

describe.each(CASES)('$name', ({ entries, packages: allowed }) => {
  const graph = scanModuleGraph(entries);

  it('imports nothing from Node, directly or through relative imports', () => {
    expect(graph.files.length).toBeGreaterThanOrEqual(entries.length);
    const report = graph.findings.map((f) => `${path.relative(process.cwd(), f.file)}:${f.line} ${f.what}`);
    expect(report).toEqual([]);
  });

  it('never reaches a Node-only folder through relative imports', () => {
    const reached = graph.files.map((f) => path.relative(process.cwd(), f)).filter((f) => NODE_ONLY_DIRS.some((d) => f.startsWith(d)) && !f.startsWith('src/training/augment/'));
    expect(reached).toEqual([]);
  });

  it('imports only allowlisted packages', () => {
    const names = [...graph.packages.keys()].map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] as string)));
    expect([...new Set(names)].filter((p) => !allowed.includes(p))).toEqual([]);
  });
});
