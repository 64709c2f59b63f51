import { parseNumberIn } from '../shared/checks.js';
import { UsageError } from './command.js';

/** How one flag is read: a boolean switch, or a value checked and converted by `parse`. */
export type FlagSpec =
  | { readonly kind: 'boolean'; readonly description: string }
  | {
      readonly kind: 'value';
      readonly description: string;
      readonly valueName: string;
      readonly parse?: (raw: string, flag: string) => unknown;
    };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** What one flag yields: `true` for a switch, else its parser's result, else the raw string. */
export type FlagValue<S extends FlagSpec> = S extends { readonly kind: 'boolean' }
  ? true
  : S extends { readonly parse: (raw: string, flag: string) => infer T }
    ? T
    : string;

/** The flags of a command, each typed by its spec; a flag not given is absent. */
export type ParsedFlags<S extends FlagSpecs> = { readonly [K in keyof S]?: FlagValue<S[K]> };

export interface ParsedArgs<S extends FlagSpecs> {
  readonly flags: ParsedFlags<S>;
  readonly positionals: readonly string[];
}

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag`; anything after `--` is positional.
 * Unknown flags and bad values are `UsageError`s that list what is accepted. Declare `specs` with
 * `satisfies FlagSpecs` so each flag's type follows from its spec (no casts at the call site).
 * @example const { flags } = parseArgs(args, { port: { kind: 'value', valueName: 'N', description: '', parse: numberIn(1, 65535, true) } }); // flags.port: number | undefined
 */
export function parseArgs<S extends FlagSpecs>(args: readonly string[], specs: S): ParsedArgs<S> {
  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-') {
        throw new UsageError(`unknown option '${arg}'; accepted: ${listFlags(specs)}`);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`unknown option '--${name}'; accepted: ${listFlags(specs)}`);
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else {
      raw = args[i + 1];
      i++;
    }
    if (raw === undefined) throw new UsageError(`option '--${name}' needs a value (${spec.valueName})`);
    flags[name] = spec.parse ? spec.parse(raw, `--${name}`) : raw;
  }
  // The loop above stores, for each name, exactly what FlagValue says its spec yields.
  return { flags: flags as ParsedFlags<S>, positionals };
}

function listFlags(specs: FlagSpecs): string {
  return Object.keys(specs)
    .map((k) => `--${k}`)
    .join(', ');
}

/** Formats the flag table for `--help`. */
export function describeFlags(specs: FlagSpecs): string {
  return Object.entries(specs)
    .map(([name, spec]) => {
      const left = spec.kind === 'boolean' ? `--${name}` : `--${name} <${spec.valueName}>`;
      return `  ${left.padEnd(28)} ${spec.description}`;
    })
    .join('\n');
}

/** A value parser for numbers within [min, max]; `integer` also rejects fractions. */
export function numberIn(min: number, max: number, integer = false) {
  return (raw: string, flag: string): number => {
    const value = parseNumberIn(raw, { min, max, integer });
    if (value === undefined) {
      const what = integer ? 'an integer' : 'a number';
      throw new UsageError(`${flag} must be ${what} from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
}
