import { createGray, type GrayImage } from './gray.js';

/** Alpha below this (of 255) counts as transparent when deciding whether an image uses transparency at all. */
const TRANSPARENT_ALPHA = 250;

/**
 * Converts RGBA to luminance in [0, 1] (ITU-R BT.601 luma weights, which is what "grey" meant for the scanned
 * NIST forms), compositing transparency over a backdrop that contrasts with the visible content: dark strokes on a
 * transparent canvas are laid over white, white strokes over black. Compositing over a fixed white would erase
 * white-on-transparent drawings, over black would erase the (more common) black-on-transparent ones.
 * @param rgba width*height*4 bytes, non-premultiplied
 * @param width columns
 * @param height rows
 * @returns the luminance image
 */
export function rgbaToLuminance(rgba: Uint8Array, width: number, height: number): GrayImage {
  const out = createGray(width, height);
  const n = width * height;
  let transparent = 0;
  let alphaSum = 0;
  let lumaAlphaSum = 0;
  for (let i = 0; i < n; i++) {
    const a = (rgba[i * 4 + 3] as number) / 255;
    const luma = lumaOf(rgba[i * 4] as number, rgba[i * 4 + 1] as number, rgba[i * 4 + 2] as number);
    out.data[i] = luma;
    if ((rgba[i * 4 + 3] as number) < TRANSPARENT_ALPHA) transparent++;
    alphaSum += a;
    lumaAlphaSum += a * luma;
  }
  if (transparent === 0) return out;
  // Mean luminance of what is visible, weighted by opacity; a fully transparent image has nothing visible and
  // becomes a uniform backdrop (later reported as "no digit").
  const visible = alphaSum > 0 ? lumaAlphaSum / alphaSum : 0;
  const backdrop = visible < 0.5 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const a = (rgba[i * 4 + 3] as number) / 255;
    out.data[i] = a * (out.data[i] as number) + (1 - a) * backdrop;
  }
  return out;
}

/**
 * {@link rgbaToLuminance} of an opaque 8-bit grey or RGB picture given as it is stored (1 or 3 bytes a pixel): the
 * same values, to the bit, without first spreading the pixels into RGBA (a PNG's pixels are read as upng-js unpacks
 * them: a 600x150 RGB picture's conversion to RGBA and back took ~0.8 ms of a ~16 ms number reading).
 * @param pixels width*height*channels bytes (more are ignored)
 * @param channels 1 (grey, as R = G = B) or 3 (RGB)
 * @param width columns
 * @param height rows
 * @returns the luminance image
 */
export function opaqueToLuminance(pixels: Uint8Array, channels: 1 | 3, width: number, height: number): GrayImage {
  const out = createGray(width, height);
  const n = width * height;
  if (channels === 1) {
    for (let i = 0; i < n; i++) {
      const v = pixels[i] as number;
      out.data[i] = lumaOf(v, v, v);
    }
    return out;
  }
  for (let i = 0, j = 0; i < n; i++, j += 3)
    out.data[i] = lumaOf(pixels[j] as number, pixels[j + 1] as number, pixels[j + 2] as number);
  return out;
}

/** BT.601 luma of 8-bit red, green and blue, in [0, 1] (one expression, so every path rounds alike). */
function lumaOf(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}
