import { RESTRICTED_BELOW } from './engine/js-rows.js';
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

/** A cached row's coverage: the whole row, or the active part under the restriction lineage it holds. */
const WHOLE = -1;

/**
 * Kernel rows with a least-recently-used cache of at most `budgetBytes` of float32 rows (never fewer than two rows,
 * the pair one SMO step needs). One cache serves every one-vs-rest problem, since K does not depend on labels.
 *
 * Restricted (`restrict`) to fewer than RESTRICTED_BELOW (engine/js-rows.ts) of the variables, a missing row is computed at
 * those variables only when the engine can (`rowOn`): LIBSVM computes a row's active part the same way. Such a row
 * stays valid while the set only narrows (one lineage); `fullRow` completes it in place when the whole is needed.
 * The values are the engine's either way, so what the solver computes does not depend on the cache.
 * @param engine computes missing rows; the JavaScript reference when omitted
 * @param arena memory to carve the rows from instead of blocks of the cache's own (rows of any length; the budget is
 *   then at most the arena's size). A training run hands each thread's cache the same arena in each stage: the
 *   pages the first stage's rows touched are already the process's when the second stage's rows are written, where
 *   fresh blocks are pages the system must find and zero again (about a million page faults in a two-stage run).
 */
export function createKernelRowCache(
  data: KernelData,
  kernel: PolyKernel,
  budgetBytes: number,
  engine: KernelRowEngine = createJsKernelRows(data, kernel),
  arena?: Float32Array,
): CountingKernelRows {
  const n = data.n;
  const budget = arena === undefined ? budgetBytes : Math.min(budgetBytes, 4 * arena.length);
  const capacity = Math.max(2, Math.min(n, Math.floor(budget / (4 * n))));
  // An arena too small for the two rows a step needs is not used.
  const carved = arena !== undefined && capacity * n <= arena.length ? arena : undefined;
  const slotOf = new Int32Array(n).fill(-1);
  const ownerOf = new Int32Array(capacity).fill(-1);
  const coverage = new Int32Array(capacity).fill(WHOLE);
  const slots: Float32Array[] = [];
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (4 * n)));
  let block = new Float32Array(0);
  const newRow = (): Float32Array => {
    if (carved !== undefined) return carved.subarray(slots.length * n, (slots.length + 1) * n);
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

  // The restriction: its variables (null: all), whether rows are computed on them alone, and the lineage (bumped
  // whenever a set is not a subset of the one before, so older partial rows stop counting as valid).
  let active: Int32Array | null = null;
  let activeSize = n;
  let narrow = false;
  let lineage = 0;
  let version = 0;
  const member = new Uint8Array(n).fill(1);

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
  /** The slot of row i, made the most recent; a free or the least recent one when i has none. */
  const slotFor = (i: number): number => {
    const s = slotOf[i] as number;
    if (s !== -1) {
      unlink(s);
      pushFront(s);
      return s;
    }
    let slot: number;
    if (slots.length < capacity) {
      slot = slots.length;
      slots.push(newRow());
    } else {
      slot = tail;
      unlink(slot);
      slotOf[ownerOf[slot] as number] = -1;
    }
    slotOf[i] = slot;
    ownerOf[slot] = i;
    pushFront(slot);
    return slot;
  };
  const compute = (i: number, slot: number, whole: boolean): Float32Array => {
    stats.misses++;
    const out = slots[slot] as Float32Array;
    if (!whole && narrow && active !== null && engine.rowOn) {
      engine.rowOn(i, active, activeSize, version, out);
      coverage[slot] = lineage;
    } else {
      engine.row(i, out);
      coverage[slot] = WHOLE;
    }
    return out;
  };

  return {
    n,
    diag: data.diag,
    stats,
    // A row is evicted only once `capacity` other rows have been asked for since (least recently used first).
    heldRows: capacity,
    row(i: number): Float32Array {
      const had = slotOf[i] !== -1;
      const slot = slotFor(i);
      const c = coverage[slot] as number;
      if (had && (c === WHOLE || c === lineage)) {
        stats.hits++;
        return slots[slot] as Float32Array;
      }
      return compute(i, slot, false);
    },
    fullRow(i: number): Float32Array {
      const had = slotOf[i] !== -1;
      const slot = slotFor(i);
      if (had && coverage[slot] === WHOLE) {
        stats.hits++;
        return slots[slot] as Float32Array;
      }
      return compute(i, slot, true);
    },
    restrict(set: Int32Array | null, size: number): void {
      const all = set === null || size >= n;
      let subset = true;
      if (all) subset = activeSize === n;
      else for (let a = 0; a < size && subset; a++) subset = member[set[a] as number] === 1;
      if (!subset) lineage++;
      if (all) {
        if (activeSize !== n) member.fill(1);
      } else {
        member.fill(0);
        for (let a = 0; a < size; a++) member[set[a] as number] = 1;
      }
      // The engine may keep a layout of the set between calls: a new version only when the set changed.
      if (!subset || (all ? activeSize !== n : size !== activeSize)) version++;
      active = all ? null : set;
      activeSize = all ? n : size;
      narrow = !all && size < RESTRICTED_BELOW * n;
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
