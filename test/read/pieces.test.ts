import { describe, expect, it } from 'vitest';
import type { Component } from '../../src/image/components.js';
import type { InkMap } from '../../src/read/ink.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { groupPieces, inPart, partColumns, type CutPath, type Part, type PieceSet } from '../../src/read/pieces.js';

/** An ink map of these boxes only: grouping reads the components' boxes, not their pixels. */
function mapOf(boxes: readonly [number, number, number, number][]): InkMap {
  const components: Component[] = boxes.map(([minX, minY, maxX, maxY], k) => ({
    label: k + 1,
    pixels: (maxX - minX + 1) * (maxY - minY + 1),
    mass: (maxX - minX + 1) * (maxY - minY + 1),
    minX,
    minY,
    maxX,
    maxY,
  }));
  return {
    ink: { width: 400, height: 200, data: new Float32Array(0) },
    scaleX: 1,
    scaleY: 1,
    labels: new Int32Array(0),
    components,
  };
}

function boxes(map: InkMap): [number, number, number, number][] {
  const set = groupPieces(map, 32) as PieceSet;
  return set.pieces.map(({ box }) => [box.minX, box.minY, box.maxX, box.maxY]);
}

describe('groupPieces', () => {
  // Boxes from a handwritten "8564" (Chromium-composed test digits): the 5's bar was a stroke of its own, starting
  // over the body's last columns and running 40 px past them.
  const eight: [number, number, number, number] = [53, 60, 113, 151];
  const body: [number, number, number, number] = [162, 69, 219, 150];
  const six: [number, number, number, number] = [295, 64, 362, 152];

  it("joins a 5's top bar, written apart and off to the right, to its body", () => {
    expect(boxes(mapOf([eight, body, [203, 59, 261, 80], six]))).toEqual([eight, [162, 59, 261, 150], six]);
  });

  it('leaves a dash beside a digit, at its middle or past its columns, apart', () => {
    // Starting over the body's columns but at mid-height (a minus sign written close), and at the top but past them.
    expect(boxes(mapOf([eight, body, [210, 105, 250, 112], six]))).toHaveLength(4);
    expect(boxes(mapOf([eight, body, [225, 62, 270, 75], six]))).toHaveLength(4);
  });
});

/** A cut path over rows top..top+length-1 with random columns in [0, 30). */
function cut(random: () => number, top: number, length: number): CutPath {
  return { top, xs: Int32Array.from({ length }, () => Math.floor(random() * 30)) };
}

it('partColumns is inPart for a whole row: the same columns, on rows the cuts cover and rows they do not', () => {
  const random = mulberry32(5);
  for (let t = 0; t < 400; t++) {
    const x0 = Math.floor(random() * 20);
    const part: Part = {
      label: 1,
      x0,
      x1: x0 + Math.floor(random() * 15),
      ...(random() < 0.6 ? { after: cut(random, Math.floor(random() * 6), 1 + Math.floor(random() * 10)) } : {}),
      ...(random() < 0.6 ? { before: cut(random, Math.floor(random() * 6), 1 + Math.floor(random() * 10)) } : {}),
    };
    for (let y = -2; y < 20; y++) {
      const { from, to } = partColumns(part, y);
      for (let x = -1; x < 40; x++) expect(x >= from && x <= to, `part ${t}, (${x}, ${y})`).toBe(inPart(part, x, y));
    }
  }
});
