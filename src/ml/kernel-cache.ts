import { createJsKernelRows, type KernelData, type KernelRowEngine, type PolyKernel } from './kernel.js';
import type { KernelRows } from './smo.js';

/** Counters of a kernel row source, for progress output and tests. */
export interface KernelRowStats {
  hits: number;
  misses: number;
}

/** Kernel rows plus their hit/miss counters. */
export interface CountingKernelRows extends KernelRows {
  readonly stats: KernelRowStats;
}

/**
 * Rows are carved out of blocks of this size rather than allocated one by one. A block this large is always its own
 * mapping in glibc (above its largest mmap threshold, 32 MB), so it goes back to the system when the cache is dropped.
 * Rows of 240-490 KB allocated singly landed in malloc arenas instead, and a two-stage training run kept the first
 * stage's ~2 GB of freed rows resident under the second's: 3,349 MB peak against 2,656 MB for one stage.
 */
const BLOCK_BYTES = 128 * 1024 * 1024;

/**
 * Kernel rows with a least-recently-used cache of at most `budgetBytes` of float32 rows (never fewer than two rows,
 * the pair one SMO step needs). One cache serves every one-vs-rest problem, since K does not depend on labels.
 * @param engine computes missing rows; the JavaScript reference when omitted
 */
export function createKernelRowCache(
  data: KernelData,
  kernel: PolyKernel,
  budgetBytes: number,
  engine: KernelRowEngine = createJsKernelRows(data, kernel),
): CountingKernelRows {
  const n = data.n;
  const capacity = Math.max(2, Math.min(n, Math.floor(budgetBytes / (4 * n))));
  const slotOf = new Int32Array(n).fill(-1);
  const ownerOf = new Int32Array(capacity).fill(-1);
  const slots: Float32Array[] = [];
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (4 * n)));
  let block = new Float32Array(0);
  const newRow = (): Float32Array => {
    const at = slots.length % rowsPerBlock;
    if (at === 0) block = new Float32Array(Math.min(rowsPerBlock, capacity - slots.length) * n);
    return block.subarray(at * n, (at + 1) * n);
  };
  // Doubly linked recency list over slots; head is the most recent.
  const prev = new Int32Array(capacity).fill(-1);
  const next = new Int32Array(capacity).fill(-1);
  let head = -1;
  let tail = -1;
  const stats: KernelRowStats = { hits: 0, misses: 0 };

  const unlink = (s: number): void => {
    const p = prev[s] as number;
    const q = next[s] as number;
    if (p !== -1) next[p] = q;
    else head = q;
    if (q !== -1) prev[q] = p;
    else tail = p;
    prev[s] = -1;
    next[s] = -1;
  };
  const pushFront = (s: number): void => {
    next[s] = head;
    prev[s] = -1;
    if (head !== -1) prev[head] = s;
    head = s;
    if (tail === -1) tail = s;
  };

  return {
    n,
    diag: data.diag,
    stats,
    row(i: number): Float32Array {
      const s = slotOf[i] as number;
      if (s !== -1) {
        stats.hits++;
        unlink(s);
        pushFront(s);
        return slots[s] as Float32Array;
      }
      stats.misses++;
      let slot: number;
      if (slots.length < capacity) {
        slot = slots.length;
        slots.push(newRow());
      } else {
        slot = tail;
        unlink(slot);
        slotOf[ownerOf[slot] as number] = -1;
      }
      engine.row(i, slots[slot] as Float32Array);
      slotOf[i] = slot;
      ownerOf[slot] = i;
      pushFront(slot);
      return slots[slot] as Float32Array;
    },
  };
}

/** Kernel rows computed afresh on every call: the reference that cached sources must agree with. */
export function createUncachedKernelRows(
  data: KernelData,
  kernel: PolyKernel,
  engine: KernelRowEngine = createJsKernelRows(data, kernel),
): CountingKernelRows {
  const stats: KernelRowStats = { hits: 0, misses: 0 };
  return {
    n: data.n,
    diag: data.diag,
    stats,
    row(i: number): Float32Array {
      stats.misses++;
      const out = new Float32Array(data.n);
      engine.row(i, out);
      return out;
    },
  };
}
