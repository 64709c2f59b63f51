import type { KernelRows, SmoWorkspace } from './smo-types.js';

/** LIBSVM's TAU: a floor for the curvature of a non-positive-definite pair. */
export const TAU = 1e-12;

/**
 * alpha_t's place in the box [0, C] (LIBSVM's alpha_status), kept so that selection and shrinking compare a byte
 * rather than alpha with 0 and C.
 */
export const LOWER = 0;
export const UPPER = 1;
export const FREE = 2;

/**
 * Which of the working-set index sets a variable belongs to (Fan, Chen & Lin's I_up and I_low), kept beside its
 * status so that the selection loops test one byte instead of branching on the label and the status.
 */
export const IN_UP = 1;
export const IN_LOW = 2;

/** I_up: y = +1 below C, or y = -1 above 0; I_low: y = +1 above 0, or y = -1 below C. */
export function sideOf(y: number, status: number): number {
  return y === 1
    ? (status !== UPPER ? IN_UP : 0) | (status !== LOWER ? IN_LOW : 0)
    : (status !== LOWER ? IN_UP : 0) | (status !== UPPER ? IN_LOW : 0);
}

/** The solver's working state (LIBSVM's Solver fields), shared by the steps in the smo-*.ts modules. */
export interface SmoState {
  readonly n: number;
  readonly rows: KernelRows;
  readonly y: Int8Array;
  readonly C: number;
  readonly eps: number;
  /** K(x_t, x_t): Q's diagonal once the y factors cancel. */
  readonly QD: Float64Array;
  readonly alpha: Float64Array;
  /** LOWER, UPPER or FREE per variable, kept in step with alpha. */
  readonly status: Uint8Array;
  /** IN_UP | IN_LOW per variable, kept in step with status (sideOf). */
  readonly side: Uint8Array;
  /** Gradient of the objective: Qa - e. */
  readonly G: Float64Array;
  /** Sum over upper-bound j of C Q_jt, so unshrinking is cheap. */
  readonly Gbar: Float64Array;
  /** The active (unshrunk) variables are active[0..activeSize), in increasing order. */
  readonly active: Int32Array;
  activeSize: number;
  /**
   * The active variables' gradient, label, side and diagonal packed in active order (`packed.G[a]` is variable
   * active[a]'s), which the selection and update loops read instead of gathering by variable index. While steps run,
   * packed.G is the active variables' gradient and G holds the inactive ones' (`unpackGradient` brings G up to
   * date); `pack` lays the arrays out again whenever the active set changes.
   */
  readonly packed: PackedActive;
  /** The position in `active` of each active variable. */
  readonly position: Int32Array;
  /** The WebAssembly loops' workspace and results, when the solve has one with room (SmoOptions.workspace). */
  readonly results: SmoResults | null;
  /** Set once the gap first falls within 10 eps: the one time the whole gradient is rebuilt while shrinking. */
  unshrink: boolean;
  /** The working set of the last successful selection, and the gap it measured. */
  i: number;
  j: number;
  gap: number;
  /**
   * The next selection's i and its violation, found by takeStep while it updated the gradient (one pass over the
   * active set instead of two); valid while `nextReady`, which shrinking and unshrinking clear.
   */
  nextI: number;
  nextGmax: number;
  nextReady: boolean;
}

/** See {@link SmoState.packed}. */
export interface PackedActive {
  readonly G: Float64Array;
  /** +1 or -1, as float64: what the loops multiply by. */
  readonly y: Float64Array;
  readonly side: Uint8Array;
  readonly QD: Float64Array;
}

/** Bytes of a workspace's room the solver of n variables uses: results, packed G, y, QD, the active set and sides. */
export function smoArrayBytes(n: number): number {
  return 16 + 29 * n;
}

/**
 * The active set and the packed arrays, in the workspace's memory when it has room (the WebAssembly loops read them
 * there), else ordinary arrays; and where the WebAssembly loops write their results.
 */
function solverArrays(
  n: number,
  workspace: SmoWorkspace | undefined,
): { active: Int32Array; packed: PackedActive; results: SmoResults | null } {
  if (workspace === undefined || workspace.bytes < smoArrayBytes(n)) {
    return {
      active: new Int32Array(n),
      packed: { G: new Float64Array(n), y: new Float64Array(n), side: new Uint8Array(n), QD: new Float64Array(n) },
      results: null,
    };
  }
  const { buffer, at } = workspace;
  const G = at + 16;
  const y = G + 8 * n;
  const QD = y + 8 * n;
  const active = QD + 8 * n;
  const side = active + 4 * n;
  return {
    active: new Int32Array(buffer, active, n),
    packed: {
      G: new Float64Array(buffer, G, n),
      y: new Float64Array(buffer, y, n),
      side: new Uint8Array(buffer, side, n),
      QD: new Float64Array(buffer, QD, n),
    },
    results: { workspace, value: new Float64Array(buffer, at, 1), position: new Int32Array(buffer, at + 8, 1) },
  };
}

/** Where the WebAssembly loops leave their answer: a value (float64) and a position (int32). */
export interface SmoResults {
  readonly workspace: SmoWorkspace;
  readonly value: Float64Array;
  readonly position: Int32Array;
}

/** Lays out `packed` and `position` for the active set (after it changed). */
export function pack(s: SmoState): void {
  const { active, activeSize, G, y, side, QD, packed, position } = s;
  for (let a = 0; a < activeSize; a++) {
    const t = active[a] as number;
    packed.G[a] = G[t] as number;
    packed.y[a] = y[t] as number;
    packed.side[a] = side[t] as number;
    packed.QD[a] = QD[t] as number;
    position[t] = a;
  }
}

/** Copies the active variables' gradient from `packed.G` back to G, for the steps that read G by variable. */
export function unpackGradient(s: SmoState): void {
  const { active, activeSize, G, packed } = s;
  for (let a = 0; a < activeSize; a++) G[active[a] as number] = packed.G[a] as number;
}

/** alpha = 0 (every variable at its lower bound), so G = -e, Gbar = 0, and every variable active. */
export function initialState(
  rows: KernelRows,
  y: Int8Array,
  C: number,
  eps: number,
  workspace?: SmoWorkspace,
): SmoState {
  const n = rows.n;
  const { active, packed, results } = solverArrays(n, workspace);
  for (let t = 0; t < n; t++) active[t] = t;
  const s: SmoState = {
    n,
    rows,
    y,
    C,
    eps,
    QD: rows.diag,
    alpha: new Float64Array(n),
    status: new Uint8Array(n), // all LOWER
    side: Uint8Array.from(y, (yt) => sideOf(yt, LOWER)),
    G: new Float64Array(n).fill(-1),
    Gbar: new Float64Array(n),
    active,
    activeSize: n,
    packed,
    position: new Int32Array(n),
    results,
    unshrink: false,
    i: -1,
    j: -1,
    gap: Infinity,
    nextI: -1,
    nextGmax: -Infinity,
    nextReady: false,
  };
  pack(s);
  return s;
}
