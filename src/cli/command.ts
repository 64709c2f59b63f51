import { CodedError } from '../shared/coded-error.js';

/** Where a command writes: injected so tests can capture output without touching the process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** One CLI subcommand. `run` returns the process exit code; it never calls `process.exit` itself. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** A usage error: the CLI prints its message and the command's `--help` hint, and exits with 2. */
export class UsageError extends CodedError<'USAGE'> {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('USAGE', message);
  }
}
