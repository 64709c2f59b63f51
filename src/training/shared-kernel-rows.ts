import { createJsKernelRows, type KernelData, type KernelRowEngine, type PolyKernel } from '../ml/kernel.js';
import { createKernelRowCache, type CountingKernelRows } from '../ml/kernel-cache.js';

/**
 * A kernel-row cache shared by all training threads, in SharedArrayBuffers. Each row is computed once, by whichever
 * thread asks first, and read by every one-vs-rest problem after that. Slots are handed out until the budget is
 * spent and never evicted (eviction would need readers to pin rows across threads); rows beyond the budget fall back
 * to a small per-thread LRU cache.
 */
export interface SharedRowCache {
  /** Per row: 0 absent, 1 being computed, 2 ready in a slot, 3 over budget (compute locally). */
  readonly state: Int32Array;
  readonly slotOf: Int32Array;
  /** [0]: next free slot. */
  readonly counters: Int32Array;
  readonly chunks: readonly Float32Array[];
  readonly rowsPerChunk: number;
  readonly capacity: number;
}

/** Largest single SharedArrayBuffer we create: 1 GiB keeps clear of engine limits on typed-array length. */
const CHUNK_BYTES = 1 << 30;

/** Allocates a shared cache of at most `budgetBytes` for rows of length n. Pages are committed only when written. */
export function allocateSharedRowCache(n: number, budgetBytes: number): SharedRowCache {
  const rowBytes = 4 * n;
  const capacity = Math.max(0, Math.min(n, Math.floor(budgetBytes / rowBytes)));
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
  const chunks: Float32Array[] = [];
  for (let left = capacity; left > 0; left -= rowsPerChunk) {
    chunks.push(new Float32Array(new SharedArrayBuffer(Math.min(left, rowsPerChunk) * rowBytes)));
  }
  return {
    state: new Int32Array(new SharedArrayBuffer(4 * n)),
    slotOf: new Int32Array(new SharedArrayBuffer(4 * n)),
    counters: new Int32Array(new SharedArrayBuffer(8)),
    chunks,
    rowsPerChunk,
    capacity,
  };
}

const ABSENT = 0;
const COMPUTING = 1;
const READY = 2;
const LOCAL = 3;

/**
 * One thread's view of the shared cache, as the `KernelRows` the solver reads.
 * @param engine computes missing rows (this thread's WebAssembly or JavaScript engine)
 * @param arena memory for this thread's own cache (see createKernelRowCache); its own blocks when omitted
 */
export function sharedKernelRows(
  data: KernelData,
  kernel: PolyKernel,
  cache: SharedRowCache,
  localBudgetBytes: number,
  engine: KernelRowEngine = createJsKernelRows(data, kernel),
  arena?: Float32Array,
): CountingKernelRows {
  const n = data.n;
  const views: (Float32Array | undefined)[] = [];
  const local = createKernelRowCache(data, kernel, localBudgetBytes, engine, arena);
  const stats = { hits: 0, misses: 0 };
  const view = (slot: number): Float32Array => {
    let v = views[slot];
    if (v === undefined) {
      const chunk = cache.chunks[Math.floor(slot / cache.rowsPerChunk)] as Float32Array;
      const start = (slot % cache.rowsPerChunk) * n;
      v = chunk.subarray(start, start + n);
      views[slot] = v;
    }
    return v;
  };
  /** Row i from this thread's own cache: restricted to the active variables unless `whole`. */
  const fromLocal = (i: number, whole: boolean): Float32Array => {
    const before = local.stats.misses;
    const row = whole && local.fullRow ? local.fullRow(i) : local.row(i);
    if (local.stats.misses > before) stats.misses++;
    else stats.hits++;
    return row;
  };
  // Shared rows are whole (threads solve different digits, with different active variables); the thread's own
  // cache follows its solver's restriction.
  const get = (i: number, whole: boolean): Float32Array => {
    for (;;) {
      const st = Atomics.load(cache.state, i);
      if (st === READY) {
        stats.hits++;
        return view(Atomics.load(cache.slotOf, i));
      }
      if (st === LOCAL) return fromLocal(i, whole);
      if (st === ABSENT) {
        if (Atomics.compareExchange(cache.state, i, ABSENT, COMPUTING) !== ABSENT) continue;
        const slot = Atomics.add(cache.counters, 0, 1);
        if (slot >= cache.capacity) {
          Atomics.store(cache.state, i, LOCAL);
          Atomics.notify(cache.state, i);
          return fromLocal(i, whole);
        }
        stats.misses++;
        const v = view(slot);
        engine.row(i, v);
        Atomics.store(cache.slotOf, i, slot);
        // The seq-cst store publishes the row written above to any thread that then loads READY.
        Atomics.store(cache.state, i, READY);
        Atomics.notify(cache.state, i);
        return v;
      }
      Atomics.wait(cache.state, i, COMPUTING);
    }
  };
  return {
    n,
    diag: data.diag,
    stats,
    row: (i) => get(i, false),
    fullRow: (i) => get(i, true),
    restrict: (active, size) => local.restrict?.(active, size),
    // Shared rows stay anyway; the pass hint is for this thread's own cache.
    beginPass: (rows) => local.beginPass?.(rows),
    endPass: (keep) => local.endPass?.(keep),
    // Shared rows are never evicted; this thread's own are, by its local cache.
    ...(local.heldRows === undefined ? {} : { heldRows: local.heldRows }),
  };
}

/** Rows cached so far (capped at capacity). */
export function cachedRowCount(cache: SharedRowCache): number {
  return Math.min(Atomics.load(cache.counters, 0), cache.capacity);
}
