import { decodeBase64 } from '../ml/base64.js';
import { convolveSums } from '../ml/engine/js-conv.js';
import type { ConvShape, ModelEngine } from '../ml/engine/types.js';
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
/** The frame: one channel of ink. */
const CHANNELS_IN = 1;
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
  /** Indices of pool2's values that are not zero. */
  readonly live = new Int32Array(FLAT);
  readonly hidden = new Float32Array(HIDDEN);
  readonly output = new Float32Array(OUTPUTS);
  /** A layer's inked columns and their sums (convolveInked), room for either layer. */
  readonly cropInput = new Float32Array(Math.max(FRAME_HEIGHT * FRAME_WIDTH, CHANNELS_1 * P1H * P1W));
  readonly cropOutput = new Float32Array(Math.max(CHANNELS_1 * H1 * W1, CHANNELS_2 * H2 * W2));
  /** Per channel, a layer's output over blank input (convolveInked), and that value after the ReLU. */
  readonly blank1 = new Float32Array(CHANNELS_1);
  readonly blank2 = new Float32Array(CHANNELS_2);
  readonly blankIn2 = new Float32Array(CHANNELS_1);
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

/** A convolution layer's sums: ModelEngine.convolve, or the reference it matches (js-conv.ts). */
export type Convolve = (
  shape: ConvShape,
  weights: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  out: Float32Array,
) => void;

const LAYER_1: ConvShape = {
  inChannels: CHANNELS_IN,
  height: FRAME_HEIGHT,
  width: FRAME_WIDTH,
  outChannels: CHANNELS_1,
  kernel: KERNEL,
};
const LAYER_2: ConvShape = { inChannels: CHANNELS_1, height: P1H, width: P1W, outChannels: CHANNELS_2, kernel: KERNEL };

function relu(a: Float32Array): void {
  for (let i = 0; i < a.length; i++) if ((a[i] as number) < 0) a[i] = 0;
}

/**
 * The network's 22 outputs (logits) for `s.input` (the frame's bytes / 255), written to `s.output`. The fitting
 * script runs this same function, so a fitted network reads here exactly as it was measured: the convolutions'
 * sums are rounded to float32 after every tap (js-conv.ts) on every backend.
 * @param net the weights
 * @param s scratch holding the input; every activation is written there
 * @param convolve the convolutions' backend (an engine's, which gives the same bits faster)
 * @returns s.output
 */
export function pairNetForward(
  net: PairNetWeights,
  s: PairNetScratch,
  convolve: Convolve = convolveSums,
): Float32Array {
  const { conv1, conv2, input } = s;
  // A piece narrower than the frame leaves columns of paper on both sides (a single digit: most of them).
  let first = FRAME_WIDTH;
  let last = -1;
  for (let y = 0; y < FRAME_HEIGHT; y++)
    for (let x = 0; x < FRAME_WIDTH; x++)
      if ((input[y * FRAME_WIDTH + x] as number) !== 0) {
        if (x < first) first = x;
        if (x > last) last = x;
      }
  const sums1 = convolveInked(convolve, LAYER_1, net.w1, net.b1, input, conv1, { first, last }, PAPER, s, s.blank1);
  relu(conv1);
  maxPool(conv1, CHANNELS_1, H1, W1, s.pool1, s.from1);
  // A pooled column is blank when both its columns of the first layer were: each channel's blank value after the ReLU.
  for (let c = 0; c < CHANNELS_1; c++) {
    const v = s.blank1[c] as number;
    s.blankIn2[c] = v < 0 ? 0 : v;
  }
  const pooled = { first: Math.floor(sums1.first / 2), last: Math.floor(sums1.last / 2) };
  convolveInked(convolve, LAYER_2, net.w2, net.b2, s.pool1, conv2, pooled, s.blankIn2, s, s.blank2);
  relu(conv2);
  maxPool(conv2, CHANNELS_2, H2, W2, s.pool2, s.from2);
  const { pool2, hidden, output, live } = s;
  // The dense layer adds only the inputs that are not zero (about half are, after the ReLU): a zero term could
  // change nothing but the sign of a zero sum, which the ReLU erases, so the hidden values are the same bits.
  let n = 0;
  for (let i = 0; i < FLAT; i++) if ((pool2[i] as number) !== 0) live[n++] = i;
  const { w3, b3 } = net;
  // Four units at a time (HIDDEN is a multiple of 4), each its own sum in its own order: four chains of additions in
  // flight, not one.
  for (let j = 0; j < HIDDEN; j += 4) {
    let a0 = b3[j] as number;
    let a1 = b3[j + 1] as number;
    let a2 = b3[j + 2] as number;
    let a3 = b3[j + 3] as number;
    const row = j * FLAT;
    for (let k = 0; k < n; k++) {
      const i = live[k] as number;
      const x = pool2[i] as number;
      a0 += (w3[row + i] as number) * x;
      a1 += (w3[row + FLAT + i] as number) * x;
      a2 += (w3[row + 2 * FLAT + i] as number) * x;
      a3 += (w3[row + 3 * FLAT + i] as number) * x;
    }
    hidden[j] = a0 > 0 ? a0 : 0;
    hidden[j + 1] = a1 > 0 ? a1 : 0;
    hidden[j + 2] = a2 > 0 ? a2 : 0;
    hidden[j + 3] = a3 > 0 ? a3 : 0;
  }
  for (let k = 0; k < OUTPUTS; k++) {
    let a = net.b4[k] as number;
    const row = k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) a += (net.w4[row + j] as number) * (hidden[j] as number);
    output[k] = a;
  }
  return output;
}

