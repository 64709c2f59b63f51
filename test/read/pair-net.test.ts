import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/ml/dataset.js';
import { convolveSums } from '../../src/ml/engine/js-conv.js';
import { compileKernelModules, createWasmEngine } from '../../src/ml/engine/wasm-engine.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { FRAME_HEIGHT, FRAME_WIDTH, frameInk } from '../../src/read/pair-frame.js';
import {
  type Convolve,
  PAIR_NET_SIZE,
  pairNet,
  pairNetForward,
  PairNetScratch,
  pairNetViews,
  readPairFrame,
} from '../../src/read/pair-net.js';
import { loadFontDigits } from '../../src/training/font-digits.js';
import { loadMnist } from '../../src/training/mnist-data.js';
import { initPairNet, PairNetGradScratch, pairNetBackward } from '../../scripts/pair-net-backward.js';
import { joinedPairs, pairSamples } from '../../scripts/pair-samples.js';
import { modelOf } from '../ml/engine/random-models.js';

/** A model for an engine whose convolutions alone are used. */
const tinyModel = () =>
  modelOf(
    Uint8Array.from({ length: 2 * 784 }, (_, p) => p % 7),
    2,
    { type: 'poly', degree: 2, gamma: 0.01, coef0: 1 },
    new Float64Array(20).fill(0.1),
    new Array<number>(10).fill(0),
  );

describe('frameInk', () => {
  it('scales the ink box to 20 rows, keeps its width against its height and centres it', () => {
    // A 10 x 30 block of ink (3 times as wide as tall) in a larger blank crop.
    const ink = new Float32Array(50 * 20);
    for (let y = 5; y < 15; y++) for (let x = 10; x < 40; x++) ink[y * 50 + x] = 1;
    const frame = frameInk(ink, 50, 20) as Uint8Array;
    expect(frame).toHaveLength(FRAME_HEIGHT * FRAME_WIDTH);
    // Scaled by min(20 / 10, 44 / 30): 44 columns wide, 14.7 rows tall, centred.
    const rows = [...Array(FRAME_HEIGHT).keys()].filter((y) => (frame[y * FRAME_WIDTH + 24] as number) > 127);
    const cols = [...Array(FRAME_WIDTH).keys()].filter((x) => (frame[14 * FRAME_WIDTH + x] as number) > 127);
    expect(cols).toHaveLength(44);
    expect(cols[0]).toBe(2);
    expect(rows.length).toBeGreaterThanOrEqual(14);
    expect(rows.length).toBeLessThanOrEqual(16);
    expect(Math.abs((rows[0] as number) + (rows.at(-1) as number) - (FRAME_HEIGHT - 1))).toBeLessThanOrEqual(1);
  });

  it('leaves faint haze out of the box and finds nothing in a blank crop', () => {
    const ink = new Float32Array(30 * 30).fill(0.1);
    expect(frameInk(ink, 30, 30)).toBeUndefined();
    for (let y = 0; y < 30; y++) ink[y * 30 + 15] = 1;
    const frame = frameInk(ink, 30, 30) as Uint8Array;
    // A one-pixel stroke 30 rows tall: 20 rows tall and under one column wide, in the middle of the frame.
    const lit = [...frame.keys()].filter((i) => (frame[i] as number) > 0);
    expect(lit.every((i) => Math.abs((i % FRAME_WIDTH) - FRAME_WIDTH / 2) <= 1)).toBe(true);
  });

  it('gives the plain bilinear average it was fitted with, bit for bit, on crops of every shape', () => {
    const random = mulberry32(13);
    for (let trial = 0; trial < 300; trial++) {
      const width = 1 + Math.floor(random() * 150);
      const height = 1 + Math.floor(random() * 80);
      const density = random();
      const ink = Float32Array.from({ length: width * height }, () => (random() < density ? random() : 0));
      expect(frameInk(ink, width, height)).toEqual(plainFrame(ink, width, height));
    }
  });
});

/**
 * frameInk as first written and fitted: each output pixel the mean of 3 x 3 bilinear samples of the ink's box,
 * every sample's four neighbours read through a bounds check, in this order of operations.
 */
