import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countJsonStructure, maxJsonStructure } from '../../src/server/json-budget.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('countJsonStructure', () => {
  it('counts { } [ ] : , outside strings only, escapes included', () => {
    expect(countJsonStructure(utf8('{"images":[{"filename":"a,b:[c]","data":"QUJD"}]}'), 100)).toBe(10);
    expect(countJsonStructure(utf8('["a\\",[", 1]'), 100)).toBe(3);
  });

  it('equals the count of a reference tokenizer on any JSON value', () => {
    const reference = (value: unknown): number => {
      if (Array.isArray(value))
        return 2 + Math.max(0, value.length - 1) + value.reduce((n: number, v) => n + reference(v), 0);
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value);
        return 2 + Math.max(0, entries.length - 1) + entries.length + entries.reduce((n, [, v]) => n + reference(v), 0);
      }
      return 0;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(countJsonStructure(utf8(JSON.stringify(value)), 1e9)).toBe(reference(value));
      }),
    );
  });

  it('stops as soon as the count passes the bound', () => {
    const flat = utf8(`[${'1,'.repeat(1_000_000)}1]`);
    expect(countJsonStructure(flat, 212)).toBe(213);
  });

  it('leaves room for a full batch, pretty-printed', () => {
    const images = Array.from({ length: 16 }, (_, i) => ({ filename: `f${i}.png`, data: 'QUJD' }));
    const pretty = utf8(JSON.stringify({ images }, null, 2));
    expect(countJsonStructure(pretty, maxJsonStructure(16))).toBeLessThanOrEqual(maxJsonStructure(16));
  });
});
