import { UsageError, type CliIO, type Command } from './command.js';

/** A subcommand by name, its module imported only when it runs (or for the top-level help). */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

/**
 * Every subcommand, in the order `--help` lists them. Loaded on demand: `serve` starts its prediction workers
 * without first importing training, evaluation and the rest (~0.1 s of imports on a 2-core EPYC).
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'train', load: async () => (await import('./commands/train.js')).trainCommand },
  { name: 'evaluate', load: async () => (await import('./commands/evaluate.js')).evaluateCommand },
  { name: 'predict', load: async () => (await import('./commands/predict.js')).predictCommand },
  { name: 'read', load: async () => (await import('./commands/read.js')).readCommand },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand },
  { name: 'feedback', load: async () => (await import('./commands/feedback.js')).feedbackCommand },
];

async function usage(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((entry) => entry.load()));
  const rows = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n');
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
    io.stdout(await usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr(`error: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  const command = await entry.load();
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
