import { selectRows, type Dataset } from './dataset.js';
import { MlError } from './errors.js';
import { MNIST_SIZE, PIXELS } from '../shared/mnist.js';

/** A move of a 28x28 image by whole pixels: `dx` to the right, `dy` down. */
export interface PixelShift {
  readonly dx: number;
  readonly dy: number;
}

/** One-pixel moves left, right, up and down: the 4-direction virtual support vectors. */
export const SHIFTS_4: readonly PixelShift[] = [
  { dx: 1, dy: 0 },
  { dx: -1, dy: 0 },
  { dx: 0, dy: 1 },
  { dx: 0, dy: -1 },
];

/** {@link SHIFTS_4} plus the four diagonal one-pixel moves: the 8-direction virtual support vectors. */
export const SHIFTS_8: readonly PixelShift[] = [
  ...SHIFTS_4,
  { dx: 1, dy: 1 },
  { dx: 1, dy: -1 },
  { dx: -1, dy: 1 },
  { dx: -1, dy: -1 },
];

const SIDE = MNIST_SIZE;

/**
 * Copies a 28x28 image moved by `shift` into `out` (784 bytes), filling what comes in from the edge with 0
 * (background); ink moved past an edge is lost, which MNIST's 4-pixel margin makes rare.
 */
export function shiftImage(image: Uint8Array, shift: PixelShift, out: Uint8Array): void {
  if (image.length !== PIXELS || out.length !== PIXELS) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `shiftImage needs ${PIXELS}-byte images, got ${image.length} and ${out.length}`,
    );
  }
  out.fill(0);
  const { dx, dy } = shift;
  for (let y = Math.max(0, dy); y < Math.min(SIDE, SIDE + dy); y++) {
    const from = (y - dy) * SIDE;
    const to = y * SIDE;
    for (let x = Math.max(0, dx); x < Math.min(SIDE, SIDE + dx); x++) out[to + x] = image[from + x - dx] as number;
  }
}

/**
 * Virtual support vectors (Schoelkopf, Burges & Vapnik 1996; DeCoste & Schoelkopf 2002, "Training invariant support
 * vector machines"): the rows at `rows` (the first model's support vectors), followed by the rows at `moved` (all of
 * `rows` by default) moved by every shift in turn (all moved by the first shift, then all by the second, ...). A
 * second SVM trained on this set learns the translation invariance the first lacked, at the cost of a few times the
 * support vectors' count of rows instead of the whole training set times the shifts.
 * @param data deskewed training rows (jittering after deskewing is what the model sees at prediction: it deskews
 *   its input, so a shifted digit reaches the kernel shifted)
 * @param rows indices into `data`, each once
 * @param moved indices into `data` whose moves are added (usually a subset of `rows`)
 * @returns `rows.length + moved.length * shifts.length` rows
 */
export function withVirtualSupportVectors(
  data: Dataset,
  rows: ArrayLike<number>,
  shifts: readonly PixelShift[],
  moved: ArrayLike<number> = rows,
): Dataset {
  const base = selectRows(data, rows);
  const source = moved === rows ? base : selectRows(data, moved);
  const count = base.count + source.count * shifts.length;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  images.set(base.images);
  labels.set(base.labels);
  shifts.forEach((shift, s) => {
    const offset = base.count + s * source.count;
    for (let k = 0; k < source.count; k++) {
      shiftImage(
        source.images.subarray(k * PIXELS, (k + 1) * PIXELS),
        shift,
        images.subarray((offset + k) * PIXELS, (offset + k + 1) * PIXELS),
      );
    }
    labels.set(source.labels, offset);
  });
  return { images, labels, count };
}

/**
 * The training rows that are a support vector of at least one of the problems, ascending; with `limit`, only the
 * `limit` of them with the largest |alpha| in any problem (ties: the lower row), the ones that weigh most in the
 * decision: virtual support vectors multiply the support vectors, and prediction costs time per support vector.
 */
export function supportVectorRows(
  solutions: readonly { readonly indices: Int32Array; readonly coefficients: Float64Array }[],
  limit = Infinity,
): Int32Array {
  const weight = new Map<number, number>();
  for (const s of solutions) {
    s.indices.forEach((t, k) => weight.set(t, Math.max(weight.get(t) ?? 0, Math.abs(s.coefficients[k] as number))));
  }
  const rows = [...weight.keys()];
  if (rows.length > limit)
    rows.sort((a, b) => (weight.get(b) as number) - (weight.get(a) as number) || a - b).splice(limit);
  return Int32Array.from(rows).sort();
}
