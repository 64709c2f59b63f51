import type { Orientation } from './exif.js';
import { createGray, type GrayImage } from './gray.js';

/**
 * Turns an image upright according to its Exif orientation (TIFF 6.0 tag 274 / Exif 2.32 table 4).
 * @param image the image as stored
 * @param orientation 1 (upright) to 8
 * @returns the upright image (the same object for orientation 1)
 */
export function applyOrientation(image: GrayImage, orientation: Orientation): GrayImage {
  if (orientation === 1) return image;
  const { width: w, height: h } = image;
  const swap = orientation >= 5; // 5-8 transpose the axes
  const out = createGray(swap ? h : w, swap ? w : h);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      // (sx, sy): where the output pixel (x, y) is read from in the stored image.
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          sy = y;
          break; // mirrored horizontally
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break; // rotated 180
        case 4:
          sx = x;
          sy = h - 1 - y;
          break; // mirrored vertically
        case 5:
          sx = y;
          sy = x;
          break; // transposed
        case 6:
          sx = y;
          sy = h - 1 - x;
          break; // stored rotated 90 counter-clockwise: turn clockwise
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break; // transversed
        case 8:
          sx = w - 1 - y;
          sy = x;
          break; // stored rotated 90 clockwise: turn counter-clockwise
      }
      out.data[y * out.width + x] = image.data[sy * w + sx] as number;
    }
  }
  return out;
}
