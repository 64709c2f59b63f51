import { selectRows, type Dataset } from '../ml/dataset.js';
import { deskewAll } from '../ml/deskew.js';
import { mulberry32, permutation } from '../ml/rng.js';
import { ImageError } from '../image/errors.js';
import { penVariantInput, type PenVariant } from '../image/pen-variants.js';

/**
 * Dilation radii (28x28 pixels) of the thicker pens, drawn uniformly: from a little over MNIST's widest strokes to
 * a felt-tip whose strokes are about 3x MNIST's median.
 */
export const THICKER_RADIUS = [1, 2] as const;
/** Ink levels a thinner pen keeps, drawn uniformly: from a fine pen (0.6) to one that keeps only the darkest core. */
export const THINNER_LEVEL = [0.6, 0.9] as const;
/** Share of the variants drawn with a thicker pen; the rest are thinner. */
const THICKER_SHARE = 2 / 3;

/** Training digits redrawn with other pens and normalized, deskewed, with the training image each came from. */
export interface PenVariants {
  /** Index in the training set of the image each variant redraws (ascending). */
  readonly sources: Int32Array;
  /** The variants, deskewed like every training row. */
  readonly data: Dataset;
  /** 1 where the variant was drawn with a thicker pen, 0 for a thinner one. */
  readonly thicker: Uint8Array;
  /** Variants dropped because the pen left no ink (normalization found no digit). */
  readonly skipped: number;
}

/** Which training images get redrawn, and with which pen: drawn from the seed before any drawing starts. */
export interface PenVariantPlan {
  /** Index in the training set of each image to redraw. */
  readonly sources: Int32Array;
  readonly pens: readonly PenVariant[];
}

/**
 * Chooses `count` training images among `candidates` (at most one variant each) and a pen for each: two thirds
 * thicker, the rest thinner. Only images the model may train on belong in `candidates`: a held-out validation
 * image must not reach training through its variant.
 * @param candidates indices into the training set
 * @param count how many variants
 * @param seed drives both the choice of images and the pens
 */
export function planPenVariants(candidates: ArrayLike<number>, count: number, seed: number): PenVariantPlan {
  const random = mulberry32(seed);
  const order = permutation(candidates.length, random);
  const sources = Int32Array.from(order.subarray(0, Math.min(count, candidates.length)), (k) => candidates[k] as number);
  const thickerCount = Math.round(sources.length * THICKER_SHARE);
  const pens = Array.from(sources, (_, k): PenVariant =>
    k < thickerCount ? { kind: 'thicker', radius: between(random, THICKER_RADIUS) } : { kind: 'thinner', level: between(random, THINNER_LEVEL) },
  );
  return { sources, pens };
}

/**
 * Draws the planned variants of `images` (one 784-byte image per planned source, in plan order) through the upload
 * pipeline (penVariantInput), from `start` to `end`, into `out`; `ok[k]` is set to 1 for each variant drawn and
 * left 0 when the pen left no ink.
 */
export function drawPenVariants(images: Uint8Array, plan: PenVariantPlan, start: number, end: number, out: Uint8Array, ok: Uint8Array): void {
  for (let k = start; k < end; k++) {
    try {
      out.set(penVariantInput(images.subarray(k * 784, (k + 1) * 784), plan.pens[k] as PenVariant), k * 784);
      ok[k] = 1;
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
    }
  }
}

/**
 * Collects drawn variants (see {@link drawPenVariants}) into a deskewed set ordered by source image.
 * @param labels the training set's labels
 */
export function collectPenVariants(labels: Uint8Array, plan: PenVariantPlan, drawn: Uint8Array, ok: Uint8Array): PenVariants {
  const kept = Array.from(plan.sources.keys()).filter((k) => ok[k] === 1);
  kept.sort((a, b) => (plan.sources[a] as number) - (plan.sources[b] as number));
  const images = new Uint8Array(kept.length * 784);
  kept.forEach((k, row) => images.set(drawn.subarray(k * 784, (k + 1) * 784), row * 784));
  return {
    sources: Int32Array.from(kept, (k) => plan.sources[k] as number),
    data: { images: deskewAll(images, kept.length), labels: Uint8Array.from(kept, (k) => labels[plan.sources[k] as number] as number), count: kept.length },
    thicker: Uint8Array.from(kept, (k) => (plan.pens[k]?.kind === 'thicker' ? 1 : 0)),
    skipped: plan.sources.length - kept.length,
  };
}

/**
 * Plans, draws and collects pen variants on the calling thread (see the threaded version in pen-threads).
 * @param raw the training set as loaded (not deskewed)
 */
export function makePenVariants(raw: Dataset, candidates: ArrayLike<number>, count: number, seed: number): PenVariants {
  const plan = planPenVariants(candidates, count, seed);
  const images = selectRows(raw, plan.sources).images;
  const drawn = new Uint8Array(images.length);
  const ok = new Uint8Array(plan.sources.length);
  drawPenVariants(images, plan, 0, plan.sources.length, drawn, ok);
  return collectPenVariants(raw.labels, plan, drawn, ok);
}

/**
 * The training rows at `indices` (sorted) of the deskewed set, followed by the variants of exactly those rows.
 * @returns the combined set and how many of its rows are variants of each kind
 */
export function withPenVariants(
  deskewed: Dataset,
  indices: Int32Array,
  variants: PenVariants | undefined,
): { data: Dataset; thicker: number; thinner: number } {
  const base = indices.length === deskewed.count ? deskewed : selectRows(deskewed, indices);
  if (variants === undefined || variants.data.count === 0) return { data: base, thicker: 0, thinner: 0 };
  const included = new Set<number>(indices);
  const rows: number[] = [];
  let thicker = 0;
  variants.sources.forEach((source, k) => {
    if (!included.has(source)) return;
    rows.push(k);
    thicker += variants.thicker[k] as number;
  });
  const extra = selectRows(variants.data, rows);
  const images = new Uint8Array((base.count + extra.count) * 784);
  images.set(base.images);
  images.set(extra.images, base.images.length);
  const labels = new Uint8Array(base.count + extra.count);
  labels.set(base.labels);
  labels.set(extra.labels, base.count);
  return { data: { images, labels, count: base.count + extra.count }, thicker, thinner: extra.count - thicker };
}

function between(random: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * random();
}
