/**
 * The memory allocator settings `npm start` (scripts/start.mjs) and `npm run bench:soak` give the server. glibc's
 * malloc keeps what the decoders free: jpeg-js allocates one small typed array per 8x8 block (half a million for a
 * 12 MP photo), freed in the middle of the worker threads' arenas, where glibc never gives them back (malloc_trim
 * would: 350 -> 169 MB, tried from gdb after bench:soak). With jemalloc, which purges freed pages after a second,
 * the same soak ended at 123 MB after 60 s idle, against 321 MB with glibc and a fixed mmap threshold
 * (2026-12-03, 2-core AMD EPYC, docs/SERVER.md). So: jemalloc where the system has it (Debian and Ubuntu:
 * `apt-get install libjemalloc2`; the Docker image always does), else glibc with its mmap threshold fixed at
 * 128 KiB, which returns large buffers at least. Settings the user made themselves are left alone.
 * Plain JavaScript (.mjs) so it runs before anything is compiled.
 */
import { existsSync } from 'node:fs';
import process from 'node:process';

/** Where Debian, Ubuntu, Fedora and Alpine put jemalloc's shared library. */
export const JEMALLOC_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
  '/usr/local/lib/libjemalloc.so.2',
];

/** The Dockerfile's jemalloc settings: purge freed pages after 1 s, from a background thread. */
export const JEMALLOC_CONF = 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

/**
 * Environment variables to add for the server process.
 * @param {NodeJS.ProcessEnv} env - The environment it would otherwise get.
 * @param {(file: string) => boolean} exists - File test (tests inject one).
 * @returns {Record<string, string>} The variables to set (none when the user chose an allocator or this is not Linux).
 */
export function allocatorEnv(env = process.env, exists = existsSync, platform = process.platform) {
  if (platform !== 'linux' || env.LD_PRELOAD || env.MALLOC_CONF || env.MALLOC_MMAP_THRESHOLD_) return {};
  const jemalloc = JEMALLOC_PATHS.find((file) => exists(file));
  if (jemalloc !== undefined) return { LD_PRELOAD: jemalloc, MALLOC_CONF: JEMALLOC_CONF };
  return { MALLOC_MMAP_THRESHOLD_: '131072' };
}

/**
 * The main thread's young generation, in MB per semi-space (V8's default grows to 16). The HTTP thread's garbage is
 * short-lived request objects; under 16-connection load V8 grows the young generation to its maximum and keeps
 * it, so a small one trades nothing measurable for tens of MB (the prediction workers get the same cap from
 * their resourceLimits, src/server/node/pool-options.ts; the Docker image sets 2 in NODE_OPTIONS).
 */
export const MAIN_SEMI_SPACE_MB = 1;

/**
 * Node flags to add for the server process: the young-generation cap, unless the user's NODE_OPTIONS sets one.
 * @param {NodeJS.ProcessEnv} env - The environment it would otherwise get.
 * @returns {string[]} Flags to put before the script.
 */
export function serverNodeFlags(env = process.env) {
  if ((env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) return [];
  return [`--max-semi-space-size=${MAIN_SEMI_SPACE_MB}`];
}
