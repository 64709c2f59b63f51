import type { GrayImage } from './gray.js';

/**
 * Undoes a nearest-neighbour enlargement: when every row and column of the picture repeats in aligned runs of k
 * (a small picture a sender blew up k times, "blocky"), returns the picture at its own resolution (one pixel per
 * block), so the digit is then enlarged smoothly rather than read as a staircase. Anything else (a photo, a
 * drawing, a JPEG, whose blocks are never exactly equal) is returned as is.
 * @param image luminance image
 * @returns the image reduced by its block factor, or the image itself when there is none (factor 1)
 */
export function undoBlockEnlargement(image: GrayImage): GrayImage {
  const k = blockFactor(image);
  if (k === 1) return image;
  const width = Math.ceil(image.width / k);
  const height = Math.ceil(image.height / k);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = image.data[y * k * image.width + x * k] as number;
  return { width, height, data };
}

/**
 * The largest k such that the picture changes only between rows and between columns at multiples of k: the
 * greatest common divisor of the positions where a column differs from the one before it, and of those where a
 * row does. 1 when there is no such k (or the picture is uniform: nothing to undo).
 * @param image luminance image
 * @returns the block factor, 1 for none
 */
export function blockFactor(image: GrayImage): number {
  const { width: w, height: h, data } = image;
  let k = 0;
  for (let x = 1; x < w && k !== 1; x++) {
    for (let y = 0; y < h; y++) {
      if (data[y * w + x] !== data[y * w + x - 1]) {
        k = gcd(k, x);
        break;
      }
    }
  }
  for (let y = 1; y < h && k !== 1; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x] !== data[(y - 1) * w + x]) {
        k = gcd(k, y);
        break;
      }
    }
  }
  return k === 0 ? 1 : k;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