function plainFrame(ink: Float32Array, width: number, height: number): Uint8Array | undefined {
  let [minX, minY, maxX, maxY] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x]! > 0.2)
        [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
  if (maxX < 0) return undefined;
  const s = Math.min(20 / (maxY - minY + 1), 44 / (maxX - minX + 1));
  const ox = (FRAME_WIDTH - (maxX - minX + 1) * s) / 2;
  const oy = (FRAME_HEIGHT - (maxY - minY + 1) * s) / 2;
  const at = (x: number, y: number) => (x < minX || y < minY || x > maxX || y > maxY ? 0 : ink[y * width + x]!);
  const out = new Uint8Array(FRAME_HEIGHT * FRAME_WIDTH);
  for (let Y = 0; Y < FRAME_HEIGHT; Y++)
    for (let X = 0; X < FRAME_WIDTH; X++) {
      let sum = 0;
      for (let j = 0; j < 3; j++) {
        const py = minY + (Y + (j + 0.5) / 3 - oy) / s - 0.5;
        const y0 = Math.floor(py);
        const fy = py - y0;
        for (let i = 0; i < 3; i++) {
          const px = minX + (X + (i + 0.5) / 3 - ox) / s - 0.5;
          const x0 = Math.floor(px);
          const fx = px - x0;
          sum +=
            at(x0, y0) * (1 - fx) * (1 - fy) +
            at(x0 + 1, y0) * fx * (1 - fy) +
            at(x0, y0 + 1) * (1 - fx) * fy +
            at(x0 + 1, y0 + 1) * fx * fy;
        }
      }
      out[Y * FRAME_WIDTH + X] = Math.min(255, Math.round((sum / 9) * 255));
    }
  return out;
}

/**
 * The network as first written and fitted: every tap added into the float32 activations in place, layer by layer.
 * pairNetForward sums in registers and four outputs at a time; it must give these values bit for bit, or the
 * shipped weights would read differently from how they were fitted and measured.
 */
function referenceForward(net: ReturnType<typeof pairNetViews>, input: Float32Array): Float32Array {
  return referenceLayers(net, input).output;
}

/** referenceForward's output and its two convolutions' activations (after the ReLU). */
function referenceLayers(
  net: ReturnType<typeof pairNetViews>,
  input: Float32Array,
): { output: Float32Array; conv1: Float32Array; conv2: Float32Array } {
  const K = 5;
  const conv = (src: Float32Array, cin: number, h: number, w: number, weights: Float32Array, bias: Float32Array) => {
    const cout = bias.length;
    const oh = h - K + 1;
    const ow = w - K + 1;
    const out = new Float32Array(cout * oh * ow);
    for (let c = 0; c < cout; c++) {
      out.fill(bias[c]!, c * oh * ow, (c + 1) * oh * ow);
      for (let ci = 0; ci < cin; ci++)
        for (let ky = 0; ky < K; ky++)
          for (let kx = 0; kx < K; kx++) {
            const wt = weights[((c * cin + ci) * K + ky) * K + kx]!;
            for (let y = 0; y < oh; y++)
              for (let x = 0; x < ow; x++) {
                const o = c * oh * ow + y * ow + x;
                out[o] = out[o]! + wt * src[ci * h * w + (y + ky) * w + x + kx]!;
              }
          }
    }
    for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i] = 0;
    return { out, oh, ow };
  };
  const pool = (a: Float32Array, c: number, h: number, w: number) => {
    const out = new Float32Array((c * h * w) / 4);
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h / 2; y++)
        for (let x = 0; x < w / 2; x++) {
          const b = k * h * w + 2 * y * w + 2 * x;
          out[k * (h / 2) * (w / 2) + y * (w / 2) + x] = Math.max(a[b]!, a[b + 1]!, a[b + w]!, a[b + w + 1]!);
        }
    return out;
  };
  const c1 = conv(input, 1, FRAME_HEIGHT, FRAME_WIDTH, net.w1, net.b1);
  const p1 = pool(c1.out, net.b1.length, c1.oh, c1.ow);
  const c2 = conv(p1, net.b1.length, c1.oh / 2, c1.ow / 2, net.w2, net.b2);
  const p2 = pool(c2.out, net.b2.length, c2.oh, c2.ow);
  const hidden = new Float32Array(net.b3.length);
  for (let j = 0; j < hidden.length; j++) {
    let a = net.b3[j]!;
    for (let i = 0; i < p2.length; i++) a += net.w3[j * p2.length + i]! * p2[i]!;
    hidden[j] = a > 0 ? a : 0;
  }
  const output = Float32Array.from(net.b4, (b, k) => {
    let a = b;
    for (let j = 0; j < hidden.length; j++) a += net.w4[k * hidden.length + j]! * hidden[j]!;
    return a;
  });
  return { output, conv1: c1.out, conv2: c2.out };
}

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The shipped weights, and weights drawn as a fit starts from (the random source then goes on from there). */
function shippedAndRandom(random: () => number): ReturnType<typeof pairNetViews>[] {
  const flat = new Float32Array(PAIR_NET_SIZE);
  initPairNet(pairNetViews(flat), random);
  return [pairNet(), pairNetViews(flat)];
}

