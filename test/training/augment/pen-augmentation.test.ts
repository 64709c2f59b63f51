import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../../src/ml/deskew.js';
import {
  makePenVariants,
  PEN_KINDS,
  PEN_MIX,
  planPenVariants,
  withPenVariants,
} from '../../../src/training/augment/pen-augmentation.js';
import { makePenVariantsThreaded } from '../../../src/training/pen-threads.js';
import { mnistTrain } from '../../helpers/mnist-subset.js';

const raw = mnistTrain(120);
const deskewed = { ...raw, images: deskewAll(raw.images, raw.count) };

describe('pen augmentation of the training set', () => {
  it('redraws only candidate images, each pen in its share, each variant labelled like its source', () => {
    const candidates = Int32Array.from({ length: 60 }, (_, k) => 2 * k);
    const variants = makePenVariants(raw, candidates, 40, 7);
    expect(variants.data.count + variants.skipped).toBe(40);
    expect(variants.skipped).toBe(0);
    PEN_KINDS.forEach((kind, index) => {
      expect(variants.kinds.filter((k) => k === index).length).toBe(Math.round(40 * PEN_MIX[kind].share));
    });
    const sources = Array.from(variants.sources);
    expect(sources).toEqual([...sources].sort((a, b) => a - b));
    expect(new Set(sources).size).toBe(40);
    for (const [k, s] of sources.entries()) {
      expect(s % 2).toBe(0);
      expect(variants.data.labels[k]).toBe(raw.labels[s]);
    }
  });

  it('plans exactly `count` pens, each parameter inside its range', () => {
    for (const count of [1, 7, 1000]) {
      const plan = planPenVariants(
        Int32Array.from({ length: 2000 }, (_, k) => k),
        count,
        3,
      );
      expect(plan.pens).toHaveLength(count);
      for (const pen of plan.pens) {
        const value = pen.kind === 'thicker' ? pen.radius : pen.kind === 'thinner' ? pen.level : pen.width;
        const [lo, hi] = PEN_MIX[pen.kind].range;
        expect(value).toBeGreaterThanOrEqual(lo);
        expect(value).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('caps the count at one variant per candidate and is deterministic for a seed', () => {
    const candidates = Int32Array.from([5, 9, 11]);
    const a = makePenVariants(raw, candidates, 100, 1);
    expect(Array.from(a.sources)).toEqual([5, 9, 11]);
    const b = makePenVariants(raw, candidates, 100, 1);
    expect(Array.from(b.data.images)).toEqual(Array.from(a.data.images));
    const other = makePenVariants(
      raw,
      Int32Array.from({ length: 100 }, (_, k) => k),
      10,
      2,
    );
    const again = makePenVariants(
      raw,
      Int32Array.from({ length: 100 }, (_, k) => k),
      10,
      3,
    );
    expect(Array.from(other.sources)).not.toEqual(Array.from(again.sources));
  });

  it('adds to a training split exactly the variants of its own images, so held-out images never leak in', () => {
    const variants = makePenVariants(
      raw,
      Int32Array.from({ length: 120 }, (_, k) => k),
      60,
      4,
    );
    const split = Int32Array.from({ length: 80 }, (_, k) => k + 40); // images 0..39 held out
    const { data, counts } = withPenVariants(deskewed, split, variants);
    const expected = Array.from(variants.sources).filter((s) => s >= 40).length;
    expect(counts.thicker + counts.thinner + counts.fine).toBe(expected);
    expect(counts.fine).toBe(
      Array.from(variants.sources).filter((s, k) => s >= 40 && PEN_KINDS[variants.kinds[k] as number] === 'fine')
        .length,
    );
    expect(data.count).toBe(80 + expected);
    // MNIST rows first, unchanged, then the variants of images 40..119 in source order.
    expect(Array.from(data.images.subarray(0, 784))).toEqual(Array.from(deskewed.images.subarray(40 * 784, 41 * 784)));
    const firstVariant = variants.sources.findIndex((s) => s >= 40);
    expect(Array.from(data.images.subarray(80 * 784, 81 * 784))).toEqual(
      Array.from(variants.data.images.subarray(firstVariant * 784, (firstVariant + 1) * 784)),
    );
    expect(withPenVariants(deskewed, split, undefined).data.count).toBe(80);
  });

  it('draws the same variants on worker threads as on one thread', async () => {
    const candidates = Int32Array.from({ length: 120 }, (_, k) => k);
    const single = makePenVariants(raw, candidates, 90, 9);
    const progress: number[] = [];
    const threaded = await makePenVariantsThreaded(raw, candidates, 90, 9, 2, (done) => progress.push(done));
    expect(Array.from(threaded.sources)).toEqual(Array.from(single.sources));
    expect(Buffer.from(threaded.data.images).equals(Buffer.from(single.data.images))).toBe(true);
    expect(Array.from(threaded.data.labels)).toEqual(Array.from(single.data.labels));
    expect(Array.from(threaded.kinds)).toEqual(Array.from(single.kinds));
    expect(progress.at(-1)).toBe(90);
  });
});
