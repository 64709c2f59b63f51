import type { InkMap } from './ink.js';
import { partColumns, type InkBox, type Part } from './pieces.js';

/** The rows averaged at the top and at the bottom of a piece, as a share of its height. */
const END_ROWS = 0.2;

/**
 * How far a piece's ink leans to the right going up: the ink-weighted mean column of its top rows less that of its
 * bottom rows (END_ROWS each), as a share of its height. A slash leans about as far as it is wide (0.25-0.35); a
 * typeset 1 leans left if at all (its flag tops out left of its stem, its foot is centred).
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 * @returns the lean, 0 for a piece with no ink at either end
 */
export function inkLean(map: InkMap, parts: readonly Part[], box: InkBox): number {
  const height = box.maxY - box.minY + 1;
  const rows = Math.max(1, Math.round(END_ROWS * height));
  const meanColumn = (from: number, to: number): number | undefined => {
    const { width: w, data: ink } = map.ink;
    let sum = 0;
    let weight = 0;
    for (const part of parts) {
      for (let y = from; y <= to; y++) {
        const { from: x0, to: x1 } = partColumns(part, y);
        for (let x = x0; x <= x1; x++) {
          if (map.labels[y * w + x] !== part.label) continue;
          const v = ink[y * w + x] as number;
          sum += v * x;
          weight += v;
        }
      }
    }
    return weight > 0 ? sum / weight : undefined;
  };
  const top = meanColumn(box.minY, box.minY + rows - 1);
  const bottom = meanColumn(box.maxY - rows + 1, box.maxY);
  return top === undefined || bottom === undefined ? 0 : (top - bottom) / height;
}
