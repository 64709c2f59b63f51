import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/ml/rng.js';
import { pieceLogit, type PieceNet } from '../../src/read/piece-net.js';

/** The log-odds as the networks were fitted and measured: one unit at a time, its terms added in input order. */
function referenceLogit(net: PieceNet, deskewed: Uint8Array, scores: Float64Array, extra: Float32Array): number {
  let z = net.b2;
  for (let j = 0; j < net.hidden; j++) {
    const row = j * net.inputs;
    let a = net.b1[j]!;
    for (let i = 0; i < 784; i++) a += net.w1[row + i]! * (deskewed[i]! / 255);
    for (let c = 0; c < 10; c++) a += net.w1[row + 784 + c]! * scores[c]!;
    for (let s = 0; s < net.inputs - 794; s++) a += net.w1[row + 794 + s]! * extra[s]!;
    if (a > 0) z += net.w2[j]! * a;
  }
  return z;
}

describe('pieceLogit', () => {
  it('gives the one-unit-at-a-time sums bit for bit, whatever the count of units and of extra inputs', () => {
    const random = mulberry32(40);
    const floats = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * scale);
    for (const [hidden, more] of [
      [32, 6],
      [16, 0],
      [7, 2],
      [1, 0],
    ] as const) {
      const inputs = 794 + more;
      const net: PieceNet = {
        hidden,
        inputs,
        w1: floats(hidden * inputs, 0.2),
        b1: floats(hidden, 1),
        w2: floats(hidden, 2),
        b2: Math.fround(random() - 0.5),
      };
      for (let trial = 0; trial < 20; trial++) {
        const deskewed = Uint8Array.from({ length: 784 }, () => (random() < 0.3 ? Math.floor(random() * 256) : 0));
        const scores = Float64Array.from({ length: 10 }, () => (random() - 0.5) * 6);
        const extra = floats(more, 2);
        const got = pieceLogit(net, deskewed, scores, extra);
        expect(Object.is(got, referenceLogit(net, deskewed, scores, extra))).toBe(true);
      }
    }
  });
});
