import { DEFAULT_MAX_IMAGE_PIXELS } from '../image/limits.js';
import { isNumberIn, POSITIVE_INTEGER } from '../shared/checks.js';
import { ConfigError } from '../shared/config-error.js';

/** Bounds on untrusted request input. Every value is a hard ceiling: going over it is a 4xx or a 503, never a crash. */
export interface ServerLimits {
  /** Largest request body in bytes: a declared size over it is refused before reading, a chunked body while it is read. */
  readonly maxBodyBytes: number;
  /** Largest JSON body in bytes: JSON is parsed on the main thread, so it gets a smaller limit of its own. */
  readonly maxJsonBytes: number;
  /**
   * Bytes of upload bodies held at once, counted as they arrive (a body up to 64 KiB at its Content-Length) and
   * released when the request is answered. Bytes that would go over wait for nothing: 503 BUSY at once.
   */
  readonly maxBodyBytesInFlight: number;
  /** Upload bodies one client address may have arriving at once; one more is 429 TOO_MANY_UPLOADS. */
  readonly maxUploadsPerClient: number;
  /**
   * Refusals of its uploads (400, 408, 413, 415, 422) one client address may earn a second, with bursts of twice
   * that; past it each refusal is held until its turn, at most 1 s (admission.ts).
   */
  readonly maxRefusalsPerSecond: number;
  /** How long an upload body may send nothing before it is answered 408 REQUEST_TIMEOUT. */
  readonly bodyIdleTimeoutMs: number;
  /** Most image files (multipart `file` fields or JSON `images` entries) in one request. */
  readonly maxFiles: number;
  /** Most pixels (width * height, read from the image header) an upload may declare before it is decoded. */
  readonly maxImagePixels: number;
  /** How long a prediction request that arrives while the model is loading waits for it before a 503. */
  readonly modelWaitMs: number;
}

/** 10 MiB: a phone photo is 2-6 MB as JPEG; more than that in one request is not a digit upload. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * 4 MiB: room for a 3 MB photo in base64. A JSON body costs the main thread ~2x its size to parse, and it is
 * also checked for structure (few tokens) before parsing; bigger files go as multipart or a raw image body.
 */
export const DEFAULT_MAX_JSON_BYTES = 4 * 1024 * 1024;
/**
 * 64 MiB: six full-size uploads read at once, while small ones (a 28x28 PNG is ~1 KB) practically never meet
 * it. Reading and parsing a body costs ~3x its size (socket buffers, form parts, the bytes handed to a worker).
 */
export const DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/**
 * 16 bodies arriving at once per address: a browser opens at most 6 connections per host, a script a few more;
 * one address cannot hold many sockets open with bodies that never come (issue 22's header-only attack).
 */
export const DEFAULT_MAX_UPLOADS_PER_CLIENT = 16;
/**
 * 20 refusals a second per address (bursts of 40): a person or a script that gets its uploads wrong is answered at
 * once; a client that sends nothing but refused bodies is answered 20 times a second, not 1,200 (bench:soak).
 */
export const DEFAULT_MAX_REFUSALS_PER_SECOND = 20;
/**
 * 10 s without a byte: a phone on a poor link still sends something every second. The Node server's 30 s
 * `requestTimeout` on the whole request sets the slowest average rate a body may have (a 10 MB body: 350 KB/s).
 */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 10_000;
/** 16 files: enough for a batch from a script, small enough that one request cannot hog the worker pool. */
export const DEFAULT_MAX_FILES = 16;
export { DEFAULT_MAX_IMAGE_PIXELS };
/** 5 s: the model loads in about one second after start; a request that arrives then waits instead of failing. */
export const DEFAULT_MODEL_WAIT_MS = 5_000;

/** The environment variable read for each limit. */
export const LIMIT_ENV_VARS = {
  maxBodyBytes: 'MAX_BODY_BYTES',
  maxJsonBytes: 'MAX_JSON_BYTES',
  maxBodyBytesInFlight: 'MAX_BODY_BYTES_IN_FLIGHT',
  maxUploadsPerClient: 'MAX_UPLOADS_PER_CLIENT',
  maxRefusalsPerSecond: 'MAX_REFUSALS_PER_SECOND',
  bodyIdleTimeoutMs: 'BODY_IDLE_TIMEOUT_MS',
  maxFiles: 'MAX_FILES',
  maxImagePixels: 'MAX_IMAGE_PIXELS',
  modelWaitMs: 'MODEL_WAIT_MS',
} as const satisfies Record<keyof ServerLimits, string>;

const DEFAULTS: ServerLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxJsonBytes: DEFAULT_MAX_JSON_BYTES,
  maxBodyBytesInFlight: DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  maxUploadsPerClient: DEFAULT_MAX_UPLOADS_PER_CLIENT,
  maxRefusalsPerSecond: DEFAULT_MAX_REFUSALS_PER_SECOND,
  bodyIdleTimeoutMs: DEFAULT_BODY_IDLE_TIMEOUT_MS,
  maxFiles: DEFAULT_MAX_FILES,
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
  modelWaitMs: DEFAULT_MODEL_WAIT_MS,
};

/**
 * Resolves the limits in one place: explicit option, then environment variable, then the `DEFAULT_*` constant.
 * @param options - Limits given in code (win over everything).
 * @param env - Environment to read (pass `process.env` at the Node edge; `{}` in tests and edge runtimes).
 * @returns Fully resolved limits.
 * @example resolveLimits({ maxFiles: 4 }, process.env)
 */
export function resolveLimits(
  options: Partial<ServerLimits> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): ServerLimits {
  const pick = (key: keyof ServerLimits): number => {
    const explicit = options[key];
    if (explicit !== undefined) return checkPositiveInteger(explicit, key);
    const raw = env[LIMIT_ENV_VARS[key]];
    if (raw !== undefined && raw.trim() !== '') return checkPositiveInteger(Number(raw), LIMIT_ENV_VARS[key], raw);
    return DEFAULTS[key];
  };
  const keys = Object.keys(DEFAULTS) as (keyof ServerLimits)[];
  const limits = Object.fromEntries(keys.map((key) => [key, pick(key)])) as unknown as ServerLimits;
  if (limits.maxBodyBytesInFlight < limits.maxBodyBytes) {
    throw new ConfigError(
      `MAX_BODY_BYTES_IN_FLIGHT (${limits.maxBodyBytesInFlight}) must be at least MAX_BODY_BYTES (${limits.maxBodyBytes}), ` +
        'or no full-size upload could ever be read',
    );
  }
  return limits;
}

function checkPositiveInteger(value: number, name: string, raw: string = String(value)): number {
  if (!isNumberIn(value, POSITIVE_INTEGER)) {
    throw new ConfigError(`${name} must be a positive integer, got '${raw}'`);
  }
  return value;
}
