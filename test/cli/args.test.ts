import { describe, expect, expectTypeOf, it } from 'vitest';
import { numberIn, parseArgs, type FlagSpecs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/command.js';

const SPECS = {
  port: { kind: 'value', valueName: 'N', description: 'port', parse: numberIn(1, 65535, true) },
  host: { kind: 'value', valueName: 'HOST', description: 'host' },
  list: { kind: 'value', valueName: 'LIST', description: 'list', parse: (raw: string) => raw.split(',') },
  json: { kind: 'boolean', description: 'json' },
} satisfies FlagSpecs;

describe('parseArgs', () => {
  it('types each flag by its spec: parser result, raw string, or true', () => {
    const { flags, positionals } = parseArgs(['--port', '8080', '--host=::1', '--list', 'a,b', '--json', 'x'], SPECS);
    expectTypeOf(flags.port).toEqualTypeOf<number | undefined>();
    expectTypeOf(flags.host).toEqualTypeOf<string | undefined>();
    expectTypeOf(flags.list).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(flags.json).toEqualTypeOf<true | undefined>();
    expect(flags).toEqual({ port: 8080, host: '::1', list: ['a', 'b'], json: true });
    expect(positionals).toEqual(['x']);
  });

  it('leaves absent flags out and names bad values', () => {
    expect(parseArgs([], SPECS).flags).toEqual({});
    expect(() => parseArgs(['--port', '0'], SPECS)).toThrow(
      new UsageError("--port must be an integer from 1 to 65535, got '0'"),
    );
    expect(() => parseArgs(['--nope'], SPECS)).toThrow(
      new UsageError("unknown option '--nope'; accepted: --port, --host, --list, --json"),
    );
  });
});
