/** One 8-connected component of a binary mask. */
export interface Component {
  readonly label: number;
  readonly pixels: number;
  /** Sum of the ink values of its pixels: how much it contributes to the picture. */
  readonly mass: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * Labels the 8-connected components of `values > threshold` with an explicit stack (no recursion, so a
 * full-frame blob cannot overflow the call stack).
 * @param values ink values, row-major
 * @param width columns
 * @param height rows
 * @param threshold strictly-above threshold for "ink"
 * @returns per-pixel labels (0 = background, k = components[k-1]) and the components
 */
export function labelComponents(
  values: Float32Array,
  width: number,
  height: number,
  threshold: number,
): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(width * height);
  const components: Component[] = [];
  const stack = new Int32Array(width * height);
  const lastX = width - 1;
  const lastY = height - 1;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || (values[start] as number) <= threshold) continue;
    const label = components.length + 1;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let pixels = 0;
    let mass = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (top > 0) {
      const i = stack[--top] as number;
      // One floating-point division (exact: the quotient of two integers this small truncates to their integer
      // quotient) instead of an integer remainder and a division, which were most of the time.
      const y = (i / width) | 0;
      const x = i - y * width;
      pixels++;
      mass += values[i] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      // Neighbours in the order rows above to below, columns left to right: the order of the pixels' visits (and
      // so of the float sum `mass`) is part of the result.
      const left = x > 0;
      const right = x < lastX;
      for (let dy = -1; dy <= 1; dy++) {
        if ((dy < 0 && y === 0) || (dy > 0 && y === lastY)) continue;
        const row = i + dy * width;
        if (left && labels[row - 1] === 0 && (values[row - 1] as number) > threshold) {
          labels[row - 1] = label;
          stack[top++] = row - 1;
        }
        if (labels[row] === 0 && (values[row] as number) > threshold) {
          labels[row] = label;
          stack[top++] = row;
        }
        if (right && labels[row + 1] === 0 && (values[row + 1] as number) > threshold) {
          labels[row + 1] = label;
          stack[top++] = row + 1;
        }
      }
    }
    components.push({ label, pixels, mass, minX, minY, maxX, maxY });
  }
  return { labels, components };
}

/** A part of the digit at least this share of the largest part's mass anchors the digit's box. */
const ANCHOR_SHARE = 0.1;
/** Smaller parts are kept only within this margin (share of the anchors' box size) of the anchors' box. */
const NEAR_MARGIN = 0.15;

/**
 * Chooses the components that form the digit: the largest one, every component with at least 10% of its mass
 * (the strokes of a 4 or 5 drawn apart, a broken stroke), and smaller ones only when they lie in or next to the
 * box of those. Everything else is a speck (dust, paper texture, JPEG noise, a stray mark) and is dropped.
 * @param components from {@link labelComponents}
 * @returns the labels to keep (empty when there are no components)
 */
export function selectDigitComponents(components: readonly Component[]): Set<number> {
  const largest = components.reduce<Component | undefined>(
    (best, c) => (best === undefined || c.mass > best.mass ? c : best),
    undefined,
  );
  if (largest === undefined) return new Set();
  const box = boundingBox(components.filter((c) => c.mass >= ANCHOR_SHARE * largest.mass));
  const margin = NEAR_MARGIN * Math.max(box.maxX - box.minX + 1, box.maxY - box.minY + 1);
  const keep = new Set<number>();
  for (const c of components) {
    const near =
      c.maxX >= box.minX - margin &&
      c.minX <= box.maxX + margin &&
      c.maxY >= box.minY - margin &&
      c.minY <= box.maxY + margin;
    if (c.mass >= ANCHOR_SHARE * largest.mass || near) keep.add(c.label);
  }
  return keep;
}

/**
 * The bounding box of several components (a loop, not Math.min(...spread): a noise picture can have more
 * components than a call can take arguments).
 * @param components at least one component
 * @returns the inclusive box
 */
export function boundingBox(components: readonly Component[]): {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
} {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const c of components) {
    box.minX = Math.min(box.minX, c.minX);
    box.minY = Math.min(box.minY, c.minY);
    box.maxX = Math.max(box.maxX, c.maxX);
    box.maxY = Math.max(box.maxY, c.maxY);
  }
  return box;
}
