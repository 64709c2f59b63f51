import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/run.js';
import { cli } from '../helpers/cli.js';

/**
 * The contract every subcommand of the `mnist-digits` bin keeps, run in process: `--help` prints its usage and
 * exits 0; an unknown flag is a usage error (exit 2) that lists the accepted flags. Per-command behaviour is
 * tested beside each command in test/cli.
 */

describe('the mnist-digits CLI', () => {
  it('has the subcommands the package promises', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(['evaluate', 'feedback', 'predict', 'read', 'serve', 'train']);
  });

  it('lists every subcommand in its top-level help, with the bin name', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: mnist-digits <command>');
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^\\s+${command.name}\\s+\\S`, 'm'));
  });

  it('rejects an unknown subcommand with exit 2, naming it', async () => {
    const { code, stderr } = await cli('trian');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'trian'");
  });

  describe.each(COMMANDS.map((c) => [c.name]))('%s', (name) => {
    it('--help prints usage and the accepted options, exit 0', async () => {
      const { code, stdout, stderr } = await cli(name, '--help');
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^Usage: /);
      expect(stdout).toContain('--help');
    });

    it('an unknown flag is a usage error that lists what is accepted, exit 2', async () => {
      const { code, stdout, stderr } = await cli(name, '--no-such-flag');
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toContain("unknown option '--no-such-flag'");
      expect(stderr).toMatch(/accepted: --\S+/);
      expect(stderr).toContain(`mnist-digits ${name} --help`);
    });
  });
});
