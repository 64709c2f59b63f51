/** Bounds for {@link isNumberIn}; a missing bound is open. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Also reject fractions. */
  readonly integer?: boolean;
}

/** Whole numbers from 1 to 2^53 - 1: counts, sizes and limits (the largest integer a double holds exactly). */
export const POSITIVE_INTEGER: NumberRange = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };

/**
 * The one number-range check behind every validator (model options, image limits, server limits, CLI flags,
 * environment variables); each caller throws its own typed error with its own message.
 * @returns true when `value` is a finite number (an integer if asked) within [min, max]
 */
export function isNumberIn(value: unknown, range: NumberRange): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    value >= (range.min ?? -Infinity) &&
    value <= (range.max ?? Infinity)
  );
}

/**
 * Reads a number from text (a flag or an environment variable) within a range.
 * @returns the number, or undefined when the text is blank, not a number, or out of range
 */
export function parseNumberIn(raw: string, range: NumberRange): number | undefined {
  const value = Number(raw);
  return raw.trim() !== '' && isNumberIn(value, range) ? value : undefined;
}

/**
 * For the `default` of a switch over a union: the compiler proves it unreachable, and at run time (a value from
 * outside the types) it throws naming the value.
 */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