describe('pairNetForward', () => {
  it('gives the reference layer-by-layer values bit for bit, on the shipped weights and on random ones', () => {
    const random = mulberry32(21);
    for (const net of shippedAndRandom(random)) {
      const s = new PairNetScratch();
      for (let trial = 0; trial < 5; trial++) {
        for (let i = 0; i < s.input.length; i++) s.input[i] = random() < 0.25 ? Math.fround(random()) : 0;
        const fast = [...pairNetForward(net, s)];
        expect(fast).toEqual([...referenceForward(net, s.input)]);
      }
    }
  });

  it('gives the same outputs, bit for bit, with its convolutions summed by the WebAssembly engine', async () => {
    const engine = createWasmEngine(tinyModel(), await compileKernelModules());
    const convolve = engine.convolve?.bind(engine);
    expect(convolve).toBeDefined();
    const random = mulberry32(8);
    const a = new PairNetScratch();
    const b = new PairNetScratch();
    for (let trial = 0; trial < 20; trial++) {
      for (let i = 0; i < a.input.length; i++) a.input[i] = random() < 0.3 ? Math.fround(random()) : 0;
      b.input.set(a.input);
      const want = new Uint8Array(pairNetForward(pairNet(), a).slice().buffer);
      expect(new Uint8Array(pairNetForward(pairNet(), b, convolve).slice().buffer)).toEqual(want);
      expect(new Uint8Array(b.conv2.buffer)).toEqual(new Uint8Array(a.conv2.buffer));
    }
  });
});

describe('pairNetForward on a piece narrower than the frame', () => {
  // Ink in columns [from, to] only, paper elsewhere: a single digit, a pair, ink against either edge, one column.
  const spans = [
    [17, 30],
    [2, 45],
    [0, 6],
    [41, 47],
    [23, 23],
    [0, 47],
    [10, 11],
  ] as const;
  const inkIn = (input: Float32Array, from: number, to: number, random: () => number) => {
    input.fill(0);
    for (let y = 4; y < 24; y++)
      for (let x = from; x <= to; x++) input[y * FRAME_WIDTH + x] = random() < 0.4 ? Math.fround(random()) : 0;
    input[14 * FRAME_WIDTH + from] = 1;
    input[14 * FRAME_WIDTH + to] = 1;
  };

  it('sums only the columns that reach the ink, and every activation keeps the bits of a whole pass', () => {
    const random = mulberry32(31);
    for (const net of shippedAndRandom(random)) {
      const s = new PairNetScratch();
      for (const [from, to] of spans) {
        inkIn(s.input, from, to, random);
        let summed = 0;
        const counting: Convolve = (shape, weights, bias, input, out) => {
          summed += shape.width;
          convolveSums(shape, weights, bias, input, out);
        };
        const out = bytes(pairNetForward(net, s, counting).slice());
        const want = referenceLayers(net, s.input);
        expect(out).toEqual(bytes(want.output));
        expect(bytes(s.conv1)).toEqual(bytes(want.conv1));
        expect(bytes(s.conv2)).toEqual(bytes(want.conv2));
        // Input columns the two layers read: all 48 + 22 for ink across the frame, fewer for a narrower piece.
        if (to - from < 20) expect(summed).toBeLessThan(0.7 * (FRAME_WIDTH + FRAME_WIDTH / 2 - 2));
        else if (from === 0 && to === FRAME_WIDTH - 1) expect(summed).toBe(FRAME_WIDTH + 22);
      }
    }
  });

  it('gives the same bits with the WebAssembly engine summing the inked columns', async () => {
    const engine = createWasmEngine(tinyModel(), await compileKernelModules());
    const convolve = engine.convolve?.bind(engine) as Convolve;
    const random = mulberry32(32);
    const a = new PairNetScratch();
    const b = new PairNetScratch();
    for (const [from, to] of spans) {
      inkIn(a.input, from, to, random);
      b.input.set(a.input);
      const want = bytes(pairNetForward(pairNet(), a).slice());
      expect(bytes(pairNetForward(pairNet(), b, convolve).slice())).toEqual(want);
      expect(bytes(b.conv2)).toEqual(bytes(a.conv2));
      expect(bytes(b.conv1)).toEqual(bytes(a.conv1));
    }
  });
});

