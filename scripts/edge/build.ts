/**
 * Builds the edge worker: one ES-module bundle of src/server/edge/worker.ts (the app and its pure dependencies) and, beside
 * it, the two modules it imports and the runtime supplies: the shipped model as a data module and the kernel
 * engine's WebAssembly as a compiled module. The same directory is what `wrangler deploy` uploads (wrangler.jsonc:
 * `no_bundle`, module rules) and what `workerd` serves (scripts/edge/workerd.ts).
 *
 *   npx tsx scripts/edge/build.ts        (npm run start:edge builds first)
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { kernelWasmBytes } from '../../src/ml/engine/wasm/kernel-module.js';

/** The repository root (scripts/edge/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the worker is built: dist/edge-worker/ (dist/ is build output, never committed). */
export const DEFAULT_EDGE_DIR = path.join(REPO_ROOT, 'dist', 'edge-worker');
/** The shipped model, bundled unless another is given. */
export const DEFAULT_EDGE_MODEL = path.join(REPO_ROOT, 'model', 'model.bin');

/** Module names inside the worker: the bundle imports `./model.bin` and `./kernel.wasm` by these names. */
export const EDGE_MODULES = { main: 'worker.js', model: 'model.bin', wasm: 'kernel.wasm' } as const;

/**
 * Workers' compatibility date (which runtime behaviours apply); the same in wrangler.jsonc, checked by
 * test/server/edge/deploy-config.test.ts. No compatibility flags: the app needs no Node.js compatibility layer.
 */
export const COMPATIBILITY_DATE = '2026-11-01';

/** What the build wrote. */
export interface EdgeBuild {
  readonly dir: string;
  /** Bytes of each module as uploaded. */
  readonly bytes: { readonly main: number; readonly model: number; readonly wasm: number };
  /** gzip -9 of all modules together, what Workers' "compressed size" limit is measured against (an estimate). */
  readonly gzipBytes: number;
}

/**
 * Bundles the worker with esbuild and places its model and WebAssembly modules beside it.
 * @param options - `dir` (default dist/edge-worker/), `modelPath` (default the shipped model), `minify` (default true).
 * @returns The directory and module sizes.
 */
export async function buildEdgeWorker(
  options: { dir?: string; modelPath?: string; minify?: boolean } = {},
): Promise<EdgeBuild> {
  const dir = options.dir ?? DEFAULT_EDGE_DIR;
  // The app serves the page script from a generated string module (src/server/page/client/app.ts, transpiled).
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-page-script.mjs')], { stdio: 'inherit' });
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: [path.join(REPO_ROOT, 'src', 'server', 'edge', 'worker.ts')],
    outfile: path.join(dir, EDGE_MODULES.main),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Workers-specific package builds first, then browser ones (hono, zod, jpeg-js, pako, upng-js have no Node paths).
    conditions: ['workerd', 'worker', 'browser'],
    external: [`./${EDGE_MODULES.model}`, `./${EDGE_MODULES.wasm}`],
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(options.modelPath ?? DEFAULT_EDGE_MODEL, path.join(dir, EDGE_MODULES.model));
  // The same bytes `npm run build` writes to dist/ml/engine/kernel.wasm (the variant for an ordinary memory).
  await writeFile(path.join(dir, EDGE_MODULES.wasm), kernelWasmBytes(false));
  const read = (name: string) => readFile(path.join(dir, name));
  const [main, model, wasm] = await Promise.all([
    read(EDGE_MODULES.main),
    read(EDGE_MODULES.model),
    read(EDGE_MODULES.wasm),
  ]);
  return {
    dir,
    bytes: { main: main.length, model: model.length, wasm: wasm.length },
    gzipBytes: [main, model, wasm].reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildEdgeWorker();
  process.stdout.write(`${JSON.stringify(built, null, 2)}\n`);
}
