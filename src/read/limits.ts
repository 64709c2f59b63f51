import type { ReadLimits } from './types.js';

/**
 * Bounds on one picture's work. 32 pieces is a long number with every digit broken in two (a meter, an IBAN's
 * digits) and keeps the worst case at a few hundred candidate pieces for the classifier (see search.ts); a page of
 * text has hundreds and is refused before anything is classified. 32 digits is longer than any number people
 * photograph (a card number is 16-19).
 */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxPieces: 32, maxDigits: 32 };

/**
 * Fills in the defaults and checks the overrides.
 * @param limits overrides of {@link DEFAULT_READ_LIMITS}
 * @returns the complete limits
 * @throws RangeError when a limit is not a positive whole number
 */
export function resolveReadLimits(limits: Partial<ReadLimits> = {}): ReadLimits {
  const resolved = { ...DEFAULT_READ_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`read limit ${name} must be a positive whole number, got ${value}`);
  }
  return resolved;
}
