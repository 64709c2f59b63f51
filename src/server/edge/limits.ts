import { LIMIT_ENV_VARS, type ServerLimits } from '../limits.js';

/**
 * Request limits of the edge build, which must fit a Cloudflare isolate's 128 MB, of which the loaded model holds
 * ~51 MB (heap and buffers after loading the shipped model, measured in Node 20). On workerd one 12 MP JPEG took the process from 219 to 540 MB, eight at once 1,265 MB
 * (issue 22): past 128 MB every request on the isolate fails. Decoding costs ~35 bytes per pixel at its peak
 * (DECODE_BYTES_PER_PIXEL), and an isolate may serve several requests at once, so:
 * - 1 MP per image (~35 MB to decode; a 1280x800 picture, far more than a digit needs): a phone photo must be
 *   scaled down before it is sent, or sent to the Node server, which has worker threads and a decode budget;
 * - 4 MiB per body, 8 MiB of bodies held at once, 4 files per request (decoded one after another in process).
 * Wrangler `vars` (or workerd text bindings) of the same names override these, as the environment does on Node.
 */
export const EDGE_LIMITS = {
  maxImagePixels: 1_000_000,
  maxBodyBytes: 4 * 1024 * 1024,
  maxBodyBytesInFlight: 8 * 1024 * 1024,
  maxFiles: 4,
} as const satisfies Partial<ServerLimits>;

/**
 * The edge defaults as environment variables, beneath the worker's own bindings.
 * @param bindings - The worker's text bindings (wrangler `vars`).
 * @returns The environment the app resolves its limits from.
 */
export function edgeEnvironment(bindings: Readonly<Record<string, string>>): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [key, value] of Object.entries(EDGE_LIMITS)) {
    defaults[LIMIT_ENV_VARS[key as keyof typeof EDGE_LIMITS]] = String(value);
  }
  return { ...defaults, ...bindings };
}
