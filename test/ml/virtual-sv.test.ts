import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SHIFTS_4,
  SHIFTS_8,
  shiftImage,
  supportVectorRows,
  withVirtualSupportVectors,
} from '../../src/ml/virtual-sv.js';
import { dotBytes } from '../../src/ml/kernel.js';

const image = (fill: (x: number, y: number) => number): Uint8Array =>
  Uint8Array.from({ length: 784 }, (_, k) => fill(k % 28, Math.floor(k / 28)));

describe('one-pixel moves of a 28x28 image', () => {
  it('meet an image as the unmoved image meets it moved back: the same dot product, ink on the border or not', () => {
    // A second stage of virtual support vectors can then be read from the first stage's vectors and moved inputs.
    const bytes = fc.uint8Array({ minLength: 784, maxLength: 784 });
    fc.assert(
      fc.property(bytes, bytes, fc.constantFrom(...SHIFTS_8), (v, x, shift) => {
        const movedV = new Uint8Array(784);
        const movedBackX = new Uint8Array(784);
        shiftImage(v, shift, movedV);
        shiftImage(x, { dx: -shift.dx, dy: -shift.dy }, movedBackX);
        expect(dotBytes(movedV, x)).toBe(dotBytes(v, movedBackX));
      }),
    );
  });

  it('moves a lone pixel by (dx, dy) in every direction', () => {
    const dot = image((x, y) => (x === 10 && y === 20 ? 200 : 0));
    const out = new Uint8Array(784);
    for (const { dx, dy } of SHIFTS_8) {
      shiftImage(dot, { dx, dy }, out);
      expect(Array.from(out.keys()).filter((k) => out[k] !== 0)).toEqual([(20 + dy) * 28 + 10 + dx]);
      expect(out[(20 + dy) * 28 + 10 + dx]).toBe(200);
    }
  });

  it('a move and its opposite give back the image wherever the ink stays off the edges (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 784, maxLength: 784 }), fc.constantFrom(...SHIFTS_8), (pixels, shift) => {
        const inner = image((x, y) => (x > 0 && x < 27 && y > 0 && y < 27 ? (pixels[y * 28 + x] as number) : 0));
        const moved = new Uint8Array(784);
        const back = new Uint8Array(784);
        shiftImage(inner, shift, moved);
        shiftImage(moved, { dx: -shift.dx, dy: -shift.dy }, back);
        expect(back).toEqual(inner);
      }),
    );
  });

  it('drops the ink moved past the edge and fills with background', () => {
    const column = image((x) => (x === 27 ? 255 : 0));
    const out = new Uint8Array(784).fill(9);
    shiftImage(column, { dx: 1, dy: 0 }, out);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('refuses images that are not 784 bytes', () => {
    expect(() => shiftImage(new Uint8Array(100), { dx: 1, dy: 0 }, new Uint8Array(784))).toThrow(/784-byte/);
  });
});

describe('virtual support vectors', () => {
  const data = {
    images: Uint8Array.from({ length: 5 * 784 }, (_, k) => (k * 7) % 251),
    labels: Uint8Array.from([3, 1, 4, 1, 5]),
    count: 5,
  };

  it('keeps the chosen rows first, then every row moved by each shift in turn, labels carried along', () => {
    const rows = Int32Array.from([4, 0, 2]);
    const set = withVirtualSupportVectors(data, rows, SHIFTS_4);
    expect(set.count).toBe(15);
    expect(Array.from(set.labels)).toEqual([5, 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4]);
    expect(set.images.subarray(0, 784)).toEqual(data.images.subarray(4 * 784, 5 * 784));
    const expected = new Uint8Array(784);
    shiftImage(data.images.subarray(0, 784), SHIFTS_4[2]!, expected);
    expect(set.images.subarray((3 * 3 + 1) * 784, (3 * 3 + 2) * 784)).toEqual(expected);
  });

  const sol = (indices: number[], coefficients: number[]) => ({
    indices: Int32Array.from(indices),
    coefficients: Float64Array.from(coefficients),
  });
  const solutions = [sol([5, 9, 12], [1, -3, 2]), sol([1, 9], [-0.5, 4]), sol([], [])];

  it('takes each support vector once, over all ten problems, ascending', () => {
    expect(Array.from(supportVectorRows(solutions))).toEqual([1, 5, 9, 12]);
  });

  it('with a limit, keeps the support vectors of largest |alpha| in any problem', () => {
    expect(Array.from(supportVectorRows(solutions, 2))).toEqual([9, 12]);
    expect(Array.from(supportVectorRows(solutions, 3))).toEqual([5, 9, 12]);
  });
});
