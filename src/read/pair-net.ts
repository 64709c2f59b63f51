import { decodeBase64 } from '../ml/base64.js';
import { FRAME_HEIGHT, FRAME_WIDTH } from './pair-frame.js';
import { PAIR_NET_WEIGHTS } from './pair-net-weights.js';

/**
 * The pair network: reads a piece of ink as two digits written into each other, or says it is one. Two digits
 * pushed into each other's strokes are read as one wide digit by the model (and by the one-digit check), and no cut
 * or stroke split parts them; a network that sees the whole piece reads both (the segmentation-free reading of the
 * touching-digit literature). A small convolutional network on the piece's frame (pair-frame.ts, 28 x 48):
 * 5x5 convolutions of 8 then 16 channels, each with ReLU and 2x2 max pooling, 128 ReLU units, and three heads: the
 * left digit, the right digit, and "two digits or one". Fitted by scripts/fit-pair-net.ts on pairs and single
 * digits composed from MNIST training digits and the printed training set.
 */
export const KERNEL = 5;
export const CHANNELS_1 = 8;
export const CHANNELS_2 = 16;
export const HIDDEN = 128;
/** Left digit (10), right digit (10), one or two (2). */
export const OUTPUTS = 22;
const H1 = FRAME_HEIGHT - KERNEL + 1;
const W1 = FRAME_WIDTH - KERNEL + 1;
const P1H = H1 / 2;
const P1W = W1 / 2;
const H2 = P1H - KERNEL + 1;
const W2 = P1W - KERNEL + 1;
const P2H = H2 / 2;
const P2W = W2 / 2;
/** Values after the second pooling, the dense layer's inputs. */
export const FLAT = CHANNELS_2 * P2H * P2W;

/** The weights by layer, in the order the packed weights hold them. */
export const PAIR_NET_LAYOUT = {
  w1: CHANNELS_1 * KERNEL * KERNEL,
  b1: CHANNELS_1,
  w2: CHANNELS_2 * CHANNELS_1 * KERNEL * KERNEL,
  b2: CHANNELS_2,
  w3: HIDDEN * FLAT,
  b3: HIDDEN,
  w4: OUTPUTS * HIDDEN,
  b4: OUTPUTS,
} as const;
export type PairNetLayer = keyof typeof PAIR_NET_LAYOUT;
export const PAIR_NET_SIZE = Object.values(PAIR_NET_LAYOUT).reduce((a, b) => a + b, 0);

export type PairNetWeights = Readonly<Record<PairNetLayer, Float32Array>>;

/**
 * Views of one flat array by layer (PAIR_NET_LAYOUT's order).
 * @param all PAIR_NET_SIZE values
 */
export function pairNetViews(all: Float32Array): PairNetWeights {
  if (all.length !== PAIR_NET_SIZE) throw new RangeError(`pair network: ${all.length} values, not ${PAIR_NET_SIZE}`);
  let at = 0;
  const out = {} as Record<PairNetLayer, Float32Array>;
  for (const [layer, n] of Object.entries(PAIR_NET_LAYOUT)) {
    out[layer as PairNetLayer] = all.subarray(at, at + n);
    at += n;
  }
  return out;
}

/**
 * One pass's activations (and, for fitting, their gradients): allocated once and reused, since a picture may ask
 * the network about several pieces.
 */
export class PairNetScratch {
  readonly input = new Float32Array(FRAME_HEIGHT * FRAME_WIDTH);
  readonly conv1 = new Float32Array(CHANNELS_1 * H1 * W1);
  readonly pool1 = new Float32Array(CHANNELS_1 * P1H * P1W);
  readonly from1 = new Int32Array(CHANNELS_1 * P1H * P1W);
  readonly conv2 = new Float32Array(CHANNELS_2 * H2 * W2);
  readonly pool2 = new Float32Array(FLAT);
  readonly from2 = new Int32Array(FLAT);
  readonly hidden = new Float32Array(HIDDEN);
  readonly output = new Float32Array(OUTPUTS);
}

/** Shapes the fitting script's backward pass needs. */
export const PAIR_NET_SHAPE = { H1, W1, P1H, P1W, H2, W2, P2H, P2W } as const;

function maxPool(a: Float32Array, channels: number, h: number, w: number, out: Float32Array, from: Int32Array): void {
  const ph = h / 2;
  const pw = w / 2;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < ph; y++)
      for (let x = 0; x < pw; x++) {
        const base = c * h * w + 2 * y * w + 2 * x;
        let best = base;
        let value = a[base] as number;
        if ((a[base + 1] as number) > value) {
          value = a[base + 1] as number;
          best = base + 1;
        }
        if ((a[base + w] as number) > value) {
          value = a[base + w] as number;
          best = base + w;
        }
        if ((a[base + w + 1] as number) > value) {
          value = a[base + w + 1] as number;
          best = base + w + 1;
        }
        const o = c * ph * pw + y * pw + x;
        out[o] = value;
        from[o] = best;
      }
}

/**
 * The network's 22 outputs (logits) for `s.input` (the frame's bytes / 255), written to `s.output`. The fitting
 * script runs this same function, so a fitted network reads here exactly as it was measured.
 * @param net the weights
 * @param s scratch holding the input; every activation is written there
 * @returns s.output
 */
