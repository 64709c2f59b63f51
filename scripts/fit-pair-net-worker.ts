/**
 * A thread of scripts/fit-pair-net.ts: the gradient of its half of each minibatch, and held-out figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../src/read/pair-frame.js';
import { pairNetForward, pairNetViews, PairNetScratch } from '../src/read/pair-net.js';
import { PairNetGradScratch, pairNetBackward } from './pair-net-backward.js';

export interface PairWorkerData {
  readonly weights: SharedArrayBuffer;
  readonly grad: SharedArrayBuffer;
  readonly frames: Uint8Array;
  readonly labels: Int8Array;
  readonly order: Int32Array;
  readonly twoWeight: number;
}
export type PairWorkerAsk =
  | { readonly kind: 'grad'; readonly from: number; readonly count: number }
  | {
      readonly kind: 'held';
      readonly frames: Uint8Array;
      readonly labels: Int8Array;
      readonly from: number;
      readonly step: number;
    };
export interface HeldCounts {
  pairs: number;
  both: number;
  left: number;
  right: number;
  calledTwo: number;
  singles: number;
  singleRight: number;
  calledOne: number;
}

const SIZE = FRAME_HEIGHT * FRAME_WIDTH;
const data = workerData as PairWorkerData;
const net = pairNetViews(new Float32Array(data.weights));
const gradFlat = new Float32Array(data.grad);
const grad = pairNetViews(gradFlat);
const s = new PairNetScratch();
const g = new PairNetGradScratch();

function load(frames: Uint8Array, i: number): Float32Array {
  for (let p = 0; p < SIZE; p++) s.input[p] = (frames[i * SIZE + p] as number) / 255;
  return pairNetForward(net, s);
}

function best(o: Float32Array, from: number): number {
  let b = 0;
  for (let i = 1; i < 10; i++) if ((o[from + i] as number) > (o[from + b] as number)) b = i;
  return b;
}

parentPort?.on('message', (ask: PairWorkerAsk) => {
  if (ask.kind === 'grad') {
    gradFlat.fill(0);
    let loss = 0;
    for (let k = ask.from; k < ask.from + ask.count; k++) {
      const i = data.order[k] as number;
      load(data.frames, i);
      const label = {
        left: data.labels[i * 3] as number,
        right: data.labels[i * 3 + 1] as number,
        two: data.labels[i * 3 + 2] as number,
      };
      loss += pairNetBackward(net, grad, s, g, label, data.twoWeight);
    }
    parentPort?.postMessage(loss);
    return;
  }
  const c: HeldCounts = {
    pairs: 0,
    both: 0,
    left: 0,
    right: 0,
    calledTwo: 0,
    singles: 0,
    singleRight: 0,
    calledOne: 0,
  };
  for (let i = ask.from; i < ask.labels.length / 3; i += ask.step) {
    const o = load(ask.frames, i);
    const left = best(o, 0);
    const right = best(o, 10);
    const two = (o[21] as number) > (o[20] as number);
    const [l, r, t] = [ask.labels[i * 3], ask.labels[i * 3 + 1], ask.labels[i * 3 + 2]];
    if (t === 1) {
      c.pairs++;
      if (left === l) c.left++;
      if (right === r) c.right++;
      if (left === l && right === r) c.both++;
      if (two) c.calledTwo++;
    } else {
      c.singles++;
      if (left === l) c.singleRight++;
      if (!two) c.calledOne++;
    }
  }
  parentPort?.postMessage(c);
});
