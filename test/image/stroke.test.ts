import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGray, type GrayImage } from '../../src/image/gray.js';
import { morphOctagon, octagonSeries } from '../../src/image/stroke.js';

/**
 * The octagon filter over every pixel, without skipping the empty margin: pad by ceil(r) when dilating, then ceil(r)
 * passes of the 3x3 square (odd passes, as a row then a column max/min) or the cross (even passes), 0 outside, and a
 * fractional radius blending the floor and ceiling results. Values are combined in the same order as the filter
 * under test, so even the sign of a zero must agree.
 */
function referenceOctagon(image: GrayImage, radius: number): GrayImage {
  const r = Math.abs(radius);
  const dilate = radius > 0;
  const op = (a: number, b: number): number => (dilate ? (a > b ? a : b) : a < b ? a : b);
  const pad = dilate ? Math.ceil(r) : 0;
  const w = image.width + 2 * pad;
  const h = image.height + 2 * pad;
  const at = (g: Float32Array, x: number, y: number): number =>
    x >= 0 && y >= 0 && x < w && y < h ? (g[y * w + x] as number) : 0;
  let current = createGray(w, h);
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++)
      current.data[(y + pad) * w + x + pad] = image.data[y * image.width + x] as number;
  let lower = current;
  for (let pass = 1; pass <= Math.ceil(r); pass++) {
    lower = current;
    const src = current.data;
    const next = createGray(w, h);
    if (pass % 2 === 1) {
      const rows = new Float32Array(w * h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) rows[y * w + x] = op(op(at(src, x - 1, y), at(src, x, y)), at(src, x + 1, y));
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          next.data[y * w + x] = op(op(at(rows, x, y - 1), at(rows, x, y)), at(rows, x, y + 1));
    } else {
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const centre = at(src, x, y);
          const v = op(op(op(op(centre, at(src, x - 1, y)), at(src, x + 1, y)), at(src, x, y - 1)), at(src, x, y + 1));
          next.data[y * w + x] = v;
        }
    }
    current = next;
  }
  const fraction = r - Math.floor(r);
  if (fraction === 0) return current;
  const out = createGray(w, h);
  for (let i = 0; i < out.data.length; i++)
    out.data[i] = (1 - fraction) * (lower.data[i] as number) + fraction * (current.data[i] as number);
  return out;
}

/** Images of 1-24 x 1-24 px: mostly 0, some ink in [0, 1], now and then a -0. */
const sparseImages = fc
  .record({ width: fc.integer({ min: 1, max: 24 }), height: fc.integer({ min: 1, max: 24 }) })
  .chain(({ width, height }) =>
    fc
      .array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(-0), fc.float({ min: 0, max: 1, noNaN: true })), {
        minLength: width * height,
        maxLength: width * height,
      })
      .map((values): GrayImage => ({ width, height, data: Float32Array.from(values) })),
  );

describe('morphOctagon', () => {
  it('equals the filter computed from its definition over every pixel, bit for bit (dilation and erosion)', () => {
    fc.assert(
      fc.property(sparseImages, fc.double({ min: -3, max: 3, noNaN: true }), (image, radius) => {
        const got = morphOctagon(image, radius);
        const want = referenceOctagon(image, radius);
        expect([got.width, got.height]).toEqual([want.width, want.height]);
        // Object.is tells 0 from -0: the bytes must be the same, not only the values.
        expect(Array.from(got.data).every((v, i) => Object.is(v, want.data[i]))).toBe(true);
      }),
    );
  });

  it('leaves an empty picture empty and grows a dot into an octagon', () => {
    expect(morphOctagon(createGray(5, 4), 2).data.every((v) => v === 0)).toBe(true);
    const dot = createGray(1, 1);
    dot.data[0] = 1;
    const grown = morphOctagon(dot, 2);
    expect([grown.width, grown.height]).toEqual([5, 5]);
    // Square then cross: every pixel within 2 except the four corners.
    const inked = Array.from(grown.data, (v) => (v > 0 ? 1 : 0));
    expect(inked).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0]);
  });
});

describe('octagonSeries', () => {
  it('gives, radius after radius, exactly what morphOctagon gives for each (passes shared or started afresh)', () => {
    fc.assert(
      fc.property(
        sparseImages,
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (image, radii, spare) => {
          const series = octagonSeries(image, spare);
          for (const radius of radii) {
            const got = series(radius);
            const want = morphOctagon(image, radius);
            expect([got.width, got.height]).toEqual([want.width, want.height]);
            expect(Array.from(got.data).every((v, i) => Object.is(v, want.data[i]))).toBe(true);
          }
        },
      ),
    );
  });
});
