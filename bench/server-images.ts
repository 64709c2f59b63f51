import jpeg from 'jpeg-js';
import { encodeGrayPng } from '../src/image/index.js';
import { mulberry32 } from '../src/ml/rng.js';

/**
 * A 28x28 grayscale PNG of a "7" drawn as two thick strokes, white on black like MNIST.
 * @returns PNG bytes.
 */
export function smallDigitPng(): Uint8Array {
  const pixels = new Uint8Array(28 * 28);
  const stroke = (x0: number, y0: number, x1: number, y1: number) => {
    for (let t = 0; t <= 1; t += 0.01) {
      const x = x0 + (x1 - x0) * t;
      const y = y0 + (y1 - y0) * t;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const px = Math.round(x + dx);
          const py = Math.round(y + dy);
          if (px >= 0 && px < 28 && py >= 0 && py < 28) pixels[py * 28 + px] = 255;
        }
      }
    }
  };
  stroke(8, 7, 20, 7);
  stroke(20, 7, 12, 22);
  return encodeGrayPng(pixels, 28, 28);
}

/**
 * A 600x400 photo-like JPEG: a dark handwritten-looking "3" on light, unevenly lit, noisy paper.
 * @returns JPEG bytes (quality 85).
 */
export function photoDigitJpeg(): Uint8Array {
  const width = 600;
  const height = 400;
  const random = mulberry32(42);
  const data = new Uint8Array(width * height * 4);
  // Distance from each pixel to the digit's strokes: two arcs of a "3" around (300, 200).
  const ink = (x: number, y: number): number => {
    let best = Infinity;
    for (const cy of [140, 260]) {
      const r = Math.hypot(x - 300, y - cy);
      const angle = Math.atan2(y - cy, x - 300);
      // The open side of the 3 faces left: skip angles pointing left.
      if (Math.abs(angle) < 2.2) best = Math.min(best, Math.abs(r - 58));
    }
    return best;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Paper: bright, with a lighting gradient and grain.
      let v = 225 - 35 * (x / width) - 15 * (y / height) + (random() - 0.5) * 24;
      const d = ink(x, y);
      if (d < 9) v = 45 + d * 4 + (random() - 0.5) * 20;
      const i = (y * width + x) * 4;
      const g = Math.max(0, Math.min(255, Math.round(v)));
      data[i] = Math.min(255, g + 6);
      data[i + 1] = g;
      data[i + 2] = Math.max(0, g - 10);
      data[i + 3] = 255;
    }
  }
  return new Uint8Array(jpeg.encode({ data, width, height }, 85).data);
}

/**
 * Builds a multipart/form-data body with one `file` field (autocannon sends a fixed byte body).
 * @param filename - The field's file name.
 * @param type - The file's content type.
 * @param bytes - The file.
 * @returns Body and its content-type header.
 */
export function multipartBody(
  filename: string,
  type: string,
  bytes: Uint8Array,
): { body: Buffer; contentType: string } {
  const boundary = '----bench-boundary-7d2f1c';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
