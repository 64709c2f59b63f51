/** Intensity-weighted first and second moments of a grey image, in (row, col) pixel-index coordinates. */
export interface ImageMoments {
  /** Sum of all intensities; 0 for a blank image, in which case every other field is 0. */
  readonly mass: number;
  readonly meanRow: number;
  readonly meanCol: number;
  readonly varRow: number;
  readonly varCol: number;
  readonly covRowCol: number;
}

/**
 * Computes the intensity moments of a `width` x `height` row-major image.
 * @param pixels intensities (any non-negative scale)
 */
export function imageMoments(pixels: ArrayLike<number>, width: number, height: number): ImageMoments {
  let mass = 0;
  let sr = 0;
  let sc = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = pixels[r * width + c] as number;
      mass += v;
      sr += v * r;
      sc += v * c;
    }
  }
  if (mass <= 0) return { mass: 0, meanRow: 0, meanCol: 0, varRow: 0, varCol: 0, covRowCol: 0 };
  const mr = sr / mass;
  const mc = sc / mass;
  let vr = 0;
  let vc = 0;
  let cv = 0;
  for (let r = 0; r < height; r++) {
    const dr = r - mr;
    for (let c = 0; c < width; c++) {
      const v = pixels[r * width + c] as number;
      const dc = c - mc;
      vr += v * dr * dr;
      vc += v * dc * dc;
      cv += v * dr * dc;
    }
  }
  return { mass, meanRow: mr, meanCol: mc, varRow: vr / mass, varCol: vc / mass, covRowCol: cv / mass };
}
