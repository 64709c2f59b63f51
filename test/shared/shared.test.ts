import { describe, expect, it } from 'vitest';
import { assertUnreachable, isNumberIn, parseNumberIn, POSITIVE_INTEGER } from '../../src/shared/checks.js';
import { CodedError } from '../../src/shared/coded-error.js';
import { ConfigError } from '../../src/shared/config-error.js';
import { MNIST_SIZE, PIXELS } from '../../src/shared/mnist.js';
import { MlError } from '../../src/ml/errors.js';
import { ImageError } from '../../src/image/errors.js';
import { HttpError } from '../../src/server/errors.js';
import { UsageError } from '../../src/cli/command.js';

describe('mnist', () => {
  it('PIXELS is the 28x28 frame', () => {
    expect(PIXELS).toBe(MNIST_SIZE * MNIST_SIZE);
  });
});

describe('isNumberIn / parseNumberIn', () => {
  it('checks finiteness, integrality and both bounds', () => {
    expect(isNumberIn(3, { min: 1, max: 3 })).toBe(true);
    expect(isNumberIn(3.5, { min: 1, max: 4, integer: true })).toBe(false);
    expect(isNumberIn(0, { min: 1 })).toBe(false);
    expect(isNumberIn(Infinity, {})).toBe(false);
    expect(isNumberIn(Number.NaN, {})).toBe(false);
    expect(isNumberIn('3', {})).toBe(false);
    expect(isNumberIn(2 ** 53, POSITIVE_INTEGER)).toBe(false);
    expect(isNumberIn(2 ** 53 - 1, POSITIVE_INTEGER)).toBe(true);
  });

  it('reads text, refusing blanks (Number(" ") is 0) and garbage', () => {
    expect(parseNumberIn(' 12 ', { min: 0, max: 12, integer: true })).toBe(12);
    expect(parseNumberIn('  ', { min: 0 })).toBeUndefined();
    expect(parseNumberIn('1e3', { max: 999 })).toBeUndefined();
    expect(parseNumberIn('x', {})).toBeUndefined();
  });
});

describe('assertUnreachable', () => {
  it('throws naming the value that escaped the types', () => {
    expect(() => assertUnreachable('odd' as never, 'pen kind')).toThrow('unexpected pen kind: "odd"');
  });
});

describe('CodedError subclasses', () => {
  it('keep their name, code, message, cause and instanceof', () => {
    const cause = new Error('inner');
    const errors = [
      [new MlError('MODEL_INVALID', 'bad model', { cause }), 'MlError', 'MODEL_INVALID'],
      [new ImageError('NO_DIGIT_FOUND', 'no ink'), 'ImageError', 'NO_DIGIT_FOUND'],
      [new HttpError(404, 'NOT_FOUND', 'nothing here'), 'HttpError', 'NOT_FOUND'],
      [new UsageError('bad flag'), 'UsageError', 'USAGE'],
      [new ConfigError('PORT must be an integer'), 'ConfigError', 'CONFIG_INVALID'],
    ] as const;
    for (const [error, name, code] of errors) {
      expect(error).toBeInstanceOf(CodedError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(String(error)).toBe(`${name}: ${error.message}`);
      expect(error.stack?.split('\n')[0]).toBe(`${name}: ${error.message}`);
    }
    expect(errors[0][0].cause).toBe(cause);
    expect('cause' in errors[1][0]).toBe(false);
  });
});
