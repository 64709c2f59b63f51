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
 * Slots a cache keeping a pass's rows (beginPass) leaves to the solver's steps between two passes. Replaying the
 * row requests of the shipped training run's two threads in each stage (recorded) through this cache: 16 spare
 * slots computed 11-21% fewer rows than plain least-recently-used, 64 as many within 1%, 1,024 6-13% fewer; a cache
 * that knew every future request (evicting the row asked for latest) would compute 24-33% fewer.
 */
const SPARE_SLOTS = 32;

/**
 * Rows computed in a ring outside the slots: a pass's rows once every slot holds one the pass reads. Also what a
 * returned row is promised to outlive (heldRows): a ring row is overwritten by the SCRATCH_ROWS-th row after it.
 */
const SCRATCH_ROWS = 8;

/**
 * Kernel rows with a least-recently-used cache of at most `budgetBytes` of float32 rows (never fewer than two rows,
 * the pair one SMO step needs). One cache serves every one-vs-rest problem, since K does not depend on labels.
 *
 * Restricted (`restrict`) to fewer than RESTRICTED_BELOW (engine/js-rows.ts) of the variables, a missing row is computed at
 * those variables only when the engine can (`rowOn`): LIBSVM computes a row's active part the same way. Such a row
 * stays valid while the set only narrows (one lineage); `fullRow` completes it in place when the whole is needed.
 * The values are the engine's either way, so what the solver computes does not depend on the cache.
 *
 * A pass over rows the next pass reads again (`beginPass`: the gradient's reconstruction, twice a solve over nearly
 * the same free variables) would push out, least recent first, the very rows that pass asks for first: with more
 * free rows than slots, every row of the second pass was computed again. So during a pass a missing row takes the
 * slot of a row the pass does not read (or of a partial row), and once none is left it is computed in a scratch ring
 * instead; when the pass ends its rows stay, out of the recency order, for the next pass, but for SPARE_SLOTS left
 * to the steps in between.
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

  // The pass under way (beginPass): the variables it reads, and whether no slot is left that it does not need.
  const inPass = new Uint8Array(n);
  let passing = false;
  let passFull = false;
  // Slots kept for the next pass: out of the recency list, so never evicted, until they are let go.
  const kept = new Uint8Array(capacity);
  let keptSlots: number[] = [];
  const scratch: Float32Array[] = [];
  let scratchNext = 0;

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
  const pushBack = (s: number): void => {
    prev[s] = tail;
    next[s] = -1;
    if (tail !== -1) next[tail] = s;
    tail = s;
    if (head === -1) head = s;
  };
  /** The slot to give a missing row: the least recent one, or in a pass the least recent it does not need; -1: none. */
  const victim = (): number => {
    if (!passing) return tail;
    if (passFull) return -1;
    for (let s = tail; s !== -1; s = prev[s] as number)
      if (coverage[s] !== WHOLE || inPass[ownerOf[s] as number] === 0) return s;
    // A pass only fills slots with whole rows it reads: none will free up before it ends.
    passFull = true;
    return -1;
  };
  /** Returns the kept slots to the recency list: as the most recent (for the pass that reads them) or the least. */
  const letGo = (recent: boolean): void => {
    for (const s of keptSlots) {
      kept[s] = 0;
      if (recent) pushFront(s);
      else pushBack(s);
    }
    keptSlots = [];
  };
  /** The slot of row i, made the most recent (kept slots stay where they are); -1 when i has none and gets none. */
  const slotFor = (i: number): number => {
    const s = slotOf[i] as number;
    if (s !== -1) {
      if (kept[s] === 0) {
        unlink(s);
        pushFront(s);
      }
      return s;
    }
    let slot: number;
    if (slots.length < capacity) {
      slot = slots.length;
      slots.push(newRow());
    } else {
      slot = victim();
      if (slot === -1) return -1;
      unlink(slot);
      slotOf[ownerOf[slot] as number] = -1;
    }
    slotOf[i] = slot;
    ownerOf[slot] = i;
    pushFront(slot);
    return slot;
  };
  /** Computes row i into `slot`, or into the scratch ring for slot -1. */
  const compute = (i: number, slot: number, whole: boolean): Float32Array => {
    stats.misses++;
    let out: Float32Array;
    if (slot === -1) {
      out = scratch[scratchNext] ??= new Float32Array(n);
      scratchNext = (scratchNext + 1) % SCRATCH_ROWS;
    } else out = slots[slot] as Float32Array;
    if (!whole && narrow && active !== null && engine.rowOn) {
      engine.rowOn(i, active, activeSize, version, out);
      if (slot !== -1) coverage[slot] = lineage;
    } else {
      engine.row(i, out);
      if (slot !== -1) coverage[slot] = WHOLE;
    }
    return out;
  };

  return {
    n,
    diag: data.diag,
    stats,
    // A row is evicted only once `capacity` other rows have been asked for since (least recently used first), or
    // SPARE_SLOTS while a pass's rows are kept; a scratch row is overwritten by the SCRATCH_ROWS-th after it.
    heldRows: Math.min(capacity, SCRATCH_ROWS),
    row(i: number): Float32Array {
      const had = slotOf[i] !== -1;
      const slot = slotFor(i);
      // A row it had keeps its slot; one it had not may get none (-1: computed in the scratch ring).
      const c = had ? (coverage[slot] as number) : undefined;
      if (c === WHOLE || c === lineage) {
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
    beginPass(rows: ArrayLike<number>): void {
      letGo(true);
      inPass.fill(0);
      for (let k = 0; k < rows.length; k++) inPass[rows[k] as number] = 1;
      passing = true;
      passFull = false;
    },
    endPass(keep: boolean): void {
      passing = false;
      if (!keep) {
        letGo(false);
        return;
      }
      // The pass's whole rows, most recent first, out of the recency list: all but SPARE_SLOTS of the slots.
      for (let s = head; s !== -1 && keptSlots.length < capacity - SPARE_SLOTS;) {
        const after = next[s] as number;
        if (coverage[s] === WHOLE && inPass[ownerOf[s] as number] === 1) {
          unlink(s);
          kept[s] = 1;
          keptSlots.push(s);
        }
        s = after;
      }
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
