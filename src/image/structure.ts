/**
 * How strongly the ink of a mask clusters: the correlation (phi coefficient) between a pixel being ink and its
 * neighbours being ink: the mean over the two orthogonal directions (right, down) or the two diagonal ones (a 1 px
 * diagonal stroke continues only diagonally), whichever is higher. A stroke continues into its neighbours, so a digit scores high (0.4-0.9
 * on the robustness bench's renderings) whatever its share of the picture, its polarity or its number of grey
 * levels; the pixels of noise are independent of their neighbours, so whatever part of it clears a threshold
 * scores about 0, even when it is half the picture (salt and pepper) or forms one large 8-connected blob.
 * @param mask 1 where the window's pixel is ink, 0 elsewhere, row-major
 * @param width the window's columns
 * @param height the window's rows
 * @returns the highest coefficient, in [0, 1]; 0 when the mask is empty, full or has no neighbouring pairs
 */
export function inkCorrelation(mask: Uint8Array, width: number, height: number): number {
  const along = (dx: number, dy: number): number => correlationAlong(mask, width, height, dx, dy);
  return Math.max(0, (along(1, 0) + along(0, 1)) / 2, (along(1, 1) + along(-1, 1)) / 2);
}

/** The phi coefficient of (ink at p, ink at p + (dx, dy)) over all pairs inside the window. */
function correlationAlong(mask: Uint8Array, width: number, height: number, dx: number, dy: number): number {
  let pairs = 0;
  let first = 0;
  let second = 0;
  let both = 0;
  for (let y = 0; y + dy < height; y++) {
    for (let x = Math.max(0, -dx); x < width && x + dx < width; x++) {
      const v = mask[y * width + x] as number;
      const u = mask[(y + dy) * width + x + dx] as number;
      pairs++;
      first += v;
      second += u;
      both += v * u;
    }
  }
  if (pairs === 0) return 0;
  const p = first / pairs;
  const q = second / pairs;
  const spread = Math.sqrt(p * (1 - p) * q * (1 - q));
  return spread > 0 ? (both / pairs - p * q) / spread : 0;
}