export function pairNetForward(net: PairNetWeights, s: PairNetScratch): Float32Array {
  const { input, conv1, conv2 } = s;
  // Each output is summed in a register in the taps' order, rounded to float32 after every step: the same value,
  // bit for bit, as adding each tap into the float32 array (how the network was first written and fitted), at
  // half the memory traffic.
  const fround = Math.fround;
  const { w1, b1, w2, b2 } = net;
  // Four neighbouring outputs at a time (W1 = 44; the second layer takes three, W2 = 18): independent sums keep the
  // core busy while each waits on its rounding. Other frame sizes need other counts (the test's reference catches it).
  for (let c = 0; c < CHANNELS_1; c++) {
    const bias = b1[c] as number;
    const wc = c * KERNEL * KERNEL;
    for (let y = 0; y < H1; y++)
      for (let x = 0; x < W1; x += 4) {
        let a0 = bias;
        let a1 = bias;
        let a2 = bias;
        let a3 = bias;
        for (let ky = 0; ky < KERNEL; ky++) {
          const ir = (y + ky) * FRAME_WIDTH + x;
          const wr = wc + ky * KERNEL;
          for (let kx = 0; kx < KERNEL; kx++) {
            const w = w1[wr + kx] as number;
            const i = ir + kx;
            a0 = fround(a0 + w * (input[i] as number));
            a1 = fround(a1 + w * (input[i + 1] as number));
            a2 = fround(a2 + w * (input[i + 2] as number));
            a3 = fround(a3 + w * (input[i + 3] as number));
          }
        }
        const o = c * H1 * W1 + y * W1 + x;
        conv1[o] = a0 < 0 ? 0 : a0;
        conv1[o + 1] = a1 < 0 ? 0 : a1;
        conv1[o + 2] = a2 < 0 ? 0 : a2;
        conv1[o + 3] = a3 < 0 ? 0 : a3;
      }
  }
  maxPool(conv1, CHANNELS_1, H1, W1, s.pool1, s.from1);
  const { pool1 } = s;
  for (let c = 0; c < CHANNELS_2; c++) {
    const bias = b2[c] as number;
    for (let y = 0; y < H2; y++)
      for (let x = 0; x < W2; x += 3) {
        let a0 = bias;
        let a1 = bias;
        let a2 = bias;
        for (let ci = 0; ci < CHANNELS_1; ci++) {
          const wc = (c * CHANNELS_1 + ci) * KERNEL * KERNEL;
          const ic = ci * P1H * P1W + y * P1W + x;
          for (let ky = 0; ky < KERNEL; ky++) {
            const ir = ic + ky * P1W;
            const wr = wc + ky * KERNEL;
            for (let kx = 0; kx < KERNEL; kx++) {
              const w = w2[wr + kx] as number;
              const i = ir + kx;
              a0 = fround(a0 + w * (pool1[i] as number));
              a1 = fround(a1 + w * (pool1[i + 1] as number));
              a2 = fround(a2 + w * (pool1[i + 2] as number));
            }
          }
        }
        const o = c * H2 * W2 + y * W2 + x;
        conv2[o] = a0 < 0 ? 0 : a0;
        conv2[o + 1] = a1 < 0 ? 0 : a1;
        conv2[o + 2] = a2 < 0 ? 0 : a2;
      }
  }
  maxPool(conv2, CHANNELS_2, H2, W2, s.pool2, s.from2);
  const { pool2, hidden, output } = s;
  for (let j = 0; j < HIDDEN; j++) {
    let a = net.b3[j] as number;
    const row = j * FLAT;
    for (let i = 0; i < FLAT; i++) a += (net.w3[row + i] as number) * (pool2[i] as number);
    hidden[j] = a > 0 ? a : 0;
  }
  for (let k = 0; k < OUTPUTS; k++) {
    let a = net.b4[k] as number;
    const row = k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) a += (net.w4[row + j] as number) * (hidden[j] as number);
    output[k] = a;
  }
  return output;
}

/** What the network says of a piece: how likely it is two digits, and each side's probability of each digit. */
export interface PairReading {
  /** Probability that the piece is two digits. */
  readonly two: number;
  /** The left digit's probabilities, index = digit. */
  readonly left: Float64Array;
  /** The right digit's probabilities, index = digit. */
  readonly right: Float64Array;
}

/** The unpacked network and its scratch, made on first use (the module does no work at import). */
let unpacked: { net: PairNetWeights; scratch: PairNetScratch } | undefined;

function loaded(): { net: PairNetWeights; scratch: PairNetScratch } {
  unpacked ??= { net: pairNetViews(unpackFloats(PAIR_NET_WEIGHTS)), scratch: new PairNetScratch() };
  return unpacked;
}

/**
 * The shipped network's weights, unpacked once. Its arrays are shared: callers read them and never write.
 */
export function pairNet(): PairNetWeights {
  return loaded().net;
}

/**
 * The pair network's reading of a framed piece (pair-frame.ts).
 * @param frame FRAME_HEIGHT x FRAME_WIDTH bytes
 */
export function readPairFrame(frame: Uint8Array): PairReading {
  const { net, scratch } = loaded();
  for (let i = 0; i < frame.length; i++) scratch.input[i] = (frame[i] as number) / 255;
  const out = pairNetForward(net, scratch);
  return { two: softmax(out, 20, 2)[1] as number, left: softmax(out, 0, 10), right: softmax(out, 10, 10) };
}

/** Softmax of `n` logits from `from`. */
function softmax(logits: Float32Array, from: number, n: number): Float64Array {
  let top = -Infinity;
  for (let i = 0; i < n; i++) top = Math.max(top, logits[from + i] as number);
  const out = new Float64Array(n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.exp((logits[from + i] as number) - top);
    z += out[i] as number;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / z;
  return out;
}

function unpackFloats(base64: string): Float32Array {
  const bytes = decodeBase64(base64, 'pair network weights');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
