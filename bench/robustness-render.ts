/**
 * Renders MNIST test digits the ways people send them (pure TS on pixel arrays, encoded with upng-js / jpeg-js),
 * for bench/robustness.ts. Every render is seeded, so a run is reproducible.
 */
import UPNG from 'upng-js';
import jpeg from 'jpeg-js';
import { encodePng } from '../src/image/encode-png.js';
import { areaResample } from '../src/image/resample.js';
import { mulberry32 } from '../src/ml/rng.js';

/** An ink map: values in [0, 1], 1 = full ink. */
export interface InkMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A deterministic PRNG (mulberry32, from src/ml), so the same seed renders the same pictures. */
export const seeded = mulberry32;

/** Standard normal sample (Box-Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The 28x28 MNIST digit as an ink map. */
export function fromMnist(pixels: Uint8Array): InkMap {
  return { width: 28, height: 28, data: Float32Array.from(pixels, (v) => v / 255) };
}

/** Bilinear sample with zero outside. */
function sample(m: InkMap, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number =>
    xx < 0 || yy < 0 || xx >= m.width || yy >= m.height ? 0 : (m.data[yy * m.width + xx] as number);
  return (
    (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
    (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
  );
}

/**
 * Places the ink map, scaled by `scale` and rotated by `degrees` about its centre, on a `width` x `height`
 * canvas with its centre at (cx, cy) (bilinear; a smooth enlargement like a pen stroke, not blocky pixels).
 */
export function place(
  m: InkMap,
  width: number,
  height: number,
  scale: number,
  cx: number,
  cy: number,
  degrees = 0,
): InkMap {
  const out = new Float32Array(width * height);
  const cos = Math.cos((degrees * Math.PI) / 180);
  const sin = Math.sin((degrees * Math.PI) / 180);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - cx) / scale;
      const dy = (y + 0.5 - cy) / scale;
      const sx = cos * dx + sin * dy + m.width / 2 - 0.5;
      const sy = -sin * dx + cos * dy + m.height / 2 - 0.5;
      out[y * width + x] = sample(m, sx, sy);
    }
  }
  return { width, height, data: out };
}

/** Makes strokes binary-sharp at `level` with a 1 px anti-aliased ramp, like a pen rather than a blurred scan. */
export function sharpen(m: InkMap, level = 0.35): InkMap {
  return { ...m, data: m.data.map((v) => Math.min(1, Math.max(0, (v - level) * 4 + 0.5))) };
}

/** Grey-level dilation (radius > 0, thicker strokes) or erosion (radius < 0, thinner) with a disc. */
export function morph(m: InkMap, radius: number): InkMap {
  const r = Math.abs(radius);
  const out = new Float32Array(m.data.length);
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      let best = radius > 0 ? 0 : 1;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const xx = x + dx;
          const yy = y + dy;
          const v = xx < 0 || yy < 0 || xx >= m.width || yy >= m.height ? 0 : (m.data[yy * m.width + xx] as number);
          best = radius > 0 ? Math.max(best, v) : Math.min(best, v);
        }
      }
      out[y * m.width + x] = best;
    }
  }
  return { ...m, data: out };
}

/** Separable Gaussian blur with standard deviation `sigma` pixels. */
export function blur(m: InkMap, sigma: number): InkMap {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = k.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < m.height; y++) {
      for (let x = 0; x < m.width; x++) {
        let s = 0;
        for (let i = -r; i <= r; i++) {
          const xx = horizontal ? Math.min(m.width - 1, Math.max(0, x + i)) : x;
          const yy = horizontal ? y : Math.min(m.height - 1, Math.max(0, y + i));
          s += (k[i + r] as number) * (src[yy * m.width + xx] as number);
        }
        out[y * m.width + x] = s / total;
      }
    }
    return out;
  };
  return { ...m, data: pass(pass(m.data, true), false) };
}

/** An RGB colour, components 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Paints the ink on paper: each pixel mixes paper and ink colour by the ink value, with an optional linear
 * illumination gradient (multiplies the paper, darker towards one corner) and Gaussian noise.
 */