/** The first layer's one input channel outside the ink: paper, 0. */
const PAPER = new Float32Array(CHANNELS_IN);

/**
 * A convolution layer whose input is blank (each channel one value) outside columns [inked.first, inked.last]: the
 * outputs whose windows reach those columns are summed by `convolve` over just the columns they read, and every other
 * output is the sum over a window of blanks, worked out once per channel the way the reference adds (js-conv.ts: the
 * bias, then each tap rounded to float32 in (c, ky, kx) order), so every output holds the bits a whole pass gives.
 * @param blank each input channel's value outside the inked columns
 * @param blankOut receives each output channel's value over blank input
 * @returns the output columns that were summed (first > last: none)
 */
function convolveInked(
  convolve: Convolve,
  shape: ConvShape,
  weights: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  out: Float32Array,
  inked: { readonly first: number; readonly last: number },
  blank: Float32Array,
  s: PairNetScratch,
  blankOut: Float32Array,
): { first: number; last: number } {
  const { inChannels, height, width, outChannels, kernel } = shape;
  const rows = height - kernel + 1;
  const columns = width - kernel + 1;
  const first = Math.max(0, inked.first - kernel + 1);
  const last = Math.min(columns - 1, inked.last);
  if (first === 0 && last === columns - 1) {
    convolve(shape, weights, bias, input, out);
    return { first, last };
  }
  const taps = inChannels * kernel * kernel;
  for (let o = 0; o < outChannels; o++) {
    let a = bias[o] as number;
    let t = o * taps;
    for (let c = 0; c < inChannels; c++) {
      const v = blank[c] as number;
      for (let k = 0; k < kernel * kernel; k++) a = Math.fround(a + (weights[t++] as number) * v);
    }
    blankOut[o] = a;
    for (let y = 0; y < rows; y++) {
      const row = (o * rows + y) * columns;
      for (let x = 0; x < first; x++) out[row + x] = a;
      for (let x = Math.max(first, last + 1); x < columns; x++) out[row + x] = a;
    }
  }
  if (first > last) return { first, last };
  const span = last - first + 1;
  const cropWidth = span + kernel - 1;
  const { cropInput, cropOutput } = s;
  for (let c = 0; c < inChannels; c++)
    for (let y = 0; y < height; y++) {
      const from = (c * height + y) * width + first;
      const to = (c * height + y) * cropWidth;
      for (let x = 0; x < cropWidth; x++) cropInput[to + x] = input[from + x] as number;
    }
  convolve({ ...shape, width: cropWidth }, weights, bias, cropInput, cropOutput);
  for (let o = 0; o < outChannels; o++)
    for (let y = 0; y < rows; y++) {
      const from = (o * rows + y) * span;
      const to = (o * rows + y) * columns + first;
      for (let x = 0; x < span; x++) out[to + x] = cropOutput[from + x] as number;
    }
  return { first, last };
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
 * @param engine sums the convolutions when given, the same bits (a single digit's frame: 0.28 ms with the WebAssembly
 *   engine against 0.5 in JavaScript, `npm run bench:read-networks`, 2-core AMD EPYC)
 */
export function readPairFrame(frame: Uint8Array, engine?: ModelEngine): PairReading {
  const { net, scratch } = loaded();
  for (let i = 0; i < frame.length; i++) scratch.input[i] = (frame[i] as number) / 255;
  const out = pairNetForward(
    net,
    scratch,
    engine?.convolve === undefined ? convolveSums : engine.convolve.bind(engine),
  );
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
