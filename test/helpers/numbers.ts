import { encodeGrayPng } from '../../src/image/index.js';
import { mnistTest } from '../server/fixtures.js';

/** A picture of a number written with MNIST test digits, and what it says. */
export interface NumberPicture {
  readonly png: Uint8Array<ArrayBuffer>;
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

/**
 * Writes MNIST test digits side by side, dark ink on white paper (as a scan or a canvas), each at `scale` times
 * its 28x28 size with `gap` pixels of paper between neighbours (28x28 cells already have ~4 px of margin).
 * @param indices - MNIST test indices, left to right.
 * @param options.scale - Integer upscaling of each digit (nearest neighbour). Default 2.
 * @param options.gap - Paper between two cells, in output pixels. Default 8.
 * @param options.margin - Paper around the number. Default 16.
 * @returns The PNG and the digits it holds.
 */
export function numberPicture(
  indices: readonly number[],
  options: { scale?: number; gap?: number; margin?: number } = {},
): NumberPicture {
  const { images, labels } = mnistTest();
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 8;
  const margin = options.margin ?? 16;
  const cell = 28 * scale;
  const width = margin * 2 + indices.length * cell + (indices.length - 1) * gap;
  const height = margin * 2 + cell;
  const pixels = new Uint8Array(width * height).fill(255);
  indices.forEach((index, k) => {
    const left = margin + k * (cell + gap);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const ink = images[index * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
        pixels[(margin + y) * width + left + x] = 255 - ink;
      }
    }
  });
  return {
    png: new Uint8Array(encodeGrayPng(pixels, width, height)),
    text: indices.map((i) => labels[i]).join(''),
    width,
    height,
  };
}
