import { decodeBase64 } from '../ml/base64.js';

/**
 * A small network that judges a piece of a picture (digit-or-not.ts, one-digit.ts): one hidden layer of ReLU units
 * on the piece's deskewed 28x28 picture (784 values in [0, 1]), the model's ten first-stage decision values and, for
 * some, a few more values about the piece. Fitted by scripts/fit-digit-or-not.ts and scripts/fit-one-digit.ts.
 */
export interface PieceNet {
  readonly hidden: number;
  /** Inputs per hidden unit: 794 and the extra values. */
  readonly inputs: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: number;
}

const NO_EXTRA: readonly number[] = [];

/**
 * A network's weights from base64 of little-endian float32: w1 (hidden x inputs, row-major), b1, w2, b2, the layout
 * the fitting scripts write (scripts/small-net.ts `packNet`). The arrays are views of the decoded bytes.
 * @param base64 the packed weights
 * @param hidden hidden units
 * @param inputs inputs per unit
 * @param what names the weights in an error
 */
export function unpackPieceNet(base64: string, hidden: number, inputs: number, what: string): PieceNet {
  const bytes = decodeBase64(base64, what);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return {
    hidden,
    inputs,
    w1: all.subarray(0, hidden * inputs),
    b1: all.subarray(hidden * inputs, hidden * inputs + hidden),
    w2: all.subarray(hidden * inputs + hidden, hidden * inputs + 2 * hidden),
    b2: all[hidden * inputs + 2 * hidden] as number,
  };
}

/**
 * The network's log-odds for a piece.
 * @param net the network
 * @param deskewed the piece's 28x28 picture as the model sees it (deskewed when the model deskews)
 * @param scores the model's ten first-stage decision values for it
 * @param extra the network's further inputs (inputs - 794 values)
 */
export function pieceLogit(
  net: PieceNet,
  deskewed: ArrayLike<number>,
  scores: ArrayLike<number>,
  extra: ArrayLike<number> = NO_EXTRA,
): number {
  const { w1, b1, w2, inputs } = net;
  let z = net.b2;
  let j = 0;
  // Four units at a time, each its own sum in its own order: four chains of additions in flight, not one, and each
  // pixel read and scaled once for the four.
  for (; j + 4 <= net.hidden; j += 4) {
    const r0 = j * inputs;
    const r1 = r0 + inputs;
    const r2 = r1 + inputs;
    const r3 = r2 + inputs;
    let a0 = b1[j] as number;
    let a1 = b1[j + 1] as number;
    let a2 = b1[j + 2] as number;
    let a3 = b1[j + 3] as number;
    for (let i = 0; i < 784; i++) {
      const x = (deskewed[i] as number) / 255;
      a0 += (w1[r0 + i] as number) * x;
      a1 += (w1[r1 + i] as number) * x;
      a2 += (w1[r2 + i] as number) * x;
      a3 += (w1[r3 + i] as number) * x;
    }
    a0 = rest(net, r0, a0, scores, extra);
    a1 = rest(net, r1, a1, scores, extra);
    a2 = rest(net, r2, a2, scores, extra);
    a3 = rest(net, r3, a3, scores, extra);
    if (a0 > 0) z += (w2[j] as number) * a0;
    if (a1 > 0) z += (w2[j + 1] as number) * a1;
    if (a2 > 0) z += (w2[j + 2] as number) * a2;
    if (a3 > 0) z += (w2[j + 3] as number) * a3;
  }
  for (; j < net.hidden; j++) {
    const row = j * inputs;
    let a = b1[j] as number;
    for (let i = 0; i < 784; i++) a += (w1[row + i] as number) * ((deskewed[i] as number) / 255);
    a = rest(net, row, a, scores, extra);
    if (a > 0) z += (w2[j] as number) * a;
  }
  return z;
}

/** A unit's sum `a` over the picture, with its terms for the ten decision values and the extra inputs added. */
function rest(net: PieceNet, row: number, a: number, scores: ArrayLike<number>, extra: ArrayLike<number>): number {
  const more = net.inputs - 794;
  for (let c = 0; c < 10; c++) a += (net.w1[row + 784 + c] as number) * (scores[c] as number);
  for (let s = 0; s < more; s++) a += (net.w1[row + 794 + s] as number) * (extra[s] as number);
  return a;
}
