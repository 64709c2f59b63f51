import { describe, expect, it } from 'vitest';
import type { InkMap } from '../../src/read/ink.js';
import { inkHoles, inkLean } from '../../src/read/ink-shape.js';
import type { InkBox, Part } from '../../src/read/pieces.js';

const SIZE = 40;

/** An ink map of one component (label 1) drawn by `inked(x, y)`, with its box. */
function drawn(inked: (x: number, y: number) => boolean): { map: InkMap; box: InkBox } {
  const data = new Float32Array(SIZE * SIZE);
  const labels = new Int32Array(SIZE * SIZE);
  let [minX, minY, maxX, maxY] = [SIZE, SIZE, -1, -1];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      if (!inked(x, y)) continue;
      data[y * SIZE + x] = 1;
      labels[y * SIZE + x] = 1;
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
  }
  const map: InkMap = { ink: { width: SIZE, height: SIZE, data }, scaleX: 1, scaleY: 1, labels, components: [] };
  return { map, box: { minX, minY, maxX, maxY } };
}

const whole = (box: InkBox): Part[] => [{ label: 1, x0: box.minX, x1: box.maxX }];

describe('inkLean', () => {
  it('measures a slash leaning right going up, and a stem as upright', () => {
    // A slash from (8, 35) up to (20, 4), 3 px thick: 12 px across in 31 rows.
    const slash = drawn((x, y) => y >= 4 && y <= 35 && Math.abs(x - (8 + ((35 - y) * 12) / 31)) <= 1);
    expect(inkLean(slash.map, whole(slash.box), slash.box)).toBeGreaterThan(0.25);
    const stem = drawn((x, y) => y >= 4 && y <= 35 && x >= 18 && x <= 20);
    expect(inkLean(stem.map, whole(stem.box), stem.box)).toBe(0);
  });

  it('measures a backslash and a typeset 1 (its flag to the left at the top) as leaning left', () => {
    const backslash = drawn((x, y) => y >= 4 && y <= 35 && Math.abs(x - (8 + ((y - 4) * 12) / 31)) <= 1);
    expect(inkLean(backslash.map, whole(backslash.box), backslash.box)).toBeLessThan(-0.25);
    const one = drawn((x, y) => y >= 4 && y <= 35 && ((x >= 18 && x <= 20) || (y <= 8 && x >= 12 && x < 18)));
    expect(inkLean(one.map, whole(one.box), one.box)).toBeLessThan(0);
  });

  it('weighs only the pixels of the part it is given: one side of a cut', () => {
    const two = drawn(
      (x, y) => y >= 4 && y <= 35 && ((x >= 5 && x <= 7) || Math.abs(x - (22 + ((35 - y) * 12) / 31)) <= 1),
    );
    const right: Part[] = [{ label: 1, x0: 18, x1: two.box.maxX }];
    const rightBox = { ...two.box, minX: 18 };
    expect(inkLean(two.map, right, rightBox)).toBeGreaterThan(0.25);
    const left: Part[] = [{ label: 1, x0: two.box.minX, x1: 10 }];
    expect(inkLean(two.map, left, { ...two.box, maxX: 10 })).toBe(0);
  });
});

describe('inkHoles', () => {
  const ring = (cx: number, cy: number, r: number) => (x: number, y: number) =>
    Math.abs(Math.hypot(x - cx, y - cy) - r) <= 1.2;

  it('finds the loops a piece closes, top to bottom, and none in an open stroke', () => {
    const eight = drawn((x, y) => ring(20, 11, 6)(x, y) || ring(20, 26, 7)(x, y));
    const holes = inkHoles(eight.map, whole(eight.box), eight.box);
    expect(holes).toHaveLength(2);
    expect(holes[0]!.y).toBeCloseTo(11, 0);
    expect(holes[1]!.y).toBeCloseTo(26, 0);
    expect(holes[0]!.x).toBeCloseTo(20, 0);
    // A C (the ring with its right side open) closes nothing.
    const c = drawn((x, y) => ring(20, 20, 10)(x, y) && x < 26);
    expect(inkHoles(c.map, whole(c.box), c.box)).toHaveLength(0);
  });

  it("leaves out pinholes, and finds a %'s rings upper left and lower right", () => {
    // A blot with one paper pixel inside: under 1% of the box.
    const blot = drawn((x, y) => x >= 5 && x <= 30 && y >= 5 && y <= 30 && !(x === 17 && y === 17));
    expect(inkHoles(blot.map, whole(blot.box), blot.box)).toHaveLength(0);
    const percent = drawn(
      (x, y) =>
        ring(10, 9, 5)(x, y) ||
        ring(28, 30, 5)(x, y) ||
        (y >= 3 && y <= 36 && Math.abs(x - (34 - ((y - 3) * 28) / 33)) <= 1),
    );
    const [upper, lower] = inkHoles(percent.map, whole(percent.box), percent.box);
    expect(lower!.x - upper!.x).toBeGreaterThan(15);
    expect(lower!.y - upper!.y).toBeGreaterThan(15);
  });
});
