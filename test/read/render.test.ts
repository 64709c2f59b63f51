import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import type { InkMap } from '../../src/read/ink.js';
import { renderInk, renderPiece, renderPixels } from '../../src/read/render.js';

/** A ring of ink 30 x 44 px (a 0), strokes 5 px wide with soft edges. */
function ring(): GrayImage {
  const width = 30;
  const height = 44;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const r = Math.hypot((x - 14.5) / 13, (y - 21.5) / 20);
      data[y * width + x] = Math.max(0, Math.min(1, 1 - Math.abs(r - 0.85) * 8));
    }
  return { width, height, data };
}

describe('renderInk', () => {
  it('renders ink given alone as renderPixels renders the same ink found in a picture', () => {
    const ink = ring();
    // The ring at (37, 11) of a larger map, with other ink around it that renderPixels must leave out.
    const map = { width: 120, height: 70 };
    const data = new Float32Array(map.width * map.height).fill(0.6);
    const pixels: number[] = [];
    for (let y = 0; y < ink.height; y++)
      for (let x = 0; x < ink.width; x++) {
        const i = (11 + y) * map.width + 37 + x;
        data[i] = ink.data[y * ink.width + x] as number;
        pixels.push(i);
      }
    const inkMap: InkMap = {
      ink: { ...map, data },
      scaleX: 1,
      scaleY: 1,
      labels: new Int32Array(map.width * map.height),
      components: [],
    };
    const box = { minX: 37, minY: 11, maxX: 37 + ink.width - 1, maxY: 11 + ink.height - 1 };
    const alone = renderInk(ink);
    expect(alone).toHaveLength(784);
    expect(alone).toEqual(renderPixels(inkMap, { pixels: Int32Array.from(pixels), box }));
    // A change to the ink shows in its picture (the comparison above is not of two empty pictures).
    expect(alone?.some((v) => v > 200)).toBe(true);
  });

  it('gives undefined for a blank picture, where normalization finds no digit', () => {
    expect(renderInk({ width: 20, height: 20, data: new Float32Array(400) })).toBeUndefined();
  });
});

describe('renderPiece with a halo', () => {
  /**
   * The soft ring at (20, 10) of a 90x70 map, labelled 1 where its ink reaches 0.5 (the threshold), and a bar of
   * another piece (label 2) in the column right of the ring's thresholded ink.
   */
  function mapWithRing(faint = true): { map: InkMap; box: { minX: number; minY: number; maxX: number; maxY: number } } {
    const ink = ring();
    const width = 90;
    const height = 70;
    const data = new Float32Array(width * height);
    const labels = new Int32Array(width * height);
    let box = { minX: width, minY: height, maxX: -1, maxY: -1 };
    for (let y = 0; y < ink.height; y++)
      for (let x = 0; x < ink.width; x++) {
        const v = ink.data[y * ink.width + x] as number;
        const i = (10 + y) * width + 20 + x;
        if (v >= 0.5) {
          data[i] = v;
          labels[i] = 1;
          box = {
            minX: Math.min(box.minX, 20 + x),
            minY: Math.min(box.minY, 10 + y),
            maxX: Math.max(box.maxX, 20 + x),
            maxY: Math.max(box.maxY, 10 + y),
          };
        } else if (faint) data[i] = v;
      }
    for (let y = 25; y < 40; y++) {
      data[y * width + box.maxX + 1] = 1;
      labels[y * width + box.maxX + 1] = 2;
    }
    return { map: { ink: { width, height, data }, scaleX: 1, scaleY: 1, labels, components: [] }, box };
  }
  const parts = (box: { minX: number; maxX: number }) => [{ label: 1, x0: box.minX, x1: box.maxX }];

  it("takes the faint edges of the piece's strokes, and only those", () => {
    const { map, box } = mapWithRing();
    const bare = renderPiece(map, parts(box), box);
    const soft = renderPiece(map, parts(box), box, 1);
    expect(bare).toHaveLength(784);
    expect(soft).toHaveLength(784);
    expect(soft).not.toEqual(bare);
    // The same ring with no faint ink: the halo finds nothing to add.
    const { map: hard } = mapWithRing(false);
    expect(renderPiece(hard, parts(box), box, 1)).toEqual(renderPiece(hard, parts(box), box));
  });

  it("never takes another piece's ink, however near", () => {
    const { map, box } = mapWithRing();
    const soft = renderPiece(map, parts(box), box, 1);
    const without = { ...map, ink: { ...map.ink, data: map.ink.data.map((v, i) => (map.labels[i] === 2 ? 0 : v)) } };
    // The bar stands in the column next to the ring's ink, within the halo's reach.
    expect(renderPiece(without, parts(box), box, 1)).toEqual(soft);
  });
});
