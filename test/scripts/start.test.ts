/**
 * `npm start` (scripts/start.mjs): the server with the allocator settings of scripts/server-env.mjs, signals passed
 * on, the server's exit code. Needs the build (npm test builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const serverEnvModule: string = path.join(ROOT, 'scripts', 'server-env.mjs');
const { allocatorEnv, JEMALLOC_CONF, serverNodeFlags } = (await import(serverEnvModule)) as {
  allocatorEnv: (
    env: Record<string, string | undefined>,
    exists: (file: string) => boolean,
    platform: string,
  ) => Record<string, string>;
  JEMALLOC_CONF: string;
  serverNodeFlags: (env: Record<string, string | undefined>) => string[];
};

describe('allocatorEnv', () => {
  it('preloads jemalloc where the system has it, else fixes glibc mmap threshold, and leaves a user choice alone', () => {
    const has = (found: string) => (file: string) => file === found;
    expect(allocatorEnv({}, has('/usr/lib64/libjemalloc.so.2'), 'linux')).toEqual({
      LD_PRELOAD: '/usr/lib64/libjemalloc.so.2',
      MALLOC_CONF: JEMALLOC_CONF,
    });
    expect(allocatorEnv({}, () => false, 'linux')).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(allocatorEnv({ LD_PRELOAD: '/x.so' }, () => true, 'linux')).toEqual({});
    expect(allocatorEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }, () => true, 'linux')).toEqual({});
    expect(allocatorEnv({}, () => true, 'darwin')).toEqual({});
  });
});

describe('serverNodeFlags', () => {
  it("caps the main thread's young generation unless NODE_OPTIONS already sets it", () => {
    expect(serverNodeFlags({})).toEqual(['--max-semi-space-size=1']);
    expect(serverNodeFlags({ NODE_OPTIONS: '--enable-source-maps' })).toEqual(['--max-semi-space-size=1']);
    expect(serverNodeFlags({ NODE_OPTIONS: '--max-semi-space-size=8' })).toEqual([]);
  });
});

describe('npm start', () => {
  it('serves with those settings, passes SIGTERM on and exits with the server', async () => {
    const start = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--host', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, LD_PRELOAD: '', MALLOC_CONF: '', MALLOC_MMAP_THRESHOLD_: '', FEEDBACK: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      start.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        const listening = /listening on (\S+)/.exec(log);
        if (listening) resolve(listening[1]!);
      });
      start.once('exit', () => reject(new Error(`start.mjs exited: ${log}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const server = spawnSync('pgrep', ['-P', String(start.pid)], { encoding: 'utf8' }).stdout.trim();
    const environ = readFileSync(`/proc/${server}/environ`, 'latin1').split('\0');
    const cmdline = readFileSync(`/proc/${server}/cmdline`, 'latin1').split('\0');
    if (!(process.env['NODE_OPTIONS'] ?? '').includes('--max-semi-space-size'))
      expect(cmdline).toContain('--max-semi-space-size=1');
    const jemalloc = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'];
    if (jemalloc.some((file) => existsSync(file))) expect(environ).toContain(`MALLOC_CONF=${JEMALLOC_CONF}`);
    else expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(`/proc/${server}`)).toBe(false);
  });
});