export function paint(
  m: InkMap,
  options: { paper: Rgb; ink: Rgb; gradient?: number; noise?: number; random?: () => number },
): Uint8Array {
  const rgba = new Uint8Array(m.width * m.height * 4);
  const random = options.random ?? seeded(1);
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      const i = y * m.width + x;
      const v = m.data[i] as number;
      const light = 1 - (options.gradient ?? 0) * ((x / m.width + y / m.height) / 2);
      const n = options.noise ? gaussian(random) * options.noise * 255 : 0;
      for (let c = 0; c < 3; c++) {
        const paper = (options.paper[c] as number) * light;
        rgba[i * 4 + c] = clampByte(paper * (1 - v) + (options.ink[c] as number) * v + n);
      }
      rgba[i * 4 + 3] = 255;
    }
  }
  return rgba;
}

/** Strokes of colour `ink` whose alpha is the ink value, on a fully transparent canvas (a drawing app's export). */
export function paintTransparent(m: InkMap, ink: Rgb): Uint8Array {
  const rgba = new Uint8Array(m.width * m.height * 4);
  for (let i = 0; i < m.data.length; i++) {
    rgba[i * 4] = ink[0];
    rgba[i * 4 + 1] = ink[1];
    rgba[i * 4 + 2] = ink[2];
    rgba[i * 4 + 3] = clampByte((m.data[i] as number) * 255);
  }
  return rgba;
}

/** Encodes RGBA with upng-js (lossless); falls back to the stored-deflate encoder when upng-js 2.1 truncates. */
export function toPng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const png = new Uint8Array(UPNG.encode([rgba.slice().buffer], width, height, 0));
  const iend = png.length >= 12 && String.fromCharCode(...png.subarray(png.length - 8, png.length - 4)) === 'IEND';
  return iend ? png : encodePng(rgba, width, height, 4);
}

/** Encodes RGBA as a baseline JPEG of the given quality (1-100) with jpeg-js. */
export function toJpeg(rgba: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** The bounding box of the pixels whose ink is above `level`, or undefined when there are none. */
export function inkBox(m: InkMap, level: number): { x: number; y: number; width: number; height: number } | undefined {
  let minX = m.width;
  let minY = m.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      if ((m.data[y * m.width + x] as number) <= level) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return maxX < 0 ? undefined : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** Ink at or above this level is what a person cropping tightly keeps inside the frame (the stroke, not its halo). */
export const TIGHT_CROP_LEVEL = 0.5;

/**
 * Crops the ink map to the box of its solid ink (above TIGHT_CROP_LEVEL): the strokes touch all four edges, as in
 * a phone photo cropped around the digit or a form's box cut out. A map with no solid ink is returned as is.
 */
export function tightCrop(m: InkMap): InkMap {
  const box = inkBox(m, TIGHT_CROP_LEVEL);
  if (box === undefined) return m;
  const data = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++)
    data.set(m.data.subarray((box.y + y) * m.width + box.x, (box.y + y) * m.width + box.x + box.width), y * box.width);
  return { width: box.width, height: box.height, data };
}

/**
 * Captures the 28x28 digit at low resolution: the MNIST frame is area-averaged (what a sensor or a scanner at low
 * DPI integrates) so the digit's 20 px box becomes `digitSize` px, then its ink is quantized to `levels` grey
 * levels (old scans, thumbnails and indexed-colour files keep few). Returns the small map, margin included.
 */
export function lowResolution(m: InkMap, digitSize: number, levels: number): InkMap {
  const side = Math.max(1, Math.round((m.width * digitSize) / 20));
  const out = areaResample(m, { x: 0, y: 0, width: m.width, height: m.height }, side, side);
  const steps = Math.max(1, levels - 1);
  return {
    width: side,
    height: side,
    data: out.data.map((v) => Math.round(Math.min(1, Math.max(0, v)) * steps) / steps),
  };
}

/**
 * Enlarges a map by an integer factor, as a sender does with a small picture: `nearest` repeats each pixel into a
 * factor x factor block (blocky), `bilinear` interpolates between pixel centres (blurry).
 */
export function upscale(m: InkMap, factor: number, filter: 'nearest' | 'bilinear'): InkMap {
  const width = m.width * factor;
  const height = m.height * factor;
  const data = new Float32Array(width * height);
  const at = (x: number, y: number): number =>
    m.data[Math.min(m.height - 1, Math.max(0, y)) * m.width + Math.min(m.width - 1, Math.max(0, x))] as number;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (filter === 'nearest') {
        data[y * width + x] = at(Math.floor(x / factor), Math.floor(y / factor));
        continue;
      }
      const sx = (x + 0.5) / factor - 0.5;
      const sy = (y + 0.5) / factor - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      data[y * width + x] =
        (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
        (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  return { width, height, data };
}
