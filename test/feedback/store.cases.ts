import { describe, expect, it } from 'vitest';
import { readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import { toIdx } from '../../src/feedback/idx-export.js';
import type { CorrectionStore, NewCorrection } from '../../src/feedback/store.js';

/** A correction of `digits` whose pictures are filled with `fill` (so tests can tell pictures apart). */
export function sample(digits = '7', fill = 1, extra: Partial<NewCorrection> = {}): NewCorrection {
  return {
    normalized: new Uint8Array(784 * digits.length).fill(fill),
    upload: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    filename: 'seven.png',
    predicted: '1'.repeat(digits.length),
    corrected: digits,
    modelSha256: 'a'.repeat(64),
    ...extra,
  };
}

/**
 * The behaviour every corrections store must have, run over each implementation (SQLite, PostgreSQL).
 * @param name - The store's name in test titles.
 * @param open - Opens an empty store.
 */
export function storeCases(name: string, open: () => Promise<CorrectionStore>): void {
  describe(`${name} corrections store`, () => {
    it('stores what it was given and reads it back, pending', async () => {
      const store = await open();
      const id = await store.add(sample('42', 9, { filename: '<b>x</b>.png' }));
      const got = await store.get(id);
      expect(got).toMatchObject({ id, status: 'pending', corrected: '42', predicted: '11', filename: '<b>x</b>.png' });
      expect(got?.normalized).toEqual(new Uint8Array(784 * 2).fill(9));
      expect(got?.upload).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
      expect(Date.parse(got!.createdAt)).toBeGreaterThan(Date.parse('2025-01-01'));
      expect(await store.get('no-such-id')).toBeUndefined();
      await store.close();
    });

    it('lists newest first, filters by status, counts, accepts and rejects', async () => {
      const store = await open();
      const a = await store.add(sample('1'));
      const b = await store.add(sample('2'));
      const c = await store.add(sample('3'));
      expect((await store.list()).map((r) => r.id)).toEqual([c, b, a]);
      expect((await store.list({ limit: 1 }))[0]?.uploadBytes).toBe(4);
      expect(await store.accept(a)).toBe(true);
      expect(await store.reject(b)).toBe(true);
      expect(await store.accept('missing')).toBe(false);
      expect(await store.counts()).toEqual({ pending: 1, accepted: 1, rejected: 1 });
      expect((await store.list({ status: 'pending' })).map((r) => r.id)).toEqual([c]);
      await store.close();
    });

    it('exports accepted digits, one per picture, oldest first, as IDX files a reader reads back', async () => {
      const store = await open();
      const first = await store.add(sample('35', 3));
      await store.add(sample('8', 8));
      const third = await store.add(sample('6', 6));
      await store.accept(third);
      await store.accept(first);
      const digits = await store.export();
      expect(digits).toMatchObject({ count: 3, corrections: 2 });
      expect([...digits.labels]).toEqual([3, 5, 6]);
      const { images, labels } = toIdx(digits);
      const read = readIdxImages(images);
      expect([read.count, read.rows, read.cols]).toEqual([3, 28, 28]);
      expect(read.pixels[784 * 2]).toBe(6);
      expect([...readIdxLabels(labels).labels]).toEqual([3, 5, 6]);
      await store.close();
    });

    it('refuses bad corrections with BAD_CORRECTION and a full queue with STORE_FULL', async () => {
      const store = await open();
      await expect(store.add(sample('7x'))).rejects.toMatchObject({ code: 'BAD_CORRECTION' });
      await expect(store.add({ ...sample('77'), normalized: new Uint8Array(784) })).rejects.toMatchObject({
        code: 'BAD_CORRECTION',
      });
      await store.add(sample('1'), { maxPending: 2 });
      await store.add(sample('1'), { maxPending: 2 });
      await expect(store.add(sample('1'), { maxPending: 2 })).rejects.toMatchObject({ code: 'STORE_FULL' });
      expect((await store.counts()).pending).toBe(2);
      await store.close();
    });

    it('keeps the pending cap under concurrent writers', async () => {
      const store = await open();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.add(sample('5'), { maxPending: 7 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
      expect((await store.counts()).pending).toBe(7);
      await store.close();
    });
  });
}
