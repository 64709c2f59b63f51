import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PenVariantPlan } from './augment/pen-augmentation.js';
import { PIXELS } from '../shared/mnist.js';

/**
 * Where drawn pen variants are kept between training runs: `$XDG_CACHE_HOME/mnist-digits` (else
 * `~/.cache/mnist-digits`). Drawing the shipped configuration's 60,000 variants costs about a minute of CPU (about
 * 1.1 ms each, mostly src/image's stroke morphology and background fit; `npm run bench:pen`: 33 s on 2 threads of a
 * 2-core AMD EPYC); reading them back, a fraction of a second.
 */
export const DEFAULT_PEN_CACHE_DIR = path.join(
  process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'),
  'mnist-digits',
);

const PREFIX = 'pen-variants-';

/**
 * The modules whose code decides what a variant looks like: all of src/image (the upload normalization every variant
 * goes through) and src/training/augment (the pens and the plan), or their dist/ builds.
 */
async function drawingCode(): Promise<Uint8Array[]> {
  // Relative to this module's folder as one level below the root (src/training, dist/training), or to the bundled
  // command line's chunk in dist/cli (scripts/bundle-cli.mjs): the same paths hold for both.
  const dirs = ['../image/', '../training/augment/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
  const files = await Promise.all(
    dirs.map(async (dir) =>
      (await readdir(dir, { recursive: true }))
        .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
        .sort()
        .map((f) => path.join(dir, f)),
    ),
  );
  return Promise.all(files.flat().map((f) => readFile(f)));
}

/**
 * The cache key of a plan's drawing: the MNIST files (their SHA-256), the plan (which images, which pens) and the
 * drawing code itself, so editing any image module, the data or the options draws afresh.
 */
export async function penCacheKey(
  plan: PenVariantPlan,
  dataChecksums: Readonly<Record<string, string>>,
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(Object.entries(dataChecksums).sort()));
  hash.update(new Uint8Array(plan.sources.buffer, plan.sources.byteOffset, plan.sources.byteLength));
  hash.update(JSON.stringify(plan.pens));
  for (const code of await drawingCode()) hash.update(code);
  return hash.digest('hex').slice(0, 32);
}

/** Drawn variants as pen-threads produces them: n x 784 bytes, and one ok flag per variant. */
export interface DrawnVariants {
  readonly drawn: Uint8Array;
  readonly ok: Uint8Array;
}

/** The cached drawing for `key`, or undefined (missing, or not the size n variants take). */
export async function readPenCache(dir: string, key: string, n: number): Promise<DrawnVariants | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dir, `${PREFIX}${key}.bin`));
  } catch {
    return undefined;
  }
  if (bytes.length !== n * 785) return undefined;
  const all = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return { drawn: all.subarray(0, n * PIXELS), ok: all.subarray(n * PIXELS) };
}

/**
 * Stores a drawing under `key`, replacing any other cached drawing (one entry: 47 MB for 60,000 variants).
 * Written to a temporary name and renamed, so a crash never leaves a truncated entry.
 */
export async function writePenCache(dir: string, key: string, variants: DrawnVariants): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const old of await readdir(dir)) if (old.startsWith(PREFIX)) await rm(path.join(dir, old), { force: true });
  const file = path.join(dir, `${PREFIX}${key}.bin`);
  const tmp = `${file}.tmp-${process.pid}`;
  const bytes = new Uint8Array(variants.drawn.length + variants.ok.length);
  bytes.set(variants.drawn);
  bytes.set(variants.ok, variants.drawn.length);
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
