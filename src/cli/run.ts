import { UsageError, type CliIO, type Command } from './command.js';
import { evaluateCommand } from './commands/evaluate.js';
import { feedbackCommand } from './commands/feedback.js';
import { predictCommand } from './commands/predict.js';
import { readCommand } from './commands/read.js';
import { serveCommand } from './commands/serve.js';
import { trainCommand } from './commands/train.js';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  evaluateCommand,
  predictCommand,
  readCommand,
  serveCommand,
  feedbackCommand,
];

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n');
  return `Usage: mnist-digits <command> [options]\n\nCommands:\n${rows}\n\nRun 'mnist-digits <command> --help' for a command's options.\n`;
}

/** A thrown value with a string `code`: the typed errors of src/ml, src/image, src/node and src/training. */
function codeOf(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Runs the CLI and returns the exit code: 0 success, 1 a failure of the work (bad file, missing data),
 * 2 a usage error. Typed errors print their message only; anything else prints its stack, as it is a bug.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`error: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nRun 'mnist-digits ${command.name} --help' for the accepted options.\n`);
      return 2;
    }
    const code = codeOf(error);
    if (code !== undefined) {
      io.stderr(`error [${code}]: ${(error as Error).message}\n`);
      return 1;
    }
    io.stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
