import type { GrayImage } from '../image/gray.js';
import type { Atom } from './atoms.js';
import type { InkPieces } from './ink.js';

/** Paper around a piece, as a share of its longer side: the normalizer finds the ink against a clean margin. */
const MARGIN = 0.15;

/**
 * Faint ink within this share of the digit's longer side of its strokes (the anti-aliased rim below the ink
 * threshold) belongs to it, as the single-digit normalizer keeps it: without it strokes lose their soft edges.
 */
const RIM = 1 / 40;

/** A candidate digit: consecutive atoms [first, last] and their common box (working pixels, inclusive). */
export interface Segment {
  readonly first: number;
  readonly last: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * The box of consecutive atoms.
 * @param atoms all atoms, in reading order
 * @param first index of the first atom
 * @param last index of the last atom (inclusive)
 * @returns the segment
 */
export function segmentOf(atoms: readonly Atom[], first: number, last: number): Segment {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let a = first; a <= last; a++) {
    const atom = atoms[a]!;
    minX = Math.min(minX, atom.minX);
    minY = Math.min(minY, atom.minY);
    maxX = Math.max(maxX, atom.maxX);
    maxY = Math.max(maxY, atom.maxY);
  }
  return { first, last, minX, minY, maxX, maxY };
}

/**
 * The picture of one candidate digit: its atoms' ink, white on black, everything else (neighbours that overlap its
 * box included) blanked, with a margin of paper. This is what a single upload of that digit would look like after
 * its background is removed, and it goes through the same normalizer.
 * @param ink the picture's ink
 * @param atoms all atoms
 * @param segment the candidate
 * @returns a luminance picture (light ink on black)
 */
export function segmentPicture(ink: InkPieces, atoms: readonly Atom[], segment: Segment): GrayImage {
  const bw = segment.maxX - segment.minX + 1;
  const bh = segment.maxY - segment.minY + 1;
  const margin = Math.max(2, Math.round(MARGIN * Math.max(bw, bh)));
  const width = bw + 2 * margin;
  const height = bh + 2 * margin;
  const data = new Float32Array(width * height);
  const source = ink.ink;
  const rim = Math.max(1, Math.round(RIM * Math.max(bw, bh)));
  for (let a = segment.first; a <= segment.last; a++) {
    const atom = atoms[a]!;
    const labels = atom.labels;
    for (let y = atom.minY; y <= atom.maxY; y++) {
      const row = y * source.width;
      for (let x = Math.max(atom.fromX, atom.minX); x <= Math.min(atom.toX, atom.maxX); x++) {
        const label = ink.labels[row + x]!;
        if (label === 0 || !labels.includes(label)) continue;
        // The stroke pixel and the unlabelled (faint) ink around it, within the picture's margin.
        for (let yy = Math.max(0, y - rim); yy <= Math.min(source.height - 1, y + rim); yy++) {
          const oy = yy - segment.minY + margin;
          if (oy < 0 || oy >= height) continue;
          for (let xx = Math.max(0, x - rim); xx <= Math.min(source.width - 1, x + rim); xx++) {
            const ox = xx - segment.minX + margin;
            if (ox < 0 || ox >= width) continue;
            const j = yy * source.width + xx;
            if (xx === x && yy === y) data[oy * width + ox] = source.data[j]!;
            else if (ink.labels[j] === 0) data[oy * width + ox] = source.data[j]!;
          }
        }
      }
    }
  }
  return { width, height, data };
}
