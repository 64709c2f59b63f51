/** A single-channel image with values in [0, 1], row-major. The working type of the normalization steps. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * Creates a zero-filled GrayImage.
 * @param width columns
 * @param height rows
 * @returns the image
 */
export function createGray(width: number, height: number): GrayImage {
  return { width, height, data: new Float32Array(width * height) };
}
