/**
 * Bundles the command line (`dist/cli/main.js`: `serve`, `predict`, `read`, `train`...) and the worker threads it
 * starts from the TypeScript sources into a few files in dist/cli/, in place of tsc's output of src/cli. Why:
 * Node 20's ESM loader pays per module (resolve, stat, read, compile), and the server imported about 200 of them
 * before answering /readyz; bundled, `node dist/cli/main.js serve` is ready sooner (bench:start, docs/SERVER.md).
 * The library (`dist/index.js` and the other exports) stays tsc's output, one file per module.
 *
 * Each command and each lazily loaded route stays a chunk of its own (code splitting), so a command loads only
 * what it runs. Chunks sit beside the entries because code finds files relative to its own module: worker
 * entries (`spawnWorker`), `../ml/engine/*.wasm`, the package root two folders up. `pg` and `better-sqlite3` stay
 * outside the bundle: loaded only with a corrections store, and the second is a native module.
 * Plain JavaScript (.mjs) run by `npm run build`, after tsc.
 *
 *   node scripts/bundle-cli.mjs
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Output name (in dist/cli/) -> source module. Worker entries keep the names spawnWorker asks for. */
export const ENTRIES = {
  main: 'src/cli/main.ts',
  'predict-worker': 'src/server/node/predict-worker.ts',
  'model-loader-worker': 'src/server/node/model-loader-worker.ts',
  'train-worker': 'src/training/train-worker.ts',
  'pen-worker': 'src/training/pen-worker.ts',
  'warm-worker': 'src/training/warm-worker.ts',
};

const OUT = path.join(ROOT, 'dist', 'cli');

// tsc's output of src/cli is replaced whole: the bundle supersedes it (nothing else imports the command line),
// and chunk names carry a hash of their content, so the previous build's would pile up.
await rm(OUT, { recursive: true, force: true });

await build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES,
  outdir: 'dist/cli',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['pg', 'better-sqlite3'],
  // Bundled CommonJS dependencies (jpeg-js, pako, upng-js) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
