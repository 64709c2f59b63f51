/** Bounds on untrusted request input. Every value is a hard ceiling: going over it is a 413, never a crash. */
export interface ServerLimits {
  /** Largest request body in bytes, checked by hono's bodyLimit before any parsing. */
  readonly maxBodyBytes: number;
  /** Most image files (multipart `file` fields or JSON `images` entries) in one request. */
  readonly maxFiles: number;
  /** Most pixels (width * height, read from the image header) an upload may declare before it is decoded. */
  readonly maxImagePixels: number;
}

/** 10 MiB: a phone photo is 2-6 MB as JPEG; more than that in one request is not a digit upload. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** 16 files: enough for a batch from a script, small enough that one request cannot hog the worker pool. */
export const DEFAULT_MAX_FILES = 16;
/**
 * 40 megapixels: above any phone camera, and the decoded RGBA buffer (160 MB) still fits in a worker's heap.
 * A tiny compressed file can declare a huge size (a "decompression bomb"), which this stops before decoding.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 40_000_000;

/** The environment variable read for each limit. */
export const LIMIT_ENV_VARS = {
  maxBodyBytes: 'MAX_BODY_BYTES',
  maxFiles: 'MAX_FILES',
  maxImagePixels: 'MAX_IMAGE_PIXELS',
} as const satisfies Record<keyof ServerLimits, string>;

const DEFAULTS: ServerLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxFiles: DEFAULT_MAX_FILES,
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
};

/** A limit that is not a positive integer: thrown at startup so a typo in the environment fails loudly. */
export class LimitConfigError extends Error {
  readonly code = 'LIMIT_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'LimitConfigError';
  }
}

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
  return { maxBodyBytes: pick('maxBodyBytes'), maxFiles: pick('maxFiles'), maxImagePixels: pick('maxImagePixels') };
}

function checkPositiveInteger(value: number, name: string, raw: string = String(value)): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new LimitConfigError(`${name} must be a positive integer, got '${raw}'`);
  }
  return value;
}
