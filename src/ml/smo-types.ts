/**
 * Where the solver gets kernel values: `row(i)` is K(x_i, x_t) for every t. A returned row must stay valid until
 * two further `row` calls have been made (the solver holds rows i and j of one step at a time).
 */
export interface KernelRows {
  readonly n: number;
  /** K(x_i, x_i). */
  readonly diag: Float64Array;
  /** K(x_i, x_t): for every t, or, after `restrict`, at least at the variables of the last restriction. */
  row(i: number): Float32Array;
  /**
   * Optional: K(x_i, x_t) for every t whatever the restriction (the gradient's upper-bound sums and its
   * reconstruction read a row at the inactive variables too); `row` is used when a source does not restrict.
   */
  fullRow?(i: number): Float32Array;
  /**
   * Optional: the variables the solver reads rows at until the next call, `active[0..size)`, or every variable
   * (`null`). The solver only narrows the set between calls with `null` (shrinking drops variables, unshrinking
   * restores them all), so a source may keep a row computed for a set as valid for any later subset of it; a
   * source that computes only the active part of a row (engine `rowOn`) does a fraction of the work once shrinking
   * has set most variables aside.
   */
  restrict?(active: Int32Array | null, size: number): void;
  /**
   * Optional: how many rows, at least, a returned row stays valid for (further `row`/`fullRow` calls before it
   * may be overwritten). The interface promises two; a cache that holds more lets the gradient's reconstruction
   * read several rows in one pass.
   */
  readonly heldRows?: number;
  /**
   * Optional hint, which changes no value: a pass is about to read `rows` whole, once each, and the next such pass
   * will read most of them again (the gradient's reconstruction, twice a solve over nearly the same free
   * variables, the solver's steps between reading them too). A cache may then keep what it can of them instead of
   * letting the pass push out its own rows. Earlier kept rows are let go.
   */
  beginPass?(rows: ArrayLike<number>): void;
  /** Optional: the pass is over; keep its rows for the next pass (`true`) or let them go (a new solve: `false`). */
  endPass?(keep: boolean): void;
}

/**
 * The solver's loops in WebAssembly (engine/wasm-smo.ts): a memory that holds the kernel rows the solver is given
 * and room for its packed arrays. A step whose rows are views on `buffer` runs there, branch-free; other steps run
 * the JavaScript loops. Either way the same operations in the same order, so the same multipliers to the bit.
 */
export interface SmoWorkspace {
  /** The memory's buffer, as the rows' Float32Arrays see it. */
  readonly buffer: ArrayBufferLike;
  /** Byte address of the room for the solver's arrays, and its size (smo-state.ts `smoArrayBytes`). */
  readonly at: number;
  readonly bytes: number;
  readonly loops: SmoLoops;
}

/** The WebAssembly loops' signatures (engine/wasm/smo-loops.ts says what each computes; addresses in bytes). */
export interface SmoLoops {
  selectJ(
    n: number,
    Gmax: number,
    Qii: number,
    Ki: number,
    active: number,
    G: number,
    y: number,
    side: number,
    QD: number,
    out: number,
  ): void;
  updateGradient(
    n: number,
    di: number,
    dj: number,
    Ki: number,
    Kj: number,
    active: number,
    G: number,
    y: number,
    side: number,
    out: number,
  ): void;
}

/** Options of one binary soft-margin SVM. */
export interface SmoOptions {
  /** Box constraint: 0 <= alpha_i <= C. */
  readonly C: number;
  /** Stopping tolerance on the maximal KKT violation (LIBSVM's eps, 1e-3 by default). */
  readonly tolerance?: number;
  /** Temporarily drop variables stuck at a bound (Joachims 1999; LIBSVM's heuristic). Default true. */
  readonly shrinking?: boolean;
  /** Hard stop; the solution is then flagged `converged: false`. Default max(10^7, 100 n) as in LIBSVM. */
  readonly maxIterations?: number;
  /** Called every `progressEvery` iterations (default 5000). */
  readonly onProgress?: (progress: SmoProgress) => void;
  readonly progressEvery?: number;
  /**
   * Start from these multipliers instead of 0 (alpha seeding): a feasible point, e.g. an earlier solution with
   * new rows at 0, so the solve only repairs what the new rows disturb. Copied, not modified.
   */
  readonly initialAlpha?: Float64Array;
  /** Run the loops in WebAssembly where the rows allow (see {@link SmoWorkspace}). */
  readonly workspace?: SmoWorkspace;
}

/** A snapshot of the solver's state, passed to `onProgress` every `progressEvery` iterations. */
export interface SmoProgress {
  readonly iterations: number;
  readonly activeSize: number;
  /** Current maximal violation m(alpha) - M(alpha); the solver stops below `tolerance`. */
  readonly gap: number;
}

/** The dual solution: decision f(x) = sum_i alpha_i y_i K(x_i, x) + bias. */
export interface BinarySolution {
  readonly alpha: Float64Array;
  readonly bias: number;
  readonly iterations: number;
  readonly supportVectorCount: number;
  readonly converged: boolean;
  /** Final maximal KKT violation over all variables. */
  readonly gap: number;
}
