import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noNodeBuiltins } from './no-node-builtins.js';

/**
 * The package as users get it: `npm pack` of this repository (its `files` and `exports`), installed into a fresh
 * project outside the repo, then imported, run as a CLI and type-checked there. Needs a built dist/ (`npm test`
 * builds first; alone: `npm run build && npx vitest run test/package/pack.test.ts`) and the registry or npm's
 * cache for the runtime dependencies (`--prefer-offline` takes them from the cache when it has them).
 */

const run = promisify(execFile);
const REPO = path.resolve('.');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const NODE_TYPES = path.join(REPO, 'node_modules', '@types');

/**
 * The environment without the `npm_*` variables an enclosing `npm test` exports (npm_package_json, npm_config_*),
 * which would otherwise make the nested npm act on this repository's package.json.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

async function sh(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stderr ?? ''}\n${e.stdout ?? ''}`, {
      cause: error,
    });
  }
}

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

let tmp: string;
let tarball: PackResult;
let consumer: string;
let installed: string;

beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'dist', 'index.js')) || !existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
  tmp = await mkdtemp(path.join(tmpdir(), 'mnist-digits-pack-'));
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tmp], REPO);
  tarball = (JSON.parse(stdout) as PackResult[])[0] as PackResult;
  consumer = path.join(tmp, 'consumer');
  await mkdir(consumer);
  await writeFile(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await sh(
    'npm',
    ['install', path.join(tmp, tarball.filename), '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'],
    consumer,
  );
  installed = path.join(consumer, 'node_modules', 'mnist-digits');
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The sample of a 2 the package ships: the PNG when there is one (the example), else the JPEG. */
function sampleTwo(): string {
  const dir = path.join(installed, 'images_test');
  const name = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^images_test_2\.(png|jpe?g)$/i.test(f))
        .sort()
        .reverse()[0]
    : undefined;
  if (name === undefined) throw new Error(`the package ships no images_test/images_test_2.png (or .jpg) in ${dir}`);
  return path.join(dir, name);
}

describe('the packed tarball', () => {
  it('holds the compiled library, its types, the CLI, the model and the samples', () => {
    const files = tarball.files.map((f) => f.path);
    for (const needed of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/ml/index.js',
      'dist/ml/index.d.ts',
      'dist/image/index.js',
      'dist/image/index.d.ts',
      'dist/server/index.js',
      'dist/server/index.d.ts',
      'dist/cli/main.js',
      'dist/ml/engine/kernel.wasm',
      'dist/ml/engine/kernel-shared.wasm',
      'model/model.bin',
      'package.json',
      'README.md',
    ]) {
      expect(files, `${needed} is missing from the tarball`).toContain(needed);
    }
    expect(
      files.some((f) => /^images_test\/images_test_2\.(png|jpe?g)$/i.test(f)),
      'images_test/images_test_2.* is missing',
    ).toBe(true);
  });

  it('holds nothing users do not need: no sources, tests, source maps, scratch or data files', () => {
    const unwanted = tarball.files
      .map((f) => f.path)
      .filter(
        (f) =>
          /^(src|test|bench|scripts|deploy|\.scratch[^/]*|node_modules)\//.test(f) ||
          f.endsWith('.map') ||
          (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
          /ubyte/.test(f),
      );
    expect(unwanted).toEqual([]);
  });
});