describe('the pair network and its fitting', () => {
  it('gives the gradient the loss has (central differences on every layer)', () => {
    const random = mulberry32(5);
    const flat = new Float32Array(PAIR_NET_SIZE);
    const net = pairNetViews(flat);
    initPairNet(net, random);
    const s = new PairNetScratch();
    for (let i = 0; i < s.input.length; i++) s.input[i] = random() < 0.3 ? random() : 0;
    const label = { left: 3, right: 7, two: 1 };
    const gradFlat = new Float32Array(PAIR_NET_SIZE);
    pairNetForward(net, s);
    pairNetBackward(net, pairNetViews(gradFlat), s, new PairNetGradScratch(), label, 1);
    const lossAt = () => {
      const t = new PairNetScratch();
      t.input.set(s.input);
      pairNetForward(net, t);
      return pairNetBackward(net, pairNetViews(new Float32Array(PAIR_NET_SIZE)), t, new PairNetGradScratch(), label, 1);
    };
    let offset = 0;
    let checked = 0;
    for (const [layer, view] of Object.entries(net)) {
      for (const i of [0, Math.floor(view.length / 3), view.length - 1]) {
        const j = offset + i;
        const was = flat[j] as number;
        const e = 1e-3;
        flat[j] = was + e;
        const up = lossAt();
        flat[j] = was - e;
        const down = lossAt();
        flat[j] = was;
        const numeric = (up - down) / (2 * e);
        expect(gradFlat[j], `${layer}[${i}]`).toBeCloseTo(numeric, 1);
        checked++;
      }
      offset += view.length;
    }
    expect(checked).toBe(24);
  });

  it('composes the same pictures from the same seed', () => {
    const digits: Dataset = {
      images: Uint8Array.from({ length: 20 * 784 }, (_, i) => ((i * 37) % 255 > 160 ? 255 : 0)),
      labels: Uint8Array.from({ length: 20 }, (_, k) => k % 10),
      count: 20,
    };
    const a = pairSamples(digits, digits, { from: 0, to: 20 }, 30, mulberry32(9));
    const b = pairSamples(digits, digits, { from: 0, to: 20 }, 30, mulberry32(9));
    const c = pairSamples(digits, digits, { from: 0, to: 20 }, 30, mulberry32(10));
    expect(Buffer.from(a.frames).equals(Buffer.from(b.frames))).toBe(true);
    expect(Buffer.from(a.frames).equals(Buffer.from(c.frames))).toBe(false);
    for (let k = 0; k < 30; k++) {
      const [left, right, two] = [a.labels[k * 3], a.labels[k * 3 + 1], a.labels[k * 3 + 2]];
      expect(left).toBeGreaterThanOrEqual(0);
      expect(two === 1 ? right! >= 0 : right === -1).toBe(true);
    }
  });
});

describe('joinedPairs', () => {
  it('draws two digits pushed into each other as ink in [0, 1], the same from the same seed', async () => {
    const { train } = await loadMnist();
    const rows = { from: 0, to: 1000 };
    const a = joinedPairs(train, rows, 20, mulberry32(3));
    const b = joinedPairs(train, rows, 20, mulberry32(3));
    const c = joinedPairs(train, rows, 20, mulberry32(4));
    expect(a).toHaveLength(20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const { width, height, data } of a) {
      expect(data).toHaveLength(width * height);
      expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...data)).toBeLessThanOrEqual(1);
      // One piece of ink: pushed until they meet, no column of paper parts the two digits.
      const inked = Array.from({ length: width }, (_, x) => {
        for (let y = 0; y < height; y++) if ((data[y * width + x] as number) > 0.3) return true;
        return false;
      });
      const first = inked.indexOf(true);
      const last = inked.lastIndexOf(true);
      expect(inked.slice(first, last + 1).every(Boolean)).toBe(true);
    }
  }, 60_000);
});

describe('the shipped pair network on digits of writers it never saw (MNIST test)', () => {
  let samples: ReturnType<typeof pairSamples>;
  beforeAll(async () => {
    const { test } = await loadMnist();
    const printed = (await loadFontDigits()).data;
    samples = pairSamples(test, printed, { from: 0, to: 10_000 }, 400, mulberry32(2026));
  }, 60_000);

  it('reads both digits of most pairs pushed into each other, and calls nearly every single digit one', () => {
    let pairs = 0;
    let both = 0;
    let calledTwo = 0;
    let singles = 0;
    let calledOne = 0;
    const size = FRAME_HEIGHT * FRAME_WIDTH;
    for (let k = 0; k < samples.count; k++) {
      const reading = readPairFrame(samples.frames.subarray(k * size, (k + 1) * size));
      const best = (p: Float64Array) => p.indexOf(Math.max(...p));
      if (samples.labels[k * 3 + 2] === 1) {
        pairs++;
        if (reading.two > 0.5) calledTwo++;
        if (best(reading.left) === samples.labels[k * 3] && best(reading.right) === samples.labels[k * 3 + 1]) both++;
      } else {
        singles++;
        if (reading.two < 0.5) calledOne++;
      }
    }
    // Held out from the fit (training rows 50,000-59,999): both right 91.8%, singles called one 99.4%.
    expect(pairs).toBeGreaterThan(200);
    expect(both / pairs).toBeGreaterThan(0.85);
    expect(calledTwo / pairs).toBeGreaterThan(0.97);
    expect(calledOne / singles).toBeGreaterThan(0.97);
  });
});
