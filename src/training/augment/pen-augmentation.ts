import { concatRows, selectRows, type Dataset } from '../../ml/dataset.js';
import { deskewAll } from '../../ml/deskew.js';
import { mulberry32, permutation } from '../../ml/rng.js';
import { ImageError } from '../../image/errors.js';
import { assertUnreachable } from '../../shared/checks.js';
import { penVariantInput, type PenVariant } from './pen-variants.js';
import { PIXELS } from '../../shared/mnist.js';

/** The pens training digits are redrawn with; a variant's index here is its entry in {@link PenVariants.kinds}. */
export const PEN_KINDS = ['thicker', 'thinner', 'fine'] as const;
/** One of {@link PEN_KINDS}. */
export type PenKind = (typeof PEN_KINDS)[number];

/**
 * Each pen's share of the variants and the range its parameter is drawn from, uniformly (see PenVariant):
 * - thicker: dilation radius, 28x28 px, from a little over MNIST's widest strokes to a felt-tip ~3x its median;
 * - thinner: the ink level kept, from a fine pen (0.6) to one that keeps only the darkest core;
 * - fine: the width of a pen retracing the skeleton, 28x28 px, from a hairline to about MNIST's narrowest strokes.
 * Chosen on 10,000 held-out training digits rendered like the robustness bench's stroke rows (docs/IMAGES.md).
 */
export const PEN_MIX = {
  thicker: { share: 0.5, range: [1, 2] },
  thinner: { share: 0.25, range: [0.6, 0.9] },
  fine: { share: 0.25, range: [0.6, 1.3] },
} as const satisfies Record<PenKind, { readonly share: number; readonly range: readonly [number, number] }>;

/** Training digits redrawn with other pens and normalized, deskewed, with the training image each came from. */
export interface PenVariants {
  /** Index in the training set of the image each variant redraws (ascending). */
  readonly sources: Int32Array;
  /** The variants, deskewed like every training row. */
  readonly data: Dataset;
  /** The pen of each variant: its index in {@link PEN_KINDS}. */
  readonly kinds: Uint8Array;
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
 * Chooses `count` training images among `candidates` (at most one variant each) and a pen for each, in the
 * proportions of {@link PEN_MIX}. Only images the model may train on belong in `candidates`: a held-out validation
 * image must not reach training through its variant.
 * @param candidates indices into the training set
 * @param count how many variants
 * @param seed drives both the choice of images and the pens
 */
export function planPenVariants(candidates: ArrayLike<number>, count: number, seed: number): PenVariantPlan {
  const random = mulberry32(seed);
  const order = permutation(candidates.length, random);
  const sources = Int32Array.from(
    order.subarray(0, Math.min(count, candidates.length)),
    (k) => candidates[k] as number,
  );
  // Cumulative shares, rounded once, so the counts add up to exactly `sources.length`.
  let cumulative = 0;
  const ends = PEN_KINDS.map((kind) => Math.round(sources.length * (cumulative += PEN_MIX[kind].share)));
  const pens = Array.from(sources, (_, k): PenVariant => {
    const kind = PEN_KINDS[ends.findIndex((end) => k < end)] ?? 'fine';
    const value = between(random, PEN_MIX[kind].range);
    switch (kind) {
      case 'thicker':
        return { kind, radius: value };
      case 'thinner':
        return { kind, level: value };
      case 'fine':
        return { kind, width: value };
      default:
        return assertUnreachable(kind, 'pen kind');
    }
  });
  return { sources, pens };
}

/**
 * Draws the planned variants of `images` (one 784-byte image per planned source, in plan order) through the upload
 * pipeline (penVariantInput), from `start` to `end`, into `out`; `ok[k]` is set to 1 for each variant drawn and
 * left 0 when the pen left no ink.
 */
export function drawPenVariants(
  images: Uint8Array,
  plan: PenVariantPlan,
  start: number,
  end: number,
  out: Uint8Array,
  ok: Uint8Array,
): void {
  for (let k = start; k < end; k++) {
    try {
      out.set(penVariantInput(images.subarray(k * PIXELS, (k + 1) * PIXELS), plan.pens[k] as PenVariant), k * PIXELS);
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
export function collectPenVariants(
  labels: Uint8Array,
  plan: PenVariantPlan,
  drawn: Uint8Array,
  ok: Uint8Array,
): PenVariants {
  const kept = Array.from(plan.sources.keys()).filter((k) => ok[k] === 1);
  kept.sort((a, b) => (plan.sources[a] as number) - (plan.sources[b] as number));
  const images = new Uint8Array(kept.length * PIXELS);
  kept.forEach((k, row) => images.set(drawn.subarray(k * PIXELS, (k + 1) * PIXELS), row * PIXELS));
  return {
    sources: Int32Array.from(kept, (k) => plan.sources[k] as number),
    data: {
      images: deskewAll(images, kept.length),
      labels: Uint8Array.from(kept, (k) => labels[plan.sources[k] as number] as number),
      count: kept.length,
    },
    kinds: Uint8Array.from(kept, (k) => PEN_KINDS.indexOf((plan.pens[k] as PenVariant).kind)),
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

/** How many variants of each pen a training set holds. */
export type PenCounts = Record<PenKind, number>;

/**
 * The training rows at `indices` (sorted) of the deskewed set, followed by the variants of exactly those rows.
 * @returns the combined set and how many of its rows are variants of each pen
 */
export function withPenVariants(
  deskewed: Dataset,
  indices: Int32Array,
  variants: PenVariants | undefined,
): { data: Dataset; counts: PenCounts } {
  const base = indices.length === deskewed.count ? deskewed : selectRows(deskewed, indices);
  const counts: PenCounts = { thicker: 0, thinner: 0, fine: 0 };
  if (variants === undefined || variants.data.count === 0) return { data: base, counts };
  const included = new Set<number>(indices);
  const rows: number[] = [];
  variants.sources.forEach((source, k) => {
    if (!included.has(source)) return;
    rows.push(k);
    counts[PEN_KINDS[variants.kinds[k] as number] as PenKind]++;
  });
  return { data: concatRows(base, selectRows(variants.data, rows)), counts };
}

function between(random: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * random();
}