describe('installed into a fresh project', () => {
  it('imports the library, loads the bundled model and reads the sample 2', async () => {
    const script = [
      "import { readFile } from 'node:fs/promises';",
      "import { DEFAULT_MODEL_PATH, imageToDigitInput, loadModelFile, predict } from 'mnist-digits';",
      'const { model, path } = await loadModelFile();',
      `const input = imageToDigitInput(new Uint8Array(await readFile(${JSON.stringify(sampleTwo())})));`,
      'const { digit, confidence } = predict(model, input.pixels);',
      'console.log(JSON.stringify({ digit, confidence, path, defaultPath: DEFAULT_MODEL_PATH }));',
    ].join('\n');
    await writeFile(path.join(consumer, 'predict.mjs'), script);
    const { stdout } = await sh(process.execPath, ['predict.mjs'], consumer);
    const result = JSON.parse(stdout) as { digit: number; confidence: number; path: string; defaultPath: string };
    expect(result.digit).toBe(2);
    expect(result.confidence).toBeGreaterThan(0.5);
    // The default model is the one inside the installed package, not this repository's.
    expect(result.path).toBe(path.join(installed, 'model', 'model.bin'));
  });

  it('predicts with the WebAssembly engine from the shipped .wasm, which is also exported as a file', async () => {
    const script = [
      "import { readFile } from 'node:fs/promises';",
      "import { createModelEngine, createWasmEngine, loadModelFile, predict } from 'mnist-digits';",
      'const { model } = await loadModelFile();',
      'const engine = await createModelEngine(model);',
      // As workerd would: a module compiled from the exported file, handed to the pure engine.
      "const plain = await WebAssembly.compile(await readFile(new URL(import.meta.resolve('mnist-digits/ml/kernel.wasm'))));",
      'const pixels = new Uint8Array(784).map((_, p) => (p % 28 > 12 && p % 28 < 16 && p > 150 && p < 620 ? 255 : 0));',
      'const a = predict(model, pixels, engine);',
      'const b = predict(model, pixels, createWasmEngine(model, { plain }));',
      'console.log(JSON.stringify({ backend: engine.backend, same: JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(predict(model, pixels)) }));',
    ].join('\n');
    await writeFile(path.join(consumer, 'engine.mjs'), script);
    const { stdout } = await sh(process.execPath, ['engine.mjs'], consumer);
    expect(JSON.parse(stdout)).toEqual({ backend: 'wasm-simd', same: true });
  });

  it('resolves every subpath in `exports` and nothing internal', async () => {
    const script = [
      "const loaded = await Promise.all(['mnist-digits', 'mnist-digits/ml', 'mnist-digits/image', 'mnist-digits/server'].map((s) => import(s)));",
      'const checks = { root: typeof loaded[0].loadModelFile, ml: typeof loaded[1].predict, image: typeof loaded[2].imageToDigitInput, server: typeof loaded[3].createApp };',
      "let internal = 'importable';",
      "try { await import('mnist-digits/dist/node/model-file.js'); } catch (e) { internal = e.code; }",
      'console.log(JSON.stringify({ checks, internal }));',
    ].join('\n');
    await writeFile(path.join(consumer, 'subpaths.mjs'), script);
    const { stdout } = await sh(process.execPath, ['subpaths.mjs'], consumer);
    expect(JSON.parse(stdout)).toEqual({
      checks: { root: 'function', ml: 'function', image: 'function', server: 'function' },
      internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });

  it('bundles ./ml and ./image for a browser from the published files, and refuses the Node root there', async () => {
    const bundle = (contents: string) =>
      build({
        stdin: { contents, resolveDir: consumer, sourcefile: 'entry.js' },
        absWorkingDir: consumer,
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        plugins: [noNodeBuiltins(consumer)],
      });
    const pure = await bundle(
      "import { predict } from 'mnist-digits/ml';\nimport { imageToDigitInput } from 'mnist-digits/image';\nconsole.log(predict, imageToDigitInput);",
    );
    expect(pure.outputFiles?.[0]?.text.length).toBeGreaterThan(10_000);
    await expect(bundle("import { loadModelFile } from 'mnist-digits';\nconsole.log(loadModelFile);")).rejects.toThrow(
      /imports the Node built-in/,
    );
  });

  it('runs the CLI through npx: `mnist-digits predict <file>` prints a line with the digit', async () => {
    const sample = sampleTwo();
    const { stdout } = await sh('npx', ['--no', '--', 'mnist-digits', 'predict', sample], consumer);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path.basename(sample));
    expect(lines[0]?.slice(lines[0].indexOf(path.basename(sample)) + path.basename(sample).length)).toMatch(/^\D*2\b/);

    const json = await sh('npx', ['--no', '--', 'mnist-digits', 'predict', '--json', sample], consumer);
    expect(JSON.parse(json.stdout)).toEqual([{ file: sample, digit: 2, confidence: expect.any(Number) }]);
  });

  it('runs `mnist-digits --help`, listing the subcommands', async () => {
    const { stdout } = await sh('npx', ['--no', '--', 'mnist-digits', '--help'], consumer);
    for (const command of ['train', 'evaluate', 'predict', 'serve'])
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
  });
});

/**
 * A Node consumer using all four subpaths, and a browser consumer using only the pure ones without @types/node.
 * Each `@ts-expect-error` line must be an error: if the published types degraded to `any`, tsc would report the
 * directive as unused and fail.
 */
const NODE_CONSUMER = `
import { readFile } from 'node:fs/promises';
import { DEFAULT_MODEL_PATH, imageToDigitInput, loadModelFile, predict, type Prediction, type SvmModel } from 'mnist-digits';
import { MlError, parseModel, predictBatch, type MlErrorCode } from 'mnist-digits/ml';
import { DEFAULT_IMAGE_LIMITS, ImageError, type DigitInput, type ImageErrorCode } from 'mnist-digits/image';
import { createApp, createInProcessPredictor, type AppOptions } from 'mnist-digits/server';

const { model, sha256 }: { model: SvmModel; sha256: string } = await loadModelFile(DEFAULT_MODEL_PATH);
const input: DigitInput = imageToDigitInput(new Uint8Array(await readFile('digit.png')), { maxPixels: DEFAULT_IMAGE_LIMITS.maxPixels });
const first: Prediction = predict(model, input.pixels);
const all: Prediction[] = predictBatch(parseModel(JSON.parse('{}') as unknown), [input.pixels]);
const digit: number = first.digit + (all[0]?.confidence ?? 0);
const options: AppOptions = { predictor: createInProcessPredictor(model, sha256) };
const response: Response = await createApp(options).request('/healthz');
function codeOf(error: unknown): MlErrorCode | ImageErrorCode | undefined {
  if (error instanceof MlError || error instanceof ImageError) return error.code;
  return undefined;
}
// @ts-expect-error predict takes the model first
predict(input.pixels);
// @ts-expect-error a Prediction's digit is a number
const wrong: string = first.digit;
// @ts-expect-error internal modules are not part of the package's exports
await import('mnist-digits/dist/node/model-file.js');
console.log(digit, response.status, codeOf(null), wrong);
`;

const PURE_CONSUMER = `
import { parseModel, predict, type Prediction } from 'mnist-digits/ml';
import { encodeGrayPng, imageToDigitInput, type DigitInput } from 'mnist-digits/image';

export async function classify(modelUrl: string, file: Blob): Promise<Prediction> {
  const model = parseModel(await (await fetch(modelUrl)).json());
  const input: DigitInput = imageToDigitInput(new Uint8Array(await file.arrayBuffer()));
  const preview: Uint8Array = encodeGrayPng(input.pixels, 28, 28);
  console.log(preview.length);
  return predict(model, input.pixels);
}
`;

describe('the published types', () => {
  it('type-check a consumer of all four subpaths (NodeNext, strict)', async () => {
    await writeFile(path.join(consumer, 'node-consumer.ts'), NODE_CONSUMER);
    await writeFile(
      path.join(consumer, 'tsconfig.node.json'),
      JSON.stringify({
        // skipLibCheck: checking hono's and @types/node's own .d.ts would take 10 s; ours are checked below.
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          lib: ['ES2022'],
          types: ['node'],
          typeRoots: [NODE_TYPES],
        },
        files: ['node-consumer.ts'],
      }),
    );
    await sh(process.execPath, [TSC, '-p', 'tsconfig.node.json'], consumer);
  });

  it('type-check a browser consumer of ./ml and ./image without @types/node, their .d.ts files included', async () => {
    await writeFile(path.join(consumer, 'pure-consumer.ts'), PURE_CONSUMER);
    await writeFile(
      path.join(consumer, 'tsconfig.pure.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ['ES2022', 'DOM'],
          types: [],
          typeRoots: [],
        },
        files: ['pure-consumer.ts'],
      }),
    );
    await sh(process.execPath, [TSC, '-p', 'tsconfig.pure.json'], consumer);
  });

  it('reject a consumer that misuses them (the check above can fail)', async () => {
    await writeFile(
      path.join(consumer, 'bad-consumer.ts'),
      "import { predict } from 'mnist-digits/ml';\npredict(new Uint8Array(784));\n",
    );
    await writeFile(
      path.join(consumer, 'tsconfig.bad.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          typeRoots: [],
        },
        files: ['bad-consumer.ts'],
      }),
    );
    await expect(sh(process.execPath, [TSC, '-p', 'tsconfig.bad.json'], consumer)).rejects.toThrow(/TS2554/);
  });
});
