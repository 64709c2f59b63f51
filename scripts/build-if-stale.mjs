/**
 * Runs `npm run build` only when dist/ is missing or older than its sources, so `npm start`, `npm run predict`,
 * `npm run evaluate` and `npm run train` start in about a second on a built tree instead of rebuilding (~21 s) first.
 * `npm test` and the Docker build still build unconditionally.
 *
 * Stale means: one of the build's last outputs is missing, or a file under src/ (or a build config) was modified
 * after the oldest of them. A source file deleted since the build does not count: its old output is harmless.
 *
 *   node scripts/build-if-stale.mjs              (builds when stale)
 *   node scripts/build-if-stale.mjs --check      (says why it would build; exit 1 when stale, 0 when fresh)
 *   --root <dir>                                  (the package to look at; default: this script's package)
 * Plain JavaScript (.mjs) so it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * What `npm run build` writes last, per step: the library (tsc), the two kernels (build-kernel-wasm), then the
 * bundled command line (bundle-cli).
 */
const OUTPUTS = [
  'dist/cli/main.js',
  'dist/index.js',
  'dist/ml/engine/kernel.wasm',
  'dist/ml/engine/kernel-shared.wasm',
];
/** Build inputs outside src/. */
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build-page-script.mjs', 'scripts/bundle-cli.mjs'];
/** Made by the build itself (and by vitest's setup) from src/server/page/client: not an input. */
const GENERATED = path.join('src', 'server', 'page', 'script.generated.ts');

/**
 * The newest modification time under `dir`, and the file that has it.
 * @param {string} root
 * @param {string} dir relative to root
 * @returns {{ file: string, mtimeMs: number } | undefined}
 */
function newestUnder(root, dir) {
  /** @type {{ file: string, mtimeMs: number } | undefined} */
  let newest;
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    // `parentPath` from Node 20.12; `path` before it.
    const file = path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name));
    if (file === GENERATED) continue;
    const { mtimeMs } = statSync(path.join(root, file));
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/**
 * Why the build in `root` is stale, or undefined when it is fresh.
 * @param {string} root
 * @returns {string | undefined}
 */
export function staleReason(root) {
  let oldest = Infinity;
  for (const output of OUTPUTS) {
    let mtimeMs;
    try {
      ({ mtimeMs } = statSync(path.join(root, output)));
    } catch {
      return `${output} is missing`;
    }
    oldest = Math.min(oldest, mtimeMs);
  }
  const inputs = [newestUnder(root, 'src')];
  for (const file of CONFIGS) {
    try {
      inputs.push({ file, mtimeMs: statSync(path.join(root, file)).mtimeMs });
    } catch {
      // A config the package does not have is not an input.
    }
  }
  const newer = inputs.find((input) => input !== undefined && input.mtimeMs > oldest);
  return newer === undefined ? undefined : `${newer.file} changed after the last build`;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      root: { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') },
    },
  });
  const reason = staleReason(values.root);
  if (values.check) {
    process.stdout.write(reason === undefined ? 'fresh\n' : `stale: ${reason}\n`);
    process.exitCode = reason === undefined ? 0 : 1;
  } else if (reason !== undefined) {
    process.stderr.write(`building: ${reason}\n`);
    // Under `npm run`, the same npm that runs us; else the one on PATH (a shell on Windows, where npm is a .cmd).
    const npmCli = process.env.npm_execpath;
    // The build's output goes to our stderr: as `prepack`, stdout is `npm pack --json`'s, which must stay JSON.
    const stdio = /** @type {const} */ (['inherit', 2, 'inherit']);
    const { status } = npmCli
      ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: values.root, stdio })
      : spawnSync('npm', ['run', 'build'], { cwd: values.root, stdio, shell: process.platform === 'win32' });
    process.exitCode = status ?? 1;
  }
}
