/** Adam7 interlacing passes (PNG spec 8.2): starting row, starting column, row step, column step. */
export const ADAM7_PASSES = [
  [0, 0, 8, 8],
  [0, 4, 8, 8],
  [4, 0, 8, 4],
  [0, 2, 4, 4],
  [2, 0, 4, 2],
  [0, 1, 2, 2],
  [1, 0, 2, 1],
] as const;
