/**
 * Serves a built edge worker (scripts/edge/build.ts) with the `workerd` npm package: Cloudflare Workers' open-source
 * runtime, offline, no account. Writes a Cap'n Proto config beside the modules and starts the binary on a loopback
 * or given address; the port actually bound is read from workerd's control descriptor, so port 0 works.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { COMPATIBILITY_DATE, EDGE_MODULES } from './build.js';

/** The platform binary the `workerd` package resolved at install (`@cloudflare/workerd-<os>-<arch>`). */
export function workerdBinary(): string {
  return (createRequire(import.meta.url)('workerd') as { default: string }).default;
}

/** A binding name the config can carry as is (the app's limits are upper-case variable names). */
const BINDING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The workerd config: one worker from the three modules, one HTTP socket named `http`, and the given text bindings
 * (the worker's `env`, from which the app reads its limits, like `vars` in wrangler.jsonc).
 */
export function workerdConfig(bindings: Readonly<Record<string, string>> = {}): string {
  const entries = Object.entries(bindings).map(([name, value]) => {
    if (!BINDING_NAME.test(name)) throw new Error(`binding name '${name}' is not an identifier`);
    return `    (name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)}),`;
  });
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    '',
    'const config :Workerd.Config = (',
    '  services = [(name = "main", worker = .worker)],',
    '  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],',
    ');',
    '',
    'const worker :Workerd.Worker = (',
    '  modules = [',
    `    (name = "${EDGE_MODULES.main}", esModule = embed "${EDGE_MODULES.main}"),`,
    `    (name = "${EDGE_MODULES.model}", data = embed "${EDGE_MODULES.model}"),`,
    `    (name = "${EDGE_MODULES.wasm}", wasm = embed "${EDGE_MODULES.wasm}"),`,
    '  ],',
    '  bindings = [',
    ...entries,
    '  ],',
    `  compatibilityDate = "${COMPATIBILITY_DATE}",`,
    ');',
    '',
  ].join('\n');
}

/** A running workerd. */
export interface RunningWorkerd {
  /** e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops workerd (SIGTERM, then SIGKILL after 2 s) and resolves when it has exited. */
  close(): Promise<void>;
}

/**
 * Writes the config into the built worker's directory and starts workerd on it.
 * @param options - `dir` of the build, `host` (default 127.0.0.1), `port` (0: any free one), text `bindings`,
 *   `log` for workerd's stderr (default: this process's stderr).
 * @returns Once workerd listens: its URL and a `close`.
 */
export async function startWorkerd(options: {
  dir: string;
  host?: string;
  port?: number;
  bindings?: Readonly<Record<string, string>>;
  log?: (text: string) => void;
}): Promise<RunningWorkerd> {
  const host = options.host ?? '127.0.0.1';
  const config = path.join(options.dir, 'workerd.capnp');
  await writeFile(config, workerdConfig(options.bindings));
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  const addr = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 0}`;
  const child = spawn(workerdBinary(), ['serve', config, '--socket-addr', `http=${addr}`, '--control-fd', '3'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  // If this process ends without close() (a test runner torn down, an uncaught error), workerd goes with it
  // instead of holding its port.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const control = child.stdio[3] as Readable;
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      for (const line of text.split('\n')) {
        try {
          const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (message.event === 'listen' && message.socket === 'http' && typeof message.port === 'number') {
            control.off('data', onData);
            resolve(message.port);
            return;
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    };
    control.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`workerd exited before listening (code ${code}, signal ${signal})`)),
    );
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { url, port, pid: child.pid as number, close };
}
