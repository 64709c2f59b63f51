import { MNIST_SIZE } from '../shared/mnist.js';
import type { GrayImage } from './gray.js';
import { areaResample } from './resample.js';

export { MNIST_SIZE };

/**
 * Where MNIST puts the centre of mass, in pixel units with pixel x covering [x, x+1): the centre of pixel (14, 14).
 * Measured on the 10,000 test images: mean (14.51, 14.49) (`npx tsx bench/robustness.ts --com`).
 */
export const MNIST_CENTER = 14.5;
/** MNIST's digit box: the longer side of the digit is scaled to 20 pixels (LeCun et al. 1998, section III.A). */
export const MNIST_BOX = 20;

/**
 * Scales a cropped digit so its longer side is 20 px, keeping the aspect ratio, with area averaging.
 * @param digit the cropped digit, ink in [0, 1]
 * @param box the longer side after scaling (MNIST: 20)
 * @returns the scaled digit (longer side `box`, shorter side at least 1)
 */
export function fitToBox(digit: GrayImage, box = MNIST_BOX): GrayImage {
  const scale = box / Math.max(digit.width, digit.height);
  const width = Math.max(1, Math.min(box, Math.round(digit.width * scale)));
  const height = Math.max(1, Math.min(box, Math.round(digit.height * scale)));
  return areaResample(digit, { x: 0, y: 0, width: digit.width, height: digit.height }, width, height);
}

/**
 * Places the digit in the 28x28 frame so its centre of mass lands on MNIST's centre (pixel 14, 14). When the
 * digit's mass is so lopsided that the shift would push ink out of the frame (MNIST clipped it), the digit is
 * shrunk just enough to fit instead, so no ink is lost and the centre of mass stays centred.
 * @param digit the scaled digit (at most 20x20), ink in [0, 1]
 * @returns 784 bytes, row-major, 0..255 white ink on black
 */
export function placeByCenterOfMass(digit: GrayImage): Uint8Array {
  let patch = digit;
  const before = MNIST_CENTER;
  const after = MNIST_SIZE - MNIST_CENTER;
  const com = centerOfMass(patch);
  // Largest shrink factor s with s*com and s*(size - com) both within the frame around the centre on each axis.
  const fit = Math.min(
    1,
    before / Math.max(com.x, 1e-9),
    after / Math.max(patch.width - com.x, 1e-9),
    before / Math.max(com.y, 1e-9),
    after / Math.max(patch.height - com.y, 1e-9),
  );
  if (fit < 1) {
    const width = Math.max(1, Math.floor(patch.width * fit));
    const height = Math.max(1, Math.floor(patch.height * fit));
    patch = areaResample(patch, { x: 0, y: 0, width: patch.width, height: patch.height }, width, height);
  }
  const c = centerOfMass(patch);
  const offsetX = clamp(Math.round(MNIST_CENTER - c.x), 0, MNIST_SIZE - patch.width);
  const offsetY = clamp(Math.round(MNIST_CENTER - c.y), 0, MNIST_SIZE - patch.height);
  const out = new Uint8Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < patch.height; y++) {
    for (let x = 0; x < patch.width; x++) {
      const v = patch.data[y * patch.width + x] as number;
      out[(y + offsetY) * MNIST_SIZE + x + offsetX] = Math.round(clamp(v, 0, 1) * 255);
    }
  }
  return out;
}

/**
 * Intensity-weighted centre of mass, with pixel (x, y) covering [x, x+1) x [y, y+1) so its centre is x + 0.5;
 * MNIST's centre is then {@link MNIST_CENTER}. A blank image's centre is its geometric centre.
 * @param image ink image
 * @returns the centre in pixel units
 */
export function centerOfMass(image: {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}): { x: number; y: number } {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x] as number;
      total += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return total > 0 ? { x: sx / total, y: sy / total } : { x: image.width / 2, y: image.height / 2 };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
