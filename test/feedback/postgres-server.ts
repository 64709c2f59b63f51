import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL cluster: its own data folder, socket folder and port, so tests never meet a real one. */
export interface TestPostgres {
  readonly url: string;
  stop(): void;
}

/** The folder of Debian's PostgreSQL binaries (initdb, pg_ctl), or undefined when the package is not installed. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL for a test file (or uses TEST_DATABASE_URL when set). PostgreSQL refuses to run as root, so as
 * root the cluster is made and run by the `postgres` user. A missing PostgreSQL fails the tests with what to install:
 * CI must test both stores for real, never skip one.
 * @returns The connection URL and a stop function.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) return { url: given, stop: () => undefined };
  const bin = binDir();
  if (bin === undefined) {
    throw new Error(
      'PostgreSQL is not installed: the PostgreSQL store tests need it (apt-get install -y postgresql; .ci/run does ' +
        'this), or set TEST_DATABASE_URL to a database they may write to',
    );
  }
  const root = mkdtempSync(join(tmpdir(), 'mnist-pg-'));
  chmodSync(root, 0o777);
  const data = join(root, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    execFileSync(full[0] as string, full[1] as string[], { stdio: 'pipe' });
  };
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(root, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'pipe' });
      else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'pipe' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
