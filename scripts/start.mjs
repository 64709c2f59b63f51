/**
 * `npm start`: the server (`node dist/cli/main.js serve`, with any arguments given after `--`) with the allocator
 * settings and the young-generation cap of server-env.mjs. Signals are passed on (SIGHUP reloads the model, SIGINT and SIGTERM shut down
 * gracefully) and the exit code is the server's. Plain JavaScript (.mjs) so it runs before anything is compiled.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { allocatorEnv, serverNodeFlags } from './server-env.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const child = spawn(
  process.execPath,
  [...serverNodeFlags(), path.join(root, 'dist/cli/main.js'), 'serve', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, ...allocatorEnv() } },
);
for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
