import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPenVariants } from '../../src/training/augment/pen-augmentation.js';
import { penCacheKey } from '../../src/training/pen-cache.js';
import { makePenVariantsThreaded } from '../../src/training/pen-threads.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

const raw = mnistTrain(80);
const candidates = Int32Array.from({ length: 80 }, (_, k) => k);
const checksums = { 'train-images-idx3-ubyte': 'aa', 'train-labels-idx1-ubyte': 'bb' };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pen-cache-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('pen-variant cache', () => {
  it('reads back exactly what was drawn, and keeps one entry', async () => {
    const cache = { dir, dataChecksums: checksums };
    const drawn = await makePenVariantsThreaded(raw, candidates, 30, 5, 2, undefined, cache);
    expect(drawn.fromCache).toBe(false);
    const again = await makePenVariantsThreaded(raw, candidates, 30, 5, 2, undefined, cache);
    expect(again.fromCache).toBe(true);
    expect([...again.data.images]).toEqual([...drawn.data.images]);
    expect([...again.sources]).toEqual([...drawn.sources]);
    expect([...again.kinds]).toEqual([...drawn.kinds]);
    expect(again.skipped).toBe(drawn.skipped);
    const other = await makePenVariantsThreaded(raw, candidates, 30, 6, 2, undefined, cache);
    expect(other.fromCache).toBe(false);
    expect((await readdir(dir)).filter((f) => f.startsWith('pen-variants-'))).toHaveLength(1);
  });

  it('keys on the data, the plan and nothing else that is fixed', async () => {
    const plan = planPenVariants(candidates, 30, 5);
    const key = await penCacheKey(plan, checksums);
    expect(await penCacheKey(planPenVariants(candidates, 30, 5), checksums)).toBe(key);
    expect(await penCacheKey(planPenVariants(candidates, 30, 9), checksums)).not.toBe(key);
    expect(await penCacheKey(plan, { ...checksums, 'train-images-idx3-ubyte': 'ab' })).not.toBe(key);
  });
});
